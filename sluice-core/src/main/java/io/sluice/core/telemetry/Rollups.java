package io.sluice.core.telemetry;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Rollups per device and metric per minute and per hour (IOT-3): count, min, max, sum (for the average) and the last
 * value by reading time. Folded per batch here; a store adds a batch's rollups to what it holds with {@link Rollup#merge},
 * which gives the same result in any order of batches.
 */
public final class Rollups {
    private Rollups() {
    }

    /** A rollup's resolution and bucket length. */
    public enum Resolution {
        MINUTE(60_000L), HOUR(3_600_000L);

        public final long millis;

        Resolution(long millis) {
            this.millis = millis;
        }
    }

    /** One device's metric in one bucket. */
    public record Key(String deviceId, String metric, Resolution resolution, long bucketStartMillis) {
    }

    /** What a bucket holds. */
    public record Rollup(long count, double min, double max, double sum, long lastAt, double last) {
        public double average() {
            return count == 0 ? Double.NaN : sum / count;
        }

        /** Both together; the last value is the later reading's (on a tie, the larger value, so that the order does not matter). */
        public Rollup merge(Rollup o) {
            boolean theirs = o.lastAt > lastAt || o.lastAt == lastAt && o.last > last;
            return new Rollup(count + o.count, Math.min(min, o.min), Math.max(max, o.max), sum + o.sum,
                    theirs ? o.lastAt : lastAt, theirs ? o.last : last);
        }

        static Rollup of(Reading r) {
            return new Rollup(1, r.value(), r.value(), r.value(), r.timestampMillis(), r.value());
        }
    }

    /** The minute and hour rollups of {@code readings}. */
    public static Map<Key, Rollup> of(Collection<Reading> readings) {
        Map<Key, Rollup> out = new LinkedHashMap<>();
        for (Reading r : readings) {
            for (Resolution res : Resolution.values()) {
                Key k = new Key(r.deviceId(), r.metric(), res, Math.floorDiv(r.timestampMillis(), res.millis) * res.millis);
                out.merge(k, Rollup.of(r), Rollup::merge);
            }
        }
        return out;
    }
}
