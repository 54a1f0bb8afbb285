package io.sluice.core.telemetry;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The rules every telemetry entry applies (IOT-2, SEC-5), the same on both homes: body and batch limits, JSON nesting,
 * the device id's form, the clock-skew window, and the metric catalog with each metric's range and unit. A metric not in
 * the catalog is refused unless {@code acceptUnknownMetrics}.
 */
public record TelemetryConfig(long maxBodyBytes, int maxReadings, int maxDepth, Pattern deviceId, Duration maxFuture,
                              Duration maxPast, Map<String, MetricSpec> metrics, boolean acceptUnknownMetrics) {

    /** A metric's valid range, inclusive, and its unit ("" when any). */
    public record MetricSpec(double min, double max, String unit) {
        public MetricSpec {
            if (!(min <= max)) {
                throw new IllegalArgumentException("a metric's range needs min <= max, was " + min + ".." + max);
            }
        }
    }

    public static final long DEFAULT_MAX_BODY_BYTES = 1L << 20;
    public static final int DEFAULT_MAX_READINGS = 1_000;
    public static final int DEFAULT_MAX_DEPTH = 8;
    /** Letters, digits and {@code . _ : -}, 1 to 128, starting with a letter or digit. */
    public static final Pattern DEFAULT_DEVICE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

    public TelemetryConfig {
        metrics = Map.copyOf(metrics);
        if (maxBodyBytes < 1 || maxReadings < 1 || maxDepth < 2) {
            throw new IllegalArgumentException("telemetry limits: body >= 1 byte, readings >= 1, depth >= 2");
        }
    }

    /** The defaults: 1 MiB bodies, 1,000 readings, nesting 8, 5 minutes ahead and 30 days behind, a small catalog. */
    public static TelemetryConfig defaults() {
        Map<String, MetricSpec> m = new LinkedHashMap<>();
        m.put("temperature", new MetricSpec(-90, 150, "C"));
        m.put("humidity", new MetricSpec(0, 100, "%"));
        m.put("pressure", new MetricSpec(300, 1_100, "hPa"));
        m.put("battery", new MetricSpec(0, 100, "%"));
        m.put("voltage", new MetricSpec(0, 1_000, "V"));
        m.put("current", new MetricSpec(-1_000, 1_000, "A"));
        m.put("power", new MetricSpec(0, 1e7, "W"));
        m.put("co2", new MetricSpec(0, 100_000, "ppm"));
        m.put("rssi", new MetricSpec(-150, 0, "dBm"));
        m.put("speed", new MetricSpec(0, 1_000, "km/h"));
        return new TelemetryConfig(DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_READINGS, DEFAULT_MAX_DEPTH, DEFAULT_DEVICE_ID,
                Duration.ofMinutes(5), Duration.ofDays(30), m, false);
    }

    public TelemetryConfig withMetrics(Map<String, MetricSpec> catalog, boolean acceptUnknown) {
        return new TelemetryConfig(maxBodyBytes, maxReadings, maxDepth, deviceId, maxFuture, maxPast, catalog, acceptUnknown);
    }
}
