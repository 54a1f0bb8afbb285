package io.sluice.aws;

import java.time.Duration;
import java.util.Random;
import java.util.random.RandomGenerator;

/**
 * How long to wait before retrying a call that AWS throttled or took only in part (OBJ-3; AWS-CONTRACTS.md
 * section 8, items 10 and 12): exponential backoff with full jitter, bounded by a cap. The wait after failed
 * attempt {@code n} is drawn uniformly from {@code [0, min(cap, base * 2^(n-1)))}.
 *
 * <p>Full jitter rather than a fixed exponential delay: the callers that failed together (every Lambda writing to
 * one throttled Firehose stream or table) would otherwise all retry at the same instant and fail together again.
 * The cap keeps the total wait of a bounded number of attempts well inside a function's timeout. See
 * "Exponential Backoff And Jitter", AWS Architecture Blog
 * (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/).
 *
 * <p>Thread-safe when its random source is (the default, {@link Random}, is).
 */
public final class Backoff {
    /** The wait before the first retry is shorter than this. */
    public static final Duration DEFAULT_BASE = Duration.ofMillis(50);
    /** Every wait is shorter than this. */
    public static final Duration DEFAULT_CAP = Duration.ofSeconds(2);

    private final long baseMillis;
    private final long capMillis;
    private final RandomGenerator random;

    /**
     * @param base   the upper bound of the first wait; it doubles with every further attempt
     * @param cap    the largest upper bound, however many attempts failed
     * @param random the jitter source; tests pass one with known draws
     */
    public Backoff(Duration base, Duration cap, RandomGenerator random) {
        if (base.toMillis() < 1 || cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("A backoff needs a base of at least 1 ms and a cap no smaller than the base, not "
                    + base + " and " + cap);
        }
        this.baseMillis = base.toMillis();
        this.capMillis = cap.toMillis();
        this.random = random;
    }

    /**
     * 50 ms base, 2 s cap, jitter from a {@link java.security.SecureRandom}: with SnapStart, a {@link Random} made during
     * init would be restored with the same state in every container and give them all the same waits (AWS:
     * "Handling uniqueness with Lambda SnapStart" recommends cryptographically secure generators).
     */
    public static Backoff standard() {
        return new Backoff(DEFAULT_BASE, DEFAULT_CAP, new java.security.SecureRandom());
    }

    /**
     * The wait, in milliseconds, after failed attempt {@code attempt} (1 for the first call) and before the next one:
     * at least 0 and less than {@code min(cap, base * 2^(attempt-1))}.
     */
    public long delayMillis(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("Attempts count from 1, not " + attempt);
        }
        int doublings = attempt - 1;
        // A shift into the sign bit would overflow; the cap is the smaller value long before that.
        long ceiling = doublings >= Long.numberOfLeadingZeros(baseMillis) ? capMillis : Math.min(capMillis, baseMillis << doublings);
        return random.nextLong(ceiling);
    }

    /** Waits between attempts: the thread's sleep in production, a recorder in tests. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(long millis) throws InterruptedException;

        static Sleeper real() {
            return Thread::sleep;
        }
    }
}
