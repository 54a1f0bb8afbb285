package io.sluice.core.monitoring;

import io.sluice.core.pipeline.ErrorLog;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The one wrapper every Sluice function runs in, on both homes (MON-1, MON-2): the Lambda handlers; on one machine the
 * HTTP ingest, the inbox, {@code sluice ingest} and the simulator. It counts the invocation, its duration and how it
 * ended in {@link FunctionMetrics}, and writes an {@link ErrorLog} entry when the function fails, by throwing or by
 * saying so ({@link Invocation#failed}: a Kinesis batch that reports failed items returns normally). Neither the
 * counting nor the error record can break the function: their own failures are told on standard error and swallowed.
 */
public final class Instrumentation {
    private final FunctionMetrics metrics;
    private final ErrorLog errors;
    private final Clock clock;
    private final LongSupplier nanoTime;

    public Instrumentation(FunctionMetrics metrics, ErrorLog errors, Clock clock, LongSupplier nanoTime) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.errors = Objects.requireNonNull(errors, "errors");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    public Instrumentation(FunctionMetrics metrics, ErrorLog errors) {
        this(metrics, errors, Clock.systemUTC(), System::nanoTime);
    }

    /** The work of one invocation. */
    @FunctionalInterface
    public interface Body<T, E extends Exception> {
        T run(Invocation call) throws E;
    }

    /**
     * Runs {@code body} as one invocation of {@code function}. {@code event} gives the event for the error record (only
     * called on failure; sanitized and cut by {@link ErrorLog.Entry#sanitize}). What the body throws is rethrown, after
     * the error is recorded.
     */
    public <T, E extends Exception> T invoke(String function, Supplier<String> event, Body<T, E> body) throws E {
        Invocation call = new Invocation(function, event, clock.instant(), nanoTime.getAsLong());
        try {
            return body.run(call);
        } catch (RuntimeException | Error e) {
            call.failed(e);
            throw e;
        } catch (Exception e) {
            call.failed(e);
            throw e;
        } finally {
            call.finish();
        }
    }

    /** One invocation in progress: the body tells it of a handled failure or a throttle. */
    public final class Invocation {
        private final String function;
        private final Supplier<String> event;
        private final Instant startedAt;
        private final long startNanos;
        private boolean failed;
        private boolean throttled;
        private String errorId;
        private Throwable recorded;

        private Invocation(String function, Supplier<String> event, Instant startedAt, long startNanos) {
            this.function = Objects.requireNonNull(function, "function");
            this.event = event;
            this.startedAt = startedAt;
            this.startNanos = startNanos;
        }

        public String function() {
            return function;
        }

        /** Milliseconds since the invocation started. */
        public long elapsedMillis() {
            return (nanoTime.getAsLong() - startNanos) / 1_000_000;
        }

        /**
         * The invocation failed with {@code error} though the body goes on (a partial batch failure, a 5xx answered):
         * it counts as an error and gets an error record, whose id is returned (for the caller's answer or log line).
         * A second failure is recorded too (the same one thrown afterwards is not), the invocation still counts once.
         */
        public String failed(Throwable error) {
            failed = true;
            if (error == recorded) {
                return errorId; // recorded by the body, then thrown: one record
            }
            recorded = error;
            String snapshot;
            try {
                snapshot = event == null ? "" : event.get();
            } catch (RuntimeException e) {
                snapshot = "(the event could not be read: " + e + ")";
            }
            try {
                errorId = errors.record(function, clock.instant(), error, elapsedMillis(), snapshot);
            } catch (RuntimeException e) {
                // The port promises not to throw; an adapter that does must not break the function either.
                errorId = "unrecorded";
                System.err.println("{\"level\":\"ERROR\",\"error_log\":\"unavailable: " + e + "\",\"function_name\":\"" + function
                        + "\",\"error_type\":\"" + error.getClass().getName() + "\"}");
            }
            return errorId;
        }

        /** The invocation was refused for load (a local 429): a throttle, not an error and not an invocation. */
        public void throttled() {
            throttled = true;
        }

        /** The id of the last error recorded for this invocation, or null. */
        public String errorId() {
            return errorId;
        }

        private void finish() {
            FunctionMetrics.Outcome outcome = failed ? FunctionMetrics.Outcome.ERROR
                    : throttled ? FunctionMetrics.Outcome.THROTTLED : FunctionMetrics.Outcome.OK;
            try {
                metrics.invoked(function, startedAt, nanoTime.getAsLong() - startNanos, outcome);
            } catch (RuntimeException e) {
                System.err.println("{\"level\":\"WARN\",\"metrics\":\"not counted: " + e + "\",\"function_name\":\"" + function + "\"}");
            }
        }
    }
}
