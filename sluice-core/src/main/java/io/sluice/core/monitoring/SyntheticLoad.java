package io.sluice.core.monitoring;

import java.util.random.RandomGenerator;

/**
 * What one synthetic invocation of the simulator does (MON-6), the same on both homes: it lasts a log-normal time with
 * the given median and p99 and fails with probability {@code errorRate}, by throwing {@link SimulatedFailure}.
 */
public record SyntheticLoad(double errorRate, double p50Millis, double p99Millis) {
    /** The z-score of the 99th percentile of a normal distribution. */
    private static final double Z99 = 2.3263478740;

    /** What a failing synthetic invocation throws. */
    public static final class SimulatedFailure extends RuntimeException {
        public SimulatedFailure(long invocation) {
            super("simulated failure of invocation " + invocation, null, false, true);
        }
    }

    public SyntheticLoad {
        if (!(errorRate >= 0 && errorRate <= 1)) {
            throw new IllegalArgumentException("error rate: 0 to 1, was " + errorRate);
        }
        if (!(p50Millis > 0 && p99Millis >= p50Millis && p99Millis <= 60_000)) {
            throw new IllegalArgumentException("latency: 0 < P50 <= P99 <= 60000 ms, was " + p50Millis + "," + p99Millis);
        }
    }

    /** Reads "P50,P99" in milliseconds. */
    public static SyntheticLoad of(double errorRate, String latency) {
        String[] l = latency.split(",");
        try {
            if (l.length != 2) {
                throw new NumberFormatException();
            }
            return new SyntheticLoad(errorRate, Double.parseDouble(l[0].strip()), Double.parseDouble(l[1].strip()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("latency is P50,P99 in milliseconds, e.g. 20,120; was '" + latency + "'");
        }
    }

    /** A duration drawn from the log-normal distribution of this median and p99, in nanoseconds. */
    public long durationNanos(RandomGenerator random) {
        double mu = Math.log(p50Millis);
        double sigma = (Math.log(p99Millis) - mu) / Z99;
        return (long) (Math.exp(mu + sigma * random.nextGaussian()) * 1e6);
    }

    /** Whether an invocation fails. */
    public boolean fails(RandomGenerator random) {
        return random.nextDouble() < errorRate;
    }

    /** The body of one synthetic invocation: waits its duration, then fails or returns. */
    public void run(long invocation, long durationNanos, boolean fails) {
        java.util.concurrent.locks.LockSupport.parkNanos(durationNanos);
        if (fails) {
            throw new SimulatedFailure(invocation);
        }
    }
}
