package io.sluice.local.monitoring;

import io.micrometer.core.instrument.Gauge;
import io.sluice.core.monitoring.AlarmRule;
import io.sluice.core.monitoring.FunctionMonitor;
import io.sluice.core.monitoring.Instrumentation;
import io.sluice.core.monitoring.PeriodMetrics;
import io.sluice.core.pipeline.ErrorLog;
import io.sluice.core.pipeline.Notifier;
import io.sluice.local.store.DuckDbErrorLog;
import io.sluice.local.store.DuckDbFunctionMinutes;
import io.sluice.local.store.LocalStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The monitoring of one machine (MON-1..MON-4; issue 19), what CloudWatch, the error table and the dashboard are on
 * AWS: the {@link Instrumentation} every local function runs in; its counts per alarm period (the alarms' datapoints),
 * per minute (kept 24 hours in the embedded store, drawn by the dashboard) and in the Prometheus registry; the error
 * log in the store; and the standing alarms, evaluated at each {@link #tick} with CloudWatch's semantics, whose
 * changes of state go to the {@link Notifier} (the console, a webhook when configured).
 */
public final class LocalMonitoring implements AutoCloseable {
    public static final Duration MINUTES_KEPT = Duration.ofHours(24);
    public static final Duration ERRORS_KEPT = Duration.ofDays(7);
    private static final Duration PURGE_EVERY = Duration.ofMinutes(10);

    private final PeriodMetrics periods;
    private final PeriodMetrics minutes = new PeriodMetrics(60, 5);
    private final FunctionMonitor monitor;
    private final PrometheusMetrics prometheus = new PrometheusMetrics();
    private final DuckDbErrorLog errors;
    private final DuckDbFunctionMinutes minuteStore;
    private final Instrumentation instrumentation;
    private final Notifier notifier;
    private final Consumer<String> say;
    private final Set<String> gauged = new HashSet<>();
    private Instant lastPurge = Instant.EPOCH;

    public LocalMonitoring(LocalStore store, int periodSeconds, double p99Millis, Notifier notifier, Consumer<String> say) {
        // Enough periods for every alarm's evaluation range, and the one in progress.
        this.periods = new PeriodMetrics(periodSeconds, 8);
        this.monitor = new FunctionMonitor(periods, p99Millis);
        this.errors = new DuckDbErrorLog(store, new SecureRandom());
        this.minuteStore = new DuckDbFunctionMinutes(store);
        this.instrumentation = new Instrumentation(periods.andThen(minutes).andThen(prometheus), errors);
        this.notifier = notifier;
        this.say = say;
    }

    public Instrumentation instrumentation() {
        return instrumentation;
    }

    public ErrorLog errorLog() {
        return errors;
    }

    public PrometheusMetrics prometheus() {
        return prometheus;
    }

    public int periodSeconds() {
        return periods.periodSeconds();
    }

    /**
     * Once a period: saves the minutes that closed, evaluates the alarms and notifies their changes, purges what is past
     * its retention. Never throws: a failure is told through {@code say} and the next tick tries again.
     */
    public synchronized List<FunctionMonitor.Change> tick(Instant now) {
        List<PeriodMetrics.Period> closed = minutes.drainClosed(now);
        try {
            minuteStore.add(closed);
        } catch (RuntimeException e) {
            say.accept("sluice up: monitoring: " + closed.size() + " minute(s) of function metrics not saved: " + e.getMessage());
        }
        List<FunctionMonitor.Change> changes = monitor.evaluate(now);
        for (FunctionMonitor.Change c : changes) {
            gauge(c.transition().rule().name(), c.function());
            if (c.transition().from() == AlarmRule.State.INSUFFICIENT_DATA && c.transition().to() == AlarmRule.State.OK) {
                continue; // an alarm getting its first datapoints is no news (CloudWatch sends no OK action for it either)
            }
            try {
                notifier.notify(alert(c));
            } catch (RuntimeException e) {
                say.accept("sluice up: monitoring: alarm " + c.transition().rule().name() + " is " + c.transition().to()
                        + " but the notification failed: " + e.getMessage());
            }
        }
        if (Duration.between(lastPurge, now).compareTo(PURGE_EVERY) >= 0) {
            lastPurge = now;
            try {
                minuteStore.purge(now.minus(MINUTES_KEPT));
                errors.purge(now.minus(ERRORS_KEPT));
            } catch (RuntimeException e) {
                say.accept("sluice up: monitoring: purge failed: " + e.getMessage());
            }
        }
        return changes;
    }

    private void gauge(String alarm, String function) {
        if (gauged.add(alarm)) {
            Gauge.builder("sluice.alarm.state", monitor, m -> m.statuses().stream().filter(s -> s.alarm().equals(alarm))
                            .findFirst().map(s -> s.state() == AlarmRule.State.ALARM ? 1.0 : 0.0).orElse(0.0))
                    .description("1 while the alarm is in ALARM").tag("alarm", alarm).tag("function", function)
                    .register(prometheus.registry());
        }
    }

    static Notifier.Alert alert(FunctionMonitor.Change c) {
        AlarmRule r = c.transition().rule();
        String what = switch (c.metric()) {
            case ERROR_RATE -> "error rate (%)";
            case DURATION_P99 -> "p99 duration (ms)";
            case THROTTLES -> "throttles";
        };
        String values = c.transition().datapoints().stream().map(d -> d == null ? "-" : String.format(Locale.ROOT, "%.1f", d))
                .collect(Collectors.joining(", "));
        String subject = c.transition().to() + ": " + r.name();
        String rule = switch (r.comparison()) {
            case GREATER_THAN_THRESHOLD -> ">";
            case GREATER_THAN_OR_EQUAL_TO_THRESHOLD -> ">=";
            case LESS_THAN_THRESHOLD -> "<";
            case LESS_THAN_OR_EQUAL_TO_THRESHOLD -> "<=";
        } + " " + String.format(Locale.ROOT, "%s", r.threshold()) + " in " + r.datapointsToAlarm() + " of " + r.evaluationPeriods()
                + " periods of " + r.periodSeconds() + " s";
        String message = c.function() + " " + what + (c.transition().to() == AlarmRule.State.ALARM ? " " : " no longer ") + rule
                + "; last datapoints: " + values + "; was " + c.transition().from();
        return new Notifier.Alert(subject, message, Map.of("kind", "alarm", "alarm", r.name(), "function", c.function(),
                "state", c.transition().to().name()));
    }

    /** Every alarm's state. */
    public List<FunctionMonitor.Status> alarms() {
        return monitor.statuses();
    }

    /** The minutes of every function since {@code from}: saved ones and the minute in progress. */
    public synchronized List<PeriodMetrics.Period> minutesSince(Instant from, Instant now) {
        List<PeriodMetrics.Period> out = new ArrayList<>(minuteStore.since(from));
        for (String f : minutes.functions()) {
            // What has not been saved yet: the minutes closed since the last tick, and the one in progress.
            for (PeriodMetrics.Period p : minutes.last(f, now.plusSeconds(60), 3)) {
                if (p != null && !p.start().isBefore(from)) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    /** The latest error records of {@code function} (every function when null) since {@code from}, newest first. */
    public List<ErrorLog.Entry> latestErrors(String function, Instant from, Instant to, int limit) {
        return function == null ? errors.latest(from, limit) : errors.recent(function, from, to, limit);
    }

    /** Saves every minute, the one in progress too, and closes the store's connections. */
    @Override
    public synchronized void close() {
        try {
            minuteStore.add(minutes.drainClosed(Instant.now().plusSeconds(60)));
        } catch (RuntimeException e) {
            say.accept("sluice up: monitoring: the last minutes of function metrics not saved: " + e.getMessage());
        }
        minuteStore.close();
        errors.close();
    }
}
