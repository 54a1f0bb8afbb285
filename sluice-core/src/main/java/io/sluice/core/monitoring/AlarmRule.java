package io.sluice.core.monitoring;

import java.util.List;
import java.util.Objects;

/**
 * One alarm with CloudWatch's semantics (MON-3): a datapoint per {@code periodSeconds}, compared with {@code threshold};
 * ALARM when at least {@code datapointsToAlarm} ("M") of the last {@code evaluationPeriods} ("N") datapoints breach;
 * missing datapoints treated as {@link MissingData} says. Like CloudWatch, an evaluation looks at more datapoints than N,
 * the {@code evaluationRange}; CloudWatch's documented examples retrieve 5 for N = 3, so the default is N + 2.
 * Evaluated by {@link #evaluate}, one function of the datapoints and the current state, both homes the same.
 */
public record AlarmRule(String name, int periodSeconds, int evaluationPeriods, int datapointsToAlarm, Comparison comparison,
                        double threshold, MissingData missingData, int evaluationRange) {

    /** How a datapoint is compared with the threshold (CloudWatch's ComparisonOperator). */
    public enum Comparison {
        GREATER_THAN_OR_EQUAL_TO_THRESHOLD, GREATER_THAN_THRESHOLD, LESS_THAN_THRESHOLD, LESS_THAN_OR_EQUAL_TO_THRESHOLD;

        boolean breaches(double value, double threshold) {
            return switch (this) {
                case GREATER_THAN_OR_EQUAL_TO_THRESHOLD -> value >= threshold;
                case GREATER_THAN_THRESHOLD -> value > threshold;
                case LESS_THAN_THRESHOLD -> value < threshold;
                case LESS_THAN_OR_EQUAL_TO_THRESHOLD -> value <= threshold;
            };
        }
    }

    /** How missing datapoints are treated (CloudWatch's TreatMissingData; its default is {@link #MISSING}). */
    public enum MissingData {
        MISSING, IGNORE, BREACHING, NOT_BREACHING
    }

    /** An alarm's state. */
    public enum State {
        OK, ALARM, INSUFFICIENT_DATA
    }

    public AlarmRule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(comparison, "comparison");
        Objects.requireNonNull(missingData, "missingData");
        if (periodSeconds < 1 || evaluationPeriods < 1 || datapointsToAlarm < 1 || datapointsToAlarm > evaluationPeriods
                || evaluationRange < evaluationPeriods) {
            throw new IllegalArgumentException("alarm " + name + ": needs period >= 1 s and 1 <= datapoints to alarm <= evaluation "
                    + "periods <= evaluation range, was " + periodSeconds + " s, " + datapointsToAlarm + " of " + evaluationPeriods
                    + " in " + evaluationRange);
        }
    }

    /** M out of N, evaluated over the last N + 2 datapoints. */
    public static AlarmRule of(String name, int periodSeconds, int evaluationPeriods, int datapointsToAlarm, Comparison comparison,
                               double threshold, MissingData missingData) {
        return new AlarmRule(name, periodSeconds, evaluationPeriods, datapointsToAlarm, comparison, threshold, missingData,
                evaluationPeriods + 2);
    }

    /**
     * The state after an evaluation: {@code datapoints} are the last periods' values, oldest first, {@code null} where a
     * period has none; {@code current} is the state before (what {@link MissingData#IGNORE} keeps). As documented in
     * "Configuring how CloudWatch alarms treat missing data" and "Avoiding premature transitions to alarm state"
     * (docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html):
     * <ul>
     *   <li>with at least N real datapoints in the evaluation range, the most recent N of them decide, the treatment of
     *   missing data aside;</li>
     *   <li>with none, the treatment decides: INSUFFICIENT_DATA, the current state, ALARM, or OK;</li>
     *   <li>with some, {@link MissingData#BREACHING} and {@link MissingData#NOT_BREACHING} fill the N as few times as
     *   possible; {@link MissingData#MISSING} and {@link MissingData#IGNORE} decide on the real ones: ALARM when M of them
     *   breach, or (MISSING only; IGNORE keeps its state) when no real one is within the threshold and the oldest breaching
     *   one is at least M periods old (no premature transition the other way); OK when one is within the threshold;
     *   else INSUFFICIENT_DATA (IGNORE: the current state).</li>
     * </ul>
     * The state is ALARM when at least M of the evaluated N breach, else OK.
     */
    public State evaluate(List<Double> datapoints, State current) {
        int from = Math.max(0, datapoints.size() - evaluationRange);
        List<Double> range = datapoints.subList(from, datapoints.size());
        List<Boolean> real = new java.util.ArrayList<>(); // breaching or not, oldest first
        int oldestBreachingAge = -1; // periods back from the newest, 1 = the newest
        for (int i = 0; i < range.size(); i++) {
            Double v = range.get(i);
            if (v != null && !v.isNaN()) {
                boolean b = comparison.breaches(v, threshold);
                real.add(b);
                if (b && oldestBreachingAge < 0) {
                    oldestBreachingAge = range.size() - i;
                }
            }
        }
        if (real.size() >= evaluationPeriods) {
            return count(real.subList(real.size() - evaluationPeriods, real.size())) >= datapointsToAlarm ? State.ALARM : State.OK;
        }
        if (real.isEmpty()) {
            return switch (missingData) {
                case MISSING -> State.INSUFFICIENT_DATA;
                case IGNORE -> current;
                case BREACHING -> State.ALARM;
                case NOT_BREACHING -> State.OK;
            };
        }
        int breaching = count(real);
        int fills = evaluationPeriods - real.size();
        switch (missingData) {
            case BREACHING:
                return breaching + fills >= datapointsToAlarm ? State.ALARM : State.OK;
            case NOT_BREACHING:
                return breaching >= datapointsToAlarm ? State.ALARM : State.OK;
            default:
                break;
        }
        if (breaching >= datapointsToAlarm) {
            return State.ALARM;
        }
        boolean anyWithin = breaching < real.size();
        if (!anyWithin && oldestBreachingAge >= datapointsToAlarm) {
            return missingData == MissingData.MISSING ? State.ALARM : current;
        }
        if (anyWithin) {
            return State.OK;
        }
        return missingData == MissingData.MISSING ? State.INSUFFICIENT_DATA : current;
    }

    private static int count(List<Boolean> breaching) {
        int n = 0;
        for (boolean b : breaching) {
            if (b) {
                n++;
            }
        }
        return n;
    }
}
