package io.sluice.core.fraud;

import java.util.List;
import java.util.Objects;

/**
 * A rule over one subscriber's calls in a sliding event-time window (CDR-10): it holds at a call when the calls that
 * qualify within the window ending there, {@code (t - windowSeconds, t]}, reach {@code minCalls} and go to at
 * least {@code minDistinct} destinations. A qualifying call to a number starting with one of {@code doubleWeightPrefixes}
 * (high-risk ranges, E.164 with '+') counts twice.
 *
 * @param name                 the rule's name in alerts and the rules file
 * @param windowSeconds        window length
 * @param minCalls             weighted qualifying calls needed
 * @param minDistinct          distinct destinations needed (1: no condition)
 * @param maxBillsec           a call qualifies only if billed at most this many seconds (-1: any length)
 * @param internationalOnly    a call qualifies only if its callee is abroad
 * @param doubleWeightPrefixes callee prefixes whose calls count twice
 */
public record WindowRule(String name, long windowSeconds, int minCalls, int minDistinct, long maxBillsec,
                         boolean internationalOnly, List<String> doubleWeightPrefixes) {

    public static final String INTERNATIONAL_BURST = "international-burst";
    public static final String SHORT_CALL_FLOOD = "short-call-flood";

    public WindowRule {
        Objects.requireNonNull(name, "name");
        if (windowSeconds < 1 || minCalls < 1 || minDistinct < 1) {
            throw new IllegalArgumentException("Rule " + name + ": window, calls and distinct destinations must be at least 1");
        }
        doubleWeightPrefixes = List.copyOf(doubleWeightPrefixes);
    }

    /** The default: >= 10 international calls within 60 minutes. */
    public static WindowRule internationalBurst(List<String> highRiskPrefixes) {
        return new WindowRule(INTERNATIONAL_BURST, 3600, 10, 1, -1, true, highRiskPrefixes);
    }

    /** The default: >= 50 calls of at most 5 s (unanswered counts as 0 s) to >= 30 destinations within 60 minutes. */
    public static WindowRule shortCallFlood() {
        return new WindowRule(SHORT_CALL_FLOOD, 3600, 50, 30, 5, false, List.of());
    }

    public boolean qualifies(CallEvent e) {
        return (!internationalOnly || e.international()) && (maxBillsec < 0 || e.billsec() <= maxBillsec);
    }

    /** How much a qualifying call counts: 2 for a high-risk destination, else 1. */
    public int weight(CallEvent e) {
        for (String p : doubleWeightPrefixes) {
            if (e.callee().startsWith(p)) {
                return 2;
            }
        }
        return 1;
    }
}
