package io.sluice.core.fraud;

import java.util.List;
import java.util.Objects;

/**
 * One stored alert of a fraud rule for one subscriber (CDR-10): raised once when the rule starts to hold, kept while
 * it keeps holding (no second alert within the cooldown), cleared once event time has passed {@link #closesAt}.
 *
 * @param id          stable identity: subscriber, rule and the time it first held when raised ({@link #identity}); it
 *                    starts with {@code <subscriber>|<rule>|}, which the adapters key the alerts by
 * @param subscriber  the subscriber in E.164
 * @param rule        the rule's name
 * @param windowStart start of the evidence window (epoch seconds): its first call, or the day's start for a daily rule
 * @param windowEnd   end of the evidence window: the call at which the rule first held, or the day's end
 * @param firstHeld   when the rule first held: the call at which it held, or the day's start for a daily rule
 * @param heldUntil   the last time the rule held (the last second of the day for a daily rule)
 * @param closesAt    event time after which the alert is cleared when the rule has not held again
 * @param evidence    what the rule saw
 * @param cleared     the rule has stopped holding
 * @param raiseSent   the raise went out through the notifier
 * @param clearSent   the clear went out through the notifier
 */
public record FraudAlert(String id, String subscriber, String rule, long windowStart, long windowEnd, long firstHeld,
                         long heldUntil, long closesAt, Evidence evidence, boolean cleared, boolean raiseSent, boolean clearSent) {

    public FraudAlert {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(subscriber, "subscriber");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(evidence, "evidence");
        if (!id.startsWith(subscriber + "|" + rule + "|")) {
            throw new IllegalArgumentException("An alert's id starts with its subscriber and rule: '" + id + "'");
        }
    }

    /** The identity of the alert of {@code rule} for {@code subscriber} that first held at {@code firstHeld}. */
    public static String identity(String subscriber, String rule, long firstHeld) {
        return subscriber + "|" + rule + "|" + firstHeld;
    }

    /** A notification is owed: the raise, or the clear of an alert whose raise went out. */
    public boolean undelivered() {
        return !raiseSent || (cleared && !clearSent);
    }

    public FraudAlert withCleared() {
        return new FraudAlert(id, subscriber, rule, windowStart, windowEnd, firstHeld, heldUntil, closesAt, evidence, true, raiseSent, clearSent);
    }

    public FraudAlert delivered() {
        return new FraudAlert(id, subscriber, rule, windowStart, windowEnd, firstHeld, heldUntil, closesAt, evidence, cleared, true, cleared);
    }

    /**
     * What a rule saw when it held.
     *
     * @param calls           qualifying calls (weighted) in the window, or the day's calls for a daily rule
     * @param seconds         billed seconds of the day (daily rule), 0 otherwise
     * @param destinations    distinct destinations in the window
     * @param topDestinations up to three destinations, most called first
     * @param firstKey        key of the first record of the window
     * @param lastKey         key of the record at which the rule held
     * @param peakCalls       the most calls any holding window had (window rules)
     * @param baselineCalls   the subscriber's median calls a day in the trailing history (daily rule), else 0
     * @param baselineSeconds the median billed seconds a day in that history (daily rule), else 0
     * @param historyDays     days of history the median was taken over (daily rule), else 0
     */
    public record Evidence(long calls, long seconds, int destinations, List<String> topDestinations, String firstKey,
                           String lastKey, long peakCalls, double baselineCalls, double baselineSeconds, int historyDays) {
        public Evidence {
            topDestinations = List.copyOf(topDestinations);
            Objects.requireNonNull(firstKey, "firstKey");
            Objects.requireNonNull(lastKey, "lastKey");
        }

        public Evidence withPeak(long peak) {
            return new Evidence(calls, seconds, destinations, topDestinations, firstKey, lastKey, peak, baselineCalls,
                    baselineSeconds, historyDays);
        }
    }
}
