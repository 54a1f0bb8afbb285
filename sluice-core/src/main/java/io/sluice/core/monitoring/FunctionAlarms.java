package io.sluice.core.monitoring;

import java.util.List;

/**
 * The standing alarms of every Sluice function (MON-3), the same on both homes: the error rate (metric math:
 * {@code IF(invocations > 0, 100 * errors / invocations, 0)}) above 5 % in 2 consecutive periods, the p99 duration
 * above its limit in 2 consecutive periods, and 5 or more throttles in one period; missing datapoints are not breaching
 * (a function that is not called is not failing). The CDK app's alarms (sluice-infra SluiceFunctions) have these shapes.
 */
public final class FunctionAlarms {
    public static final double ERROR_RATE_PERCENT = 5;
    public static final int ERROR_PERIODS = 2;
    public static final double THROTTLES = 5;

    private FunctionAlarms() {
    }

    /** What a standing alarm reads from a period's counts. */
    public enum Metric {
        /** Metric math over Errors and Invocations, in percent. */
        ERROR_RATE,
        /** The period's p99 duration in milliseconds. */
        DURATION_P99,
        /** The period's throttled requests. */
        THROTTLES;

        /** This metric's datapoint of a period; null for a period without one. */
        public Double value(PeriodMetrics.Period p) {
            if (p == null) {
                return null;
            }
            return switch (this) {
                case ERROR_RATE -> errorRate(p.errors(), p.invocations());
                case DURATION_P99 -> p.invocations() == 0 ? null : p.p99Millis();
                case THROTTLES -> (double) p.throttles();
            };
        }
    }

    /** One standing alarm and the metric it reads. */
    public record Standing(String function, Metric metric, AlarmRule rule) {
    }

    /** The three alarms of {@code function} with a datapoint every {@code periodSeconds} and its p99 limit. */
    public static List<AlarmRule> of(String function, int periodSeconds, double p99Millis) {
        return standing(function, periodSeconds, p99Millis).stream().map(Standing::rule).toList();
    }

    /** As {@link #of}, each with the metric it reads. */
    public static List<Standing> standing(String function, int periodSeconds, double p99Millis) {
        return List.of(
                new Standing(function, Metric.ERROR_RATE, AlarmRule.of(function + "-error-rate", periodSeconds, ERROR_PERIODS,
                        ERROR_PERIODS, AlarmRule.Comparison.GREATER_THAN_THRESHOLD, ERROR_RATE_PERCENT,
                        AlarmRule.MissingData.NOT_BREACHING)),
                new Standing(function, Metric.DURATION_P99, AlarmRule.of(function + "-duration-p99", periodSeconds, ERROR_PERIODS,
                        ERROR_PERIODS, AlarmRule.Comparison.GREATER_THAN_THRESHOLD, p99Millis, AlarmRule.MissingData.NOT_BREACHING)),
                new Standing(function, Metric.THROTTLES, AlarmRule.of(function + "-throttles", periodSeconds, 1, 1,
                        AlarmRule.Comparison.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, THROTTLES, AlarmRule.MissingData.NOT_BREACHING)));
    }

    /**
     * A period's error rate in percent as the metric math gives it: null (no datapoint) when the period has neither
     * metric, 0 when nothing was invoked.
     */
    public static Double errorRate(Long errors, Long invocations) {
        if (errors == null && invocations == null) {
            return null;
        }
        long inv = invocations == null ? 0 : invocations;
        return inv > 0 ? 100.0 * (errors == null ? 0 : errors) / inv : 0.0;
    }

    /**
     * The {@code p}-th percentile (0 < p <= 1) of a period's durations, by nearest rank; null for a period without any.
     */
    public static Double percentile(List<Double> values, double p) {
        if (values.isEmpty()) {
            return null;
        }
        if (!(p > 0 && p <= 1)) {
            throw new IllegalArgumentException("a percentile is in (0, 1], was " + p);
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}
