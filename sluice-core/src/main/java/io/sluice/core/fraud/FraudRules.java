package io.sluice.core.fraud;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The fraud rules in force (CDR-10) and their cooldown, with the defaults of the README, or read from a rules file's
 * {@code key=value} pairs ({@link #parse}). A rule is switched off with {@code <rule>.enabled=false}.
 *
 * @param windows  the windowed rules (international-burst, short-call-flood)
 * @param spike    the daily rule, or null when off
 * @param cooldown seconds in which a rule holding again is the same alert
 */
public record FraudRules(List<WindowRule> windows, SpikeRule spike, long cooldown) {

    public static final long DEFAULT_COOLDOWN = 6 * 3600;
    /** Every rule's name, as alerts carry it. */
    public static final List<String> RULE_NAMES = List.of(WindowRule.INTERNATIONAL_BURST, WindowRule.SHORT_CALL_FLOOD,
            SpikeRule.USAGE_SPIKE);

    public FraudRules {
        windows = List.copyOf(windows);
        if (cooldown < 0) {
            throw new IllegalArgumentException("cooldown must not be negative");
        }
    }

    public static FraudRules defaults() {
        return new FraudRules(List.of(WindowRule.internationalBurst(List.of()), WindowRule.shortCallFlood()),
                SpikeRule.usageSpike(), DEFAULT_COOLDOWN);
    }

    /** No rule at all: nothing is kept, nothing is raised. */
    public static FraudRules none() {
        return new FraudRules(List.of(), null, DEFAULT_COOLDOWN);
    }

    public boolean any() {
        return !windows.isEmpty() || spike != null;
    }

    /** The longest billsec a windowed rule that is not about international calls looks at (-1: none; MAX: every call). */
    long longestShortCall() {
        long max = -1;
        for (WindowRule r : windows) {
            if (!r.internationalOnly()) {
                max = Math.max(max, r.maxBillsec() < 0 ? Long.MAX_VALUE : r.maxBillsec());
            }
        }
        return max;
    }

    /** Whether a windowed rule looks at international calls of any length. */
    boolean anyInternationalOnly() {
        for (WindowRule r : windows) {
            if (r.internationalOnly()) {
                return true;
            }
        }
        return false;
    }

    /** Whether some windowed rule looks at this call: it is kept for them. */
    boolean keeps(CallEvent e) {
        for (WindowRule r : windows) {
            if (r.qualifies(e)) {
                return true;
            }
        }
        return false;
    }

    private static final Set<String> KEYS = Set.of("cooldown",
            "international-burst.enabled", "international-burst.calls", "international-burst.window",
            "international-burst.high-risk-prefixes",
            "short-call-flood.enabled", "short-call-flood.calls", "short-call-flood.window", "short-call-flood.max-billsec",
            "short-call-flood.destinations",
            "usage-spike.enabled", "usage-spike.multiplier", "usage-spike.min-calls", "usage-spike.history-days",
            "usage-spike.min-history-days");

    /**
     * Rules from a rules file's pairs; what a pair leaves out keeps its default. Durations are seconds or a number with
     * {@code s}, {@code m}, {@code h} or {@code d}. An unknown key or a bad value is an {@link IllegalArgumentException}
     * naming the key.
     */
    public static FraudRules parse(Map<String, String> pairs) {
        for (String k : pairs.keySet()) {
            if (!KEYS.contains(k)) {
                throw new IllegalArgumentException("Unknown key '" + k + "'; known keys: " + String.join(", ", new TreeSet<>(KEYS)));
            }
        }
        List<WindowRule> windows = new ArrayList<>();
        WindowRule ib = WindowRule.internationalBurst(List.of());
        if (bool(pairs, "international-burst.enabled", true)) {
            String prefixes = pairs.getOrDefault("international-burst.high-risk-prefixes", "").trim();
            List<String> list = prefixes.isEmpty() ? List.of()
                    : Arrays.stream(prefixes.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
            for (String p : list) {
                if (!p.matches("\\+[0-9]{1,15}")) {
                    throw new IllegalArgumentException("international-burst.high-risk-prefixes: '" + p
                            + "' is not an E.164 prefix (a '+' and digits, as +88213)");
                }
            }
            windows.add(new WindowRule(ib.name(), duration(pairs, "international-burst.window", ib.windowSeconds()),
                    integer(pairs, "international-burst.calls", ib.minCalls()), 1, -1, true, list));
        }
        WindowRule sf = WindowRule.shortCallFlood();
        if (bool(pairs, "short-call-flood.enabled", true)) {
            windows.add(new WindowRule(sf.name(), duration(pairs, "short-call-flood.window", sf.windowSeconds()),
                    integer(pairs, "short-call-flood.calls", sf.minCalls()), integer(pairs, "short-call-flood.destinations", sf.minDistinct()),
                    duration(pairs, "short-call-flood.max-billsec", sf.maxBillsec()), false, List.of()));
        }
        SpikeRule us = SpikeRule.usageSpike();
        SpikeRule spike = null;
        if (bool(pairs, "usage-spike.enabled", true)) {
            String m = pairs.get("usage-spike.multiplier");
            double multiplier;
            try {
                multiplier = m == null ? us.multiplier() : Double.parseDouble(m.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("usage-spike.multiplier: '" + m + "' is not a number");
            }
            spike = new SpikeRule(us.name(), multiplier, integer(pairs, "usage-spike.min-calls", (int) us.minCalls()),
                    integer(pairs, "usage-spike.history-days", us.historyDays()),
                    integer(pairs, "usage-spike.min-history-days", us.minHistoryDays()));
        }
        return new FraudRules(windows, spike, duration(pairs, "cooldown", DEFAULT_COOLDOWN));
    }

    private static boolean bool(Map<String, String> pairs, String key, boolean dflt) {
        String v = pairs.get(key);
        if (v == null) {
            return dflt;
        }
        return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new IllegalArgumentException(key + ": '" + v + "' is not true or false");
        };
    }

    private static int integer(Map<String, String> pairs, String key, int dflt) {
        String v = pairs.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < 1) {
                throw new IllegalArgumentException(key + ": must be at least 1, not " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": '" + v + "' is not a whole number");
        }
    }

    /** Seconds of a duration written as seconds or with a unit s, m, h or d. */
    static long duration(Map<String, String> pairs, String key, long dflt) {
        String v = pairs.get(key);
        if (v == null) {
            return dflt;
        }
        String t = v.trim().toLowerCase(java.util.Locale.ROOT);
        long unit = 1;
        if (!t.isEmpty() && "smhd".indexOf(t.charAt(t.length() - 1)) >= 0) {
            unit = switch (t.charAt(t.length() - 1)) {
                case 'm' -> 60;
                case 'h' -> 3600;
                case 'd' -> 86400;
                default -> 1;
            };
            t = t.substring(0, t.length() - 1);
        }
        try {
            long n = Long.parseLong(t);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return Math.multiplyExact(n, unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(key + ": '" + v + "' is not a duration (seconds, or a number with s, m, h or d)");
        }
    }
}
