package io.sluice.core.telemetry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The threshold rules over accepted, de-duplicated readings (IOT-4), in reading time: each device's readings of a
 * rule's metric are evaluated in timestamp order; a reading older than the latest one already evaluated for that device
 * and rule (late data) changes nothing, so a replayed or reordered batch tells nothing twice.
 */
public final class ThresholdEvaluator {
    private final Map<String, List<ThresholdRule>> byMetric = new HashMap<>();

    public ThresholdEvaluator(List<ThresholdRule> rules) {
        Set<String> names = new java.util.HashSet<>();
        for (ThresholdRule r : rules) {
            if (!names.add(r.name())) {
                throw new IllegalArgumentException("two threshold rules are named " + r.name());
            }
            byMetric.computeIfAbsent(r.metric(), m -> new ArrayList<>()).add(r);
        }
    }

    /** The alerts of {@code readings}, with the states they leave saved in {@code state}. */
    public List<TelemetryAlert> evaluate(List<Reading> readings, ThresholdState state) {
        List<Reading> relevant = readings.stream().filter(r -> byMetric.containsKey(r.metric()))
                .sorted(Comparator.comparingLong(Reading::timestampMillis)).toList();
        if (relevant.isEmpty()) {
            return List.of();
        }
        Set<ThresholdState.Key> keys = new LinkedHashSet<>();
        for (Reading r : relevant) {
            for (ThresholdRule rule : byMetric.get(r.metric())) {
                keys.add(new ThresholdState.Key(r.deviceId(), rule.name()));
            }
        }
        Map<ThresholdState.Key, ThresholdState.State> states = new HashMap<>(state.load(keys));
        Map<ThresholdState.Key, ThresholdState.State> changed = new HashMap<>();
        List<TelemetryAlert> alerts = new ArrayList<>();
        for (Reading r : relevant) {
            for (ThresholdRule rule : byMetric.get(r.metric())) {
                ThresholdState.Key key = new ThresholdState.Key(r.deviceId(), rule.name());
                ThresholdState.State s = states.getOrDefault(key, ThresholdState.State.INITIAL);
                if (r.timestampMillis() <= s.lastSeenAt()) {
                    continue; // late or replayed: the state is past it
                }
                ThresholdState.State next;
                if (!s.raised() && rule.raises(r.value())) {
                    boolean cooling = s.lastRaisedAt() != Long.MIN_VALUE
                            && r.timestampMillis() - s.lastRaisedAt() < rule.cooldown().toMillis();
                    if (!cooling) {
                        alerts.add(new TelemetryAlert(r.deviceId(), rule.name(), r.metric(), false, r.timestampMillis(), r.value(), rule.raiseAt()));
                    }
                    next = new ThresholdState.State(true, !cooling, cooling ? s.lastRaisedAt() : r.timestampMillis(), r.timestampMillis());
                } else if (s.raised() && rule.clears(r.value())) {
                    if (s.told()) {
                        alerts.add(new TelemetryAlert(r.deviceId(), rule.name(), r.metric(), true, r.timestampMillis(), r.value(), rule.clearAt()));
                    }
                    next = new ThresholdState.State(false, false, s.lastRaisedAt(), r.timestampMillis());
                } else {
                    next = new ThresholdState.State(s.raised(), s.told(), s.lastRaisedAt(), r.timestampMillis());
                }
                states.put(key, next);
                changed.put(key, next);
            }
        }
        state.save(changed);
        return alerts;
    }
}
