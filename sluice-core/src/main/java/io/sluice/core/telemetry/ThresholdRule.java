package io.sluice.core.telemetry;

import java.time.Duration;
import java.util.Objects;

/**
 * A threshold on one metric (IOT-4), with hysteresis and a cooldown: it is raised when a reading crosses
 * {@code raiseAt} ({@link Direction#ABOVE}: value > raiseAt; {@link Direction#BELOW}: value < raiseAt), and cleared
 * only when a reading is back past {@code clearAt} (at or below it, or at or above it), so that a value hovering at the
 * threshold raises one alert, not one per crossing. After a raise, another one of the same device and metric within
 * {@code cooldown} (in reading time) is not told, nor is its clear: a value flapping across both thresholds tells once.
 */
public record ThresholdRule(String metric, Direction direction, double raiseAt, double clearAt, Duration cooldown) {

    /** Which side of the threshold is abnormal. */
    public enum Direction {
        ABOVE, BELOW
    }

    public ThresholdRule {
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(cooldown, "cooldown");
        if (direction == Direction.ABOVE ? clearAt > raiseAt : clearAt < raiseAt) {
            throw new IllegalArgumentException("rule on " + metric + ": the clear threshold must be on the normal side of the raise "
                    + "threshold (" + (direction == Direction.ABOVE ? "clear <= raise" : "clear >= raise") + "), was raise " + raiseAt
                    + ", clear " + clearAt);
        }
        if (cooldown.isNegative()) {
            throw new IllegalArgumentException("rule on " + metric + ": a cooldown cannot be negative");
        }
    }

    boolean raises(double value) {
        return direction == Direction.ABOVE ? value > raiseAt : value < raiseAt;
    }

    boolean clears(double value) {
        return direction == Direction.ABOVE ? value <= clearAt : value >= clearAt;
    }

    /**
     * The default rules (IOT-4), the same on both homes: temperature above 80 C (clear at 75), battery below 15 % (clear at
     * 20), each told once per 10 minutes of reading time at most.
     */
    public static final java.util.List<ThresholdRule> DEFAULTS = java.util.List.of(
            new ThresholdRule("temperature", Direction.ABOVE, 80, 75, Duration.ofMinutes(10)),
            new ThresholdRule("battery", Direction.BELOW, 15, 20, Duration.ofMinutes(10)));

    /** The rule's name in alerts: {@code temperature-above-80}. */
    public String name() {
        return metric + "-" + direction.name().toLowerCase(java.util.Locale.ROOT) + "-" + format(raiseAt);
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
