package io.sluice.core.telemetry;

/**
 * A threshold raised or cleared (IOT-4): the device, the rule, the reading that did it (time and value).
 *
 * @param cleared false for the raise, true for the "back to normal" notice
 */
public record TelemetryAlert(String deviceId, String rule, String metric, boolean cleared, long timestampMillis, double value,
                             double threshold) {
}
