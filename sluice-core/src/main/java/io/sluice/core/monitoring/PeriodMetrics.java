package io.sluice.core.monitoring;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.HdrHistogram.Histogram;

/**
 * Invocations counted per function and period (MON-1, MON-3), what CloudWatch keeps per metric: invocations, errors,
 * throttles and the durations, whose percentiles come from an HdrHistogram (2 significant digits: p99 within 1 %,
 * a few kilobytes per period whatever the rate). Periods are aligned on the epoch, as CloudWatch's are. It keeps the
 * last {@code keepPeriods} periods of each function; older ones are dropped, or {@link #drainClosed handed out} first.
 */
public final class PeriodMetrics implements FunctionMetrics {
    private final int periodSeconds;
    private final int keepPeriods;
    private final Map<String, NavigableMap<Long, Counts>> byFunction = new HashMap<>();

    /** One function's counts of one period, as a datapoint source. */
    public record Period(String function, Instant start, long invocations, long errors, long throttles, double sumMillis,
                         double maxMillis, double p99Millis) {

        /** The average duration of the period's invocations; 0 without any. */
        public double averageMillis() {
            return invocations == 0 ? 0 : sumMillis / invocations;
        }
    }

    public PeriodMetrics(int periodSeconds, int keepPeriods) {
        if (periodSeconds < 1 || keepPeriods < 1) {
            throw new IllegalArgumentException("a period of at least 1 s and at least one period kept, was " + periodSeconds
                    + " s and " + keepPeriods);
        }
        this.periodSeconds = periodSeconds;
        this.keepPeriods = keepPeriods;
    }

    public int periodSeconds() {
        return periodSeconds;
    }

    @Override
    public synchronized void invoked(String function, Instant at, long durationNanos, Outcome outcome) {
        long index = Math.floorDiv(at.getEpochSecond(), periodSeconds);
        NavigableMap<Long, Counts> periods = byFunction.computeIfAbsent(function, f -> new TreeMap<>());
        periods.computeIfAbsent(index, i -> new Counts()).add(durationNanos, outcome);
        while (periods.size() > keepPeriods) {
            periods.pollFirstEntry();
        }
    }

    /** The functions seen, in name order. */
    public synchronized List<String> functions() {
        return new ArrayList<>(new TreeSet<>(byFunction.keySet()));
    }

    /**
     * The last {@code n} complete periods of {@code function} before {@code now}, oldest first, null for a period in
     * which it was not invoked (a missing datapoint).
     */
    public synchronized List<Period> last(String function, Instant now, int n) {
        long current = Math.floorDiv(now.getEpochSecond(), periodSeconds);
        NavigableMap<Long, Counts> periods = byFunction.getOrDefault(function, new TreeMap<>());
        List<Period> out = new ArrayList<>(n);
        for (long i = current - n; i < current; i++) {
            Counts c = periods.get(i);
            out.add(c == null ? null : c.period(function, Instant.ofEpochSecond(i * periodSeconds)));
        }
        return out;
    }

    /** Removes and returns every complete period (before {@code now}'s), for keeping elsewhere; oldest first per function. */
    public synchronized List<Period> drainClosed(Instant now) {
        long current = Math.floorDiv(now.getEpochSecond(), periodSeconds);
        List<Period> out = new ArrayList<>();
        for (Map.Entry<String, NavigableMap<Long, Counts>> f : byFunction.entrySet()) {
            NavigableMap<Long, Counts> closed = f.getValue().headMap(current, false);
            for (Map.Entry<Long, Counts> p : closed.entrySet()) {
                out.add(p.getValue().period(f.getKey(), Instant.ofEpochSecond(p.getKey() * periodSeconds)));
            }
            closed.clear();
        }
        return out;
    }

    private static final class Counts {
        long invocations;
        long errors;
        long throttles;
        long sumNanos;
        long maxNanos;
        /** Durations in microseconds; grows as needed. */
        final Histogram durations = new Histogram(2);

        void add(long durationNanos, Outcome outcome) {
            if (outcome == Outcome.THROTTLED) {
                throttles++; // a refused request is no invocation (Lambda counts throttles apart), and no duration
                return;
            }
            invocations++;
            if (outcome == Outcome.ERROR) {
                errors++;
            }
            long d = Math.max(0, durationNanos);
            sumNanos += d;
            maxNanos = Math.max(maxNanos, d);
            durations.recordValue(d / 1_000);
        }

        Period period(String function, Instant start) {
            double p99 = invocations == 0 ? 0 : Math.min(durations.getValueAtPercentile(99.0) / 1_000.0, maxNanos / 1e6);
            return new Period(function, start, invocations, errors, throttles, sumNanos / 1e6, maxNanos / 1e6, p99);
        }
    }
}
