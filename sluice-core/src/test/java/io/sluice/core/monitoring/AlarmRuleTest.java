package io.sluice.core.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.sluice.core.monitoring.AlarmRule.MissingData;
import io.sluice.core.monitoring.AlarmRule.State;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Issue 19 (MON-3): alarm evaluation replays the examples CloudWatch documents, every row and every treatment of missing
 * data, from "Configuring how CloudWatch alarms treat missing data", section "How alarm state is evaluated when data is
 * missing" (docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html; the same tables in
 * awsdocs/amazon-cloudwatch-user-guide doc_source/AlarmThatSendsEmail.md): threshold 1, 0 a datapoint within it, X one
 * breaching it, - a missing one, the 5 most recent datapoints retrieved, oldest first. "keep" is "Retain current state".
 */
class AlarmRuleTest {
    private static List<Double> points(String row) {
        List<Double> out = new ArrayList<>();
        for (String p : row.strip().split("\\s+")) {
            out.add(switch (p) {
                case "0" -> 0.0;
                case "X" -> 2.0;
                case "-" -> null;
                default -> throw new IllegalArgumentException(p);
            });
        }
        return out;
    }

    private static void check(int m, int n, String row, String missing, String ignore, String breaching, String notBreaching) {
        String[] expected = {missing, ignore, breaching, notBreaching};
        MissingData[] treatments = {MissingData.MISSING, MissingData.IGNORE, MissingData.BREACHING, MissingData.NOT_BREACHING};
        for (int i = 0; i < 4; i++) {
            AlarmRule rule = new AlarmRule("a", 300, n, m, AlarmRule.Comparison.GREATER_THAN_THRESHOLD, 1, treatments[i], 5);
            // "keep" holds whatever the state was: checked from each of the three.
            for (State before : State.values()) {
                State want = expected[i].equals("keep") ? before : State.valueOf(expected[i]);
                assertThat(rule.evaluate(points(row), before)).as("%d of %d, [%s], %s, from %s", m, n, row, treatments[i], before)
                        .isEqualTo(want);
            }
        }
    }

    /** The first table: Datapoints to Alarm and Evaluation Periods both 3. */
    @ParameterizedTest(name = "3 of 3: {0}")
    @CsvSource(delimiter = '|', textBlock = """
            0 - X - X | OK                | OK   | OK    | OK
            0 - - - - | OK                | OK   | OK    | OK
            - - - - - | INSUFFICIENT_DATA | keep | ALARM | OK
            0 X X - X | ALARM             | ALARM| ALARM | ALARM
            - - - - X | INSUFFICIENT_DATA | keep | ALARM | OK
            X - - - - | ALARM             | keep | ALARM | OK
            """)
    void threeOfThreeAsDocumented(String row, String missing, String ignore, String breaching, String notBreaching) {
        check(3, 3, row, missing.strip(), ignore.strip(), breaching.strip(), notBreaching.strip());
    }

    /** The second table: 2 out of 3. */
    @ParameterizedTest(name = "2 of 3: {0}")
    @CsvSource(delimiter = '|', textBlock = """
            0 - X - X | ALARM             | ALARM | ALARM | ALARM
            0 0 X 0 X | ALARM             | ALARM | ALARM | ALARM
            0 - X - - | OK                | OK    | ALARM | OK
            - - - - 0 | OK                | OK    | ALARM | OK
            - - - - X | INSUFFICIENT_DATA | keep  | ALARM | OK
            """)
    void twoOfThreeAsDocumented(String row, String missing, String ignore, String breaching, String notBreaching) {
        check(2, 3, row, missing.strip(), ignore.strip(), breaching.strip(), notBreaching.strip());
    }

    @Test
    void onlyTheMostRecentNRealDatapointsDecideWhenThereAreEnough() {
        AlarmRule r = AlarmRule.of("a", 60, 2, 2, AlarmRule.Comparison.GREATER_THAN_THRESHOLD, 1, MissingData.BREACHING);
        assertThat(r.evaluate(points("X X 0 X"), State.ALARM)).as("the last two, [0, X]: 1 of 2").isEqualTo(State.OK);
        assertThat(r.evaluate(points("0 0 X X"), State.OK)).as("the last two, [X, X]").isEqualTo(State.ALARM);
        assertThat(r.evaluate(points("X X - 0 -"), State.OK)).as("real ones from further back count before any fill: [X, 0]")
                .isEqualTo(State.OK);
        AlarmRule one = new AlarmRule("t", 60, 1, 1, AlarmRule.Comparison.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, 2, MissingData.NOT_BREACHING, 3);
        assertThat(one.evaluate(List.of(2.0), State.OK)).as(">= at the threshold breaches").isEqualTo(State.ALARM);
        assertThat(one.evaluate(List.of(), State.ALARM)).as("nothing at all, not breaching").isEqualTo(State.OK);
    }

    @Test
    void aRuleThatCannotHoldIsRefusedNamingIt() {
        assertThatIllegalArgumentException().isThrownBy(() -> AlarmRule.of("x", 60, 2, 3, AlarmRule.Comparison.GREATER_THAN_THRESHOLD, 1,
                MissingData.MISSING)).withMessageContaining("alarm x").withMessageContaining("3 of 2");
    }

    /** MON-3: only a change of state is told; a 7 % error rate fires the error-rate alarm once, and it clears once. */
    @Test
    void theStandingErrorRateAlarmFiresOnceAndClearsOnce() {
        AlarmTracker t = new AlarmTracker(FunctionAlarms.of("stream", 60, 500).get(0));
        List<Double> series = new ArrayList<>();
        List<AlarmTracker.Transition> told = new ArrayList<>();
        long[][] periods = {{0, 100}, {7, 100}, {7, 100}, {7, 100}, {7, 100}, {1, 100}, {0, 100}, {0, 0}};
        for (long[] p : periods) {
            series.add(FunctionAlarms.errorRate(p[0], p[1]));
            t.evaluate(series).ifPresent(told::add);
        }
        assertThat(told).extracting(x -> x.from() + "->" + x.to()).containsExactly("INSUFFICIENT_DATA->OK", "OK->ALARM", "ALARM->OK");
        assertThat(told.get(1).datapoints()).endsWith(7.0, 7.0);
        assertThat(FunctionAlarms.errorRate(null, null)).isNull();
        assertThat(FunctionAlarms.errorRate(3L, 0L)).isZero();
        assertThat(FunctionAlarms.percentile(List.of(5.0, 1.0, 3.0, 2.0, 4.0), 0.99)).isEqualTo(5.0);
        assertThat(FunctionAlarms.percentile(List.of(5.0, 1.0, 3.0, 2.0, 4.0), 0.5)).isEqualTo(3.0);
        assertThat(FunctionAlarms.percentile(List.of(), 0.99)).isNull();
    }
}
