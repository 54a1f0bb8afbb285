package io.sluice.core.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** MON-6: the simulator's invocations have the median, p99 and error rate they are given. */
class SyntheticLoadTest {

    @Test
    @DisplayName("durations have the given median and p99, failures the given rate")
    void distribution() {
        SyntheticLoad load = SyntheticLoad.of(0.07, "20,120");
        SplittableRandom random = new SplittableRandom(42);
        int n = 200_000;
        double[] ms = new double[n];
        int failed = 0;
        for (int i = 0; i < n; i++) {
            ms[i] = load.durationNanos(random) / 1e6;
            failed += load.fails(random) ? 1 : 0;
        }
        Arrays.sort(ms);
        assertThat(ms[n / 2]).isCloseTo(20, within(0.5));
        assertThat(ms[(int) (n * 0.99)]).isCloseTo(120, within(4.0));
        assertThat((double) failed / n).isCloseTo(0.07, within(0.003));
    }

    @Test
    @DisplayName("bad settings are refused with the reason")
    void refusals() {
        assertThatThrownBy(() -> SyntheticLoad.of(1.5, "20,120")).hasMessageContaining("error rate");
        assertThatThrownBy(() -> SyntheticLoad.of(0.1, "120,20")).hasMessageContaining("P50 <= P99");
        assertThatThrownBy(() -> SyntheticLoad.of(0.1, "fast")).hasMessageContaining("P50,P99");
    }
}
