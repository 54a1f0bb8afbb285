package io.sluice.core.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sluice.core.monitoring.AlarmRule.State;
import io.sluice.core.monitoring.FunctionMetrics.Outcome;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** MON-1, MON-3: counts per period, and the standing alarms evaluated over them, telling only changes. */
class FunctionMonitorTest {
    private static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");

    /** {@code n} invocations in the period starting {@code minute} minutes after T0, {@code errors} of them failed. */
    private static void minute(PeriodMetrics m, String fn, int minute, int n, int errors, long millis) {
        for (int i = 0; i < n; i++) {
            m.invoked(fn, T0.plusSeconds(60L * minute + i % 60), millis * 1_000_000, i < errors ? Outcome.ERROR : Outcome.OK);
        }
    }

    @Test
    @DisplayName("a period's counts: invocations, errors, throttles apart, average, max and p99 within 1 %")
    void periodCounts() {
        PeriodMetrics m = new PeriodMetrics(60, 10);
        for (int i = 1; i <= 1_000; i++) {
            m.invoked("fn", T0.plusMillis(i), i * 1_000_000L, i % 10 == 0 ? Outcome.ERROR : Outcome.OK);
        }
        m.invoked("fn", T0, 0, Outcome.THROTTLED);
        PeriodMetrics.Period p = m.last("fn", T0.plusSeconds(60), 1).get(0);
        assertThat(p.invocations()).isEqualTo(1_000);
        assertThat(p.errors()).isEqualTo(100);
        assertThat(p.throttles()).isEqualTo(1);
        assertThat(p.averageMillis()).isCloseTo(500.5, within(1e-9));
        assertThat(p.maxMillis()).isEqualTo(1_000.0);
        assertThat(p.p99Millis()).isCloseTo(990.0, within(990 * 0.01));
        assertThat(m.last("fn", T0.plusSeconds(60), 2).get(0)).as("the period before: no datapoint").isNull();
        assertThat(m.last("fn", T0.plusSeconds(59), 1).get(0)).as("not complete yet").isNull();
    }

    @Test
    @DisplayName("the error-rate alarm fires after 2 periods above 5 %, once, and clears once")
    void errorRateFiresAndClears() {
        PeriodMetrics m = new PeriodMetrics(60, 10);
        FunctionMonitor monitor = new FunctionMonitor(m, 500);
        int[] errorsPerMinute = {0, 7, 7, 7, 7, 0, 0, 0};
        StringBuilder changes = new StringBuilder();
        for (int minute = 0; minute < errorsPerMinute.length; minute++) {
            minute(m, "sim", minute, 100, errorsPerMinute[minute], 20);
            for (FunctionMonitor.Change c : monitor.evaluate(T0.plusSeconds(60L * (minute + 1)))) {
                changes.append(minute).append(':').append(c.transition().rule().name()).append(' ')
                        .append(c.transition().from()).append("->").append(c.transition().to()).append('\n');
            }
        }
        // Minute 0 gives the first datapoint (all OK); minutes 1 and 2 breach: ALARM after minute 2; 5 and 6 clear it.
        assertThat(changes.toString()).isEqualTo("""
                0:sim-error-rate INSUFFICIENT_DATA->OK
                0:sim-duration-p99 INSUFFICIENT_DATA->OK
                0:sim-throttles INSUFFICIENT_DATA->OK
                2:sim-error-rate OK->ALARM
                5:sim-error-rate ALARM->OK
                """);
        assertThat(monitor.statuses()).extracting(FunctionMonitor.Status::state).containsOnly(State.OK);
    }

    @Test
    @DisplayName("a slow p99 fires its alarm; five throttles in a period fire theirs")
    void p99AndThrottles() {
        PeriodMetrics m = new PeriodMetrics(1, 10);
        FunctionMonitor monitor = new FunctionMonitor(m, 500);
        for (int s = 0; s < 2; s++) {
            for (int i = 0; i < 100; i++) {
                m.invoked("slow", T0.plusSeconds(s), (i < 95 ? 10 : 900) * 1_000_000L, Outcome.OK);
            }
        }
        for (int i = 0; i < 5; i++) {
            m.invoked("busy", T0.plusSeconds(1), 0, Outcome.THROTTLED);
        }
        List<FunctionMonitor.Change> changes = monitor.evaluate(T0.plusSeconds(2));
        assertThat(changes).filteredOn(c -> c.transition().to() == State.ALARM)
                .extracting(c -> c.transition().rule().name()).containsExactlyInAnyOrder("slow-duration-p99", "busy-throttles");
    }

    @Test
    @DisplayName("closed periods are handed out once, the current one stays")
    void drain() {
        PeriodMetrics m = new PeriodMetrics(60, 100);
        minute(m, "fn", 0, 3, 1, 5);
        minute(m, "fn", 1, 2, 0, 5);
        assertThat(m.drainClosed(T0.plusSeconds(90))).singleElement().satisfies(p -> {
            assertThat(p.start()).isEqualTo(T0);
            assertThat(p.invocations()).isEqualTo(3);
            assertThat(p.errors()).isEqualTo(1);
        });
        assertThat(m.drainClosed(T0.plusSeconds(90))).isEmpty();
        assertThat(m.drainClosed(T0.plusSeconds(120))).extracting(PeriodMetrics.Period::invocations).containsExactly(2L);
    }
}
