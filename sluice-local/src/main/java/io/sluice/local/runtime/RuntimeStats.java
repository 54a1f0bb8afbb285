package io.sluice.local.runtime;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** What 'sluice up' has done since it started, for {@code GET /v1/status}: counters, a rate, the last errors. */
public final class RuntimeStats {
    /** One remembered error. */
    public record ErrorEvent(Instant at, String where, String message) {
    }

    private static final int RATE_WINDOW_SECONDS = 10;
    private static final int LAST_ERRORS = 20;

    public final Instant startedAt = Instant.now();
    public final AtomicLong requests = new AtomicLong();
    public final AtomicLong requestsAccepted = new AtomicLong();
    public final AtomicLong requestsThrottled = new AtomicLong();
    public final AtomicLong requestsRefused = new AtomicLong();
    public final AtomicLong recordsIn = new AtomicLong();
    public final AtomicLong accepted = new AtomicLong();
    public final AtomicLong rejected = new AtomicLong();
    public final AtomicLong duplicates = new AtomicLong();
    public final AtomicLong unknownSubscribers = new AtomicLong();
    public final AtomicLong ingestsApplied = new AtomicLong();
    public final AtomicLong filesProcessed = new AtomicLong();
    public final AtomicLong filesDuplicate = new AtomicLong();
    public final AtomicLong filesFailed = new AtomicLong();

    private final long[] perSecond = new long[RATE_WINDOW_SECONDS + 1];
    private long currentSecond = System.currentTimeMillis() / 1000;
    private final Deque<ErrorEvent> errors = new ArrayDeque<>();

    /** Counts records processed (in = accepted + rejected + duplicates) for the rate. */
    public synchronized void processed(long in, long acc, long rej, long dup, long unknown) {
        recordsIn.addAndGet(in);
        accepted.addAndGet(acc);
        rejected.addAndGet(rej);
        duplicates.addAndGet(dup);
        unknownSubscribers.addAndGet(unknown);
        roll();
        perSecond[(int) (currentSecond % perSecond.length)] += in;
    }

    private void roll() {
        long now = System.currentTimeMillis() / 1000;
        if (now - currentSecond > perSecond.length) {
            java.util.Arrays.fill(perSecond, 0);
        } else {
            for (long s = currentSecond + 1; s <= now; s++) {
                perSecond[(int) (s % perSecond.length)] = 0;
            }
        }
        currentSecond = Math.max(currentSecond, now);
    }

    /** Records processed per second over the last completed seconds of the window. */
    public synchronized double recordsPerSecond() {
        roll();
        long sum = 0;
        for (int i = 1; i <= RATE_WINDOW_SECONDS; i++) {
            sum += perSecond[(int) ((currentSecond - i + perSecond.length) % perSecond.length)];
        }
        long window = Math.min(RATE_WINDOW_SECONDS, Math.max(1, currentSecond - startedAt.getEpochSecond()));
        return (double) sum / window;
    }

    public synchronized void error(String where, String message) {
        errors.addFirst(new ErrorEvent(Instant.now(), where, message));
        while (errors.size() > LAST_ERRORS) {
            errors.removeLast();
        }
    }

    public synchronized List<ErrorEvent> lastErrors() {
        return new ArrayList<>(errors);
    }
}
