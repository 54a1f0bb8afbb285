package io.sluice.core.monitoring;

import java.time.Instant;

/**
 * Where an instrumented function's invocations are counted (MON-1), a core port: on one machine the per-period
 * counts the alarms read, the per-minute table of the embedded store and the Prometheus registry; on AWS Lambda counts
 * invocations, errors, duration and throttles itself, so its adapter only adds the EMF log line. Called once per
 * invocation by {@link Instrumentation}, never by a function directly.
 */
@FunctionalInterface
public interface FunctionMetrics {

    /** How an invocation ended. A throttled one was refused before doing work (a local 429, Lambda's Throttles). */
    enum Outcome {
        OK, ERROR, THROTTLED
    }

    /** One invocation of {@code function} that started at {@code at} and took {@code durationNanos}. */
    void invoked(String function, Instant at, long durationNanos, Outcome outcome);

    /** Counts nothing. */
    FunctionMetrics NONE = (function, at, durationNanos, outcome) -> {
    };

    /** Counts in {@code first}, then in {@code then}. */
    default FunctionMetrics andThen(FunctionMetrics then) {
        return (function, at, durationNanos, outcome) -> {
            invoked(function, at, durationNanos, outcome);
            then.invoked(function, at, durationNanos, outcome);
        };
    }
}
