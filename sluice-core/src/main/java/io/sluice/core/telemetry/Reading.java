package io.sluice.core.telemetry;

import com.dynatrace.hash4j.hashing.HashStream128;
import com.dynatrace.hash4j.hashing.HashValue128;
import com.dynatrace.hash4j.hashing.Hashing;
import io.sluice.core.cdr.RecordKey;
import java.util.Map;
import java.util.Objects;

/**
 * One telemetry reading (IOT-2), valid: a device, the time it was taken (epoch milliseconds, UTC), a metric, a finite
 * value, its unit and free-form tags.
 */
public record Reading(String deviceId, long timestampMillis, String metric, double value, String unit, Map<String, String> tags) {
    private static final long DAY_MILLIS = 86_400_000L;

    public Reading {
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(metric, "metric");
        unit = unit == null ? "" : unit;
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    /**
     * Its identity for de-duplication (IOT-2, as CDR-5 for calls): the same device, metric and time are one reading,
     * whatever the value (a device resending after a lost answer). Keyed by its UTC day like a call's, so the same
     * {@code DedupStore} adapters keep both.
     */
    public RecordKey key() {
        HashStream128 h = Hashing.xxh3_128().hashStream();
        h.putString("reading").putString(deviceId).putString(metric).putLong(timestampMillis);
        HashValue128 v = h.get();
        return RecordKey.of(Math.floorDiv(timestampMillis, DAY_MILLIS), v.getMostSignificantBits(), v.getLeastSignificantBits());
    }
}
