package io.sluice.core.fraud;

/**
 * The daily rule of CDR-10: a subscriber-day whose calls or billed seconds reach {@code multiplier} times the
 * subscriber's own median of the {@code historyDays} days before it, with at least {@code minCalls} calls, once
 * {@code minHistoryDays} of those days had calls. The median is over the days that had calls (a subscriber who calls
 * every other day is judged by the days they call); a seconds median of 0 (only unanswered calls) never triggers.
 */
public record SpikeRule(String name, double multiplier, long minCalls, int historyDays, int minHistoryDays) {
    public static final String USAGE_SPIKE = "usage-spike";

    public SpikeRule {
        if (multiplier <= 1 || minCalls < 1 || historyDays < 1 || minHistoryDays < 1 || minHistoryDays > historyDays) {
            throw new IllegalArgumentException("Rule " + name + ": multiplier must exceed 1, min-calls be at least 1, "
                    + "and min-history-days lie in 1.." + historyDays);
        }
    }

    public static SpikeRule usageSpike() {
        return new SpikeRule(USAGE_SPIKE, 10, 50, 7, 5);
    }
}
