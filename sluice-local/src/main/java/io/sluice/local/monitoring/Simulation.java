package io.sluice.local.monitoring;

import io.sluice.core.monitoring.Instrumentation;
import io.sluice.core.monitoring.SyntheticLoad;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Synthetic invocations through the real {@link Instrumentation} (MON-6; issue 19): {@code rate} per second for
 * {@code duration}, open-loop (each invocation starts at its intended time, whatever the others do; one virtual thread
 * each), each a {@link SyntheticLoad}: a log-normal time with the given median and p99, failing with probability
 * {@code errorRate}, as the simulator function does on AWS. They
 * feed the same metrics, alarms and error log as real work, so the alarms can be watched firing and clearing.
 */
public final class Simulation {
    public static final double MAX_RATE = 5_000;
    public static final Duration MAX_DURATION = Duration.ofHours(1);
    /** The settings, checked. */
    public record Spec(String function, double rate, double errorRate, double p50Millis, double p99Millis, Duration duration) {
        public Spec {
            if (function == null || !function.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
                throw new IllegalArgumentException("function: 1 to 64 letters, digits, '.', '_' or '-', was " + function);
            }
            if (!(rate > 0 && rate <= MAX_RATE)) {
                throw new IllegalArgumentException("rate: more than 0 and at most " + (int) MAX_RATE + " per second, was " + rate);
            }
            new SyntheticLoad(errorRate, p50Millis, p99Millis); // checks them
            if (duration.isNegative() || duration.isZero() || duration.compareTo(MAX_DURATION) > 0) {
                throw new IllegalArgumentException("duration: 1 s to 1 h, was " + duration.toSeconds() + " s");
            }
        }

        SyntheticLoad load() {
            return new SyntheticLoad(errorRate, p50Millis, p99Millis);
        }

        long invocations() {
            return (long) Math.floor(rate * duration.toNanos() / 1e9);
        }
    }

    private final String id;
    private final Spec spec;
    private final Instrumentation instrumentation;
    private final SplittableRandom random;
    private final AtomicLong started = new AtomicLong();
    private final AtomicLong finished = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong maxLagNanos = new AtomicLong();
    private volatile boolean stopped;
    private volatile String state = "running";
    private final Thread pacer;

    public Simulation(String id, Spec spec, Instrumentation instrumentation, long seed) {
        this.id = id;
        this.spec = spec;
        this.instrumentation = instrumentation;
        this.random = new SplittableRandom(seed);
        this.pacer = Thread.ofPlatform().daemon().name("sluice-simulate-" + id).unstarted(this::run);
    }

    public Simulation start() {
        pacer.start();
        return this;
    }

    private void run() {
        SyntheticLoad load = spec.load();
        long total = spec.invocations();
        long t0 = System.nanoTime();
        try (ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor()) {
            for (long i = 0; i < total && !stopped; i++) {
                long intended = t0 + (long) (i * 1e9 / spec.rate());
                for (long wait; (wait = intended - System.nanoTime()) > 0; ) {
                    LockSupport.parkNanos(wait);
                }
                maxLagNanos.accumulateAndGet(System.nanoTime() - intended, Math::max);
                long seq = i;
                long sleepNanos = load.durationNanos(random);
                boolean fails = load.fails(random);
                started.incrementAndGet();
                calls.submit(() -> invoke(load, seq, sleepNanos, fails));
            }
            calls.shutdown();
            calls.awaitTermination(2, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            state = stopped ? "stopped" : "done";
        }
    }

    private void invoke(SyntheticLoad load, long seq, long sleepNanos, boolean fails) {
        try {
            instrumentation.invoke(spec.function(), () -> "{\"simulated\":true,\"invocation\":" + seq + "}", call -> {
                load.run(seq, sleepNanos, fails);
                return null;
            });
        } catch (SyntheticLoad.SimulatedFailure e) {
            failed.incrementAndGet();
        } finally {
            finished.incrementAndGet();
        }
    }

    public void stop() {
        stopped = true;
    }

    public boolean running() {
        return state.equals("running");
    }

    /** Where it is, for GET /v1/simulations/{id}. */
    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("state", state);
        m.put("function", spec.function());
        m.put("rate", spec.rate());
        m.put("error_rate", spec.errorRate());
        m.put("latency_ms", java.util.List.of(spec.p50Millis(), spec.p99Millis()));
        m.put("duration_s", spec.duration().toSeconds());
        m.put("planned", spec.invocations());
        m.put("started", started.get());
        m.put("finished", finished.get());
        m.put("failed", failed.get());
        m.put("max_start_lag_ms", maxLagNanos.get() / 1e6);
        return m;
    }
}
