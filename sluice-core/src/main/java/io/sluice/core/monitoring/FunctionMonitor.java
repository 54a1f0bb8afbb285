package io.sluice.core.monitoring;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The standing alarms ({@link FunctionAlarms}) of every function seen in a {@link PeriodMetrics}, evaluated as
 * CloudWatch does (MON-3): each call of {@link #evaluate} gives every alarm the datapoints of its evaluation range,
 * the periods complete at that time, and returns only the changes of state, so an alarm notifies once when it fires
 * and once when it clears. A function's alarms start the first time it is seen, in INSUFFICIENT_DATA.
 */
public final class FunctionMonitor {
    private final PeriodMetrics metrics;
    private final double p99Millis;
    private final Map<String, Tracked> alarms = new LinkedHashMap<>();

    /** An alarm as the dashboard shows it. */
    public record Status(String function, String alarm, FunctionAlarms.Metric metric, String comparison, double threshold,
                         int periodSeconds, int evaluationPeriods, int datapointsToAlarm, AlarmRule.State state, Instant since,
                         List<Double> datapoints) {
    }

    /** A change of one alarm's state, at {@code at}. */
    public record Change(String function, FunctionAlarms.Metric metric, AlarmTracker.Transition transition, Instant at) {
    }

    private static final class Tracked {
        final FunctionAlarms.Standing standing;
        final AlarmTracker tracker;
        Instant since;
        List<Double> datapoints = List.of();

        Tracked(FunctionAlarms.Standing standing, Instant since) {
            this.standing = standing;
            this.tracker = new AlarmTracker(standing.rule());
            this.since = since;
        }
    }

    public FunctionMonitor(PeriodMetrics metrics, double p99Millis) {
        this.metrics = metrics;
        this.p99Millis = p99Millis;
    }

    /** Evaluates every alarm with the periods complete at {@code now}; the alarms whose state changed. */
    public synchronized List<Change> evaluate(Instant now) {
        for (String function : metrics.functions()) {
            for (FunctionAlarms.Standing s : FunctionAlarms.standing(function, metrics.periodSeconds(), p99Millis)) {
                alarms.computeIfAbsent(s.rule().name(), n -> new Tracked(s, now));
            }
        }
        List<Change> changes = new ArrayList<>();
        for (Tracked t : alarms.values()) {
            AlarmRule rule = t.standing.rule();
            List<Double> datapoints = new ArrayList<>(rule.evaluationRange());
            for (PeriodMetrics.Period p : metrics.last(t.standing.function(), now, rule.evaluationRange())) {
                datapoints.add(t.standing.metric().value(p));
            }
            t.datapoints = java.util.Collections.unmodifiableList(datapoints);
            t.tracker.evaluate(datapoints).ifPresent(transition -> {
                t.since = now;
                changes.add(new Change(t.standing.function(), t.standing.metric(), transition, now));
            });
        }
        return changes;
    }

    /** Every alarm's state, by function then alarm. */
    public synchronized List<Status> statuses() {
        List<Status> out = new ArrayList<>();
        for (Tracked t : alarms.values()) {
            AlarmRule r = t.standing.rule();
            out.add(new Status(t.standing.function(), r.name(), t.standing.metric(), r.comparison().name(), r.threshold(),
                    r.periodSeconds(), r.evaluationPeriods(), r.datapointsToAlarm(), t.tracker.state(), t.since, t.datapoints));
        }
        out.sort(java.util.Comparator.comparing(Status::function).thenComparing(Status::alarm));
        return out;
    }
}
