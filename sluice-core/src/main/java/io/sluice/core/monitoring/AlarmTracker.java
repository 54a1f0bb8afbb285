package io.sluice.core.monitoring;

import java.util.Optional;

/**
 * One alarm's state over time (MON-3): each evaluation may change it, and only a change is told, so an alarm that keeps
 * breaching notifies once, and once more when it clears (no alert storm). An alarm starts in INSUFFICIENT_DATA, as a
 * CloudWatch alarm does when it is created.
 */
public final class AlarmTracker {
    private final AlarmRule rule;
    private AlarmRule.State state = AlarmRule.State.INSUFFICIENT_DATA;

    /** A change of state, and the datapoints that made it. */
    public record Transition(AlarmRule rule, AlarmRule.State from, AlarmRule.State to, java.util.List<Double> datapoints) {
    }

    public AlarmTracker(AlarmRule rule) {
        this.rule = rule;
    }

    public AlarmRule rule() {
        return rule;
    }

    public AlarmRule.State state() {
        return state;
    }

    /** Evaluates the latest datapoints (oldest first, null for a period without one); the transition, if the state changed. */
    public Optional<Transition> evaluate(java.util.List<Double> datapoints) {
        AlarmRule.State next = rule.evaluate(datapoints, state);
        if (next == state) {
            return Optional.empty();
        }
        Transition t = new Transition(rule, state, next, java.util.Collections.unmodifiableList(new java.util.ArrayList<>(datapoints)));
        state = next;
        return Optional.of(t);
    }
}
