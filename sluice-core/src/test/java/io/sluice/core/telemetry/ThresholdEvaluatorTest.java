package io.sluice.core.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.telemetry.memory.InMemoryThresholdState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** IOT-4: one alert when a value crosses, one "back to normal" when it clears, none while it hovers or flaps. */
class ThresholdEvaluatorTest {
    private static final long T0 = 1_764_842_400_000L;
    private static final ThresholdRule HOT = new ThresholdRule("temperature", ThresholdRule.Direction.ABOVE, 80, 75, Duration.ofMinutes(10));

    private static List<Reading> series(String device, double... values) {
        List<Reading> out = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            out.add(new Reading(device, T0 + i * 60_000L, "temperature", values[i], "C", null));
        }
        return out;
    }

    private static List<String> told(List<TelemetryAlert> alerts) {
        return alerts.stream().map(a -> (a.cleared() ? "clear " : "raise ") + a.deviceId() + " " + a.value()).toList();
    }

    @Test
    @DisplayName("hovering at the threshold tells once; back below the clear threshold tells the clear once")
    void hysteresis() {
        ThresholdEvaluator rules = new ThresholdEvaluator(List.of(HOT));
        List<TelemetryAlert> alerts = rules.evaluate(series("pump-7", 70, 81, 79, 81, 80.5, 76, 81, 74, 70), new InMemoryThresholdState());
        assertThat(told(alerts)).containsExactly("raise pump-7 81.0", "clear pump-7 74.0");
        assertThat(alerts.get(0).rule()).isEqualTo("temperature-above-80");
    }

    @Test
    @DisplayName("a raise within the cooldown after the last one is not told, nor its clear; after the cooldown it is")
    void cooldown() {
        ThresholdEvaluator rules = new ThresholdEvaluator(List.of(HOT));
        // minutes 0..: raise at 1, clear at 2, raise again at 3 (within 10 min: quiet), clear at 4 (quiet), raise at 12 (told)
        double[] v = new double[14];
        java.util.Arrays.fill(v, 70);
        v[1] = 85;
        v[3] = 85;
        v[12] = 85;
        assertThat(told(rules.evaluate(series("pump-7", v), new InMemoryThresholdState())))
                .containsExactly("raise pump-7 85.0", "clear pump-7 70.0", "raise pump-7 85.0", "clear pump-7 70.0");
    }

    @Test
    @DisplayName("state carries across batches, in reading time: a replayed or late batch tells nothing again; devices apart")
    void acrossBatchesAndDevices() {
        ThresholdEvaluator rules = new ThresholdEvaluator(List.of(HOT));
        InMemoryThresholdState state = new InMemoryThresholdState();
        List<Reading> first = series("pump-7", 70, 85);
        assertThat(told(rules.evaluate(first, state))).containsExactly("raise pump-7 85.0");
        assertThat(rules.evaluate(first, state)).as("the same batch again").isEmpty();
        List<Reading> reordered = new ArrayList<>(series("pump-8", 70, 85, 60));
        java.util.Collections.reverse(reordered);
        assertThat(told(rules.evaluate(reordered, state))).as("sorted by reading time").containsExactly("raise pump-8 85.0", "clear pump-8 60.0");
        List<Reading> later = List.of(new Reading("pump-7", T0 + 5 * 60_000L, "temperature", 60, "C", null),
                new Reading("humid-1", T0, "humidity", 99, "%", null));
        assertThat(told(rules.evaluate(later, state))).containsExactly("clear pump-7 60.0");
    }

    @Test
    @DisplayName("a BELOW rule; rules that make no sense are refused")
    void belowAndRefusals() {
        ThresholdRule low = new ThresholdRule("battery", ThresholdRule.Direction.BELOW, 15, 20, Duration.ZERO);
        List<Reading> r = List.of(new Reading("tag-1", T0, "battery", 30, "%", null), new Reading("tag-1", T0 + 1, "battery", 14, "%", null),
                new Reading("tag-1", T0 + 2, "battery", 19, "%", null), new Reading("tag-1", T0 + 3, "battery", 21, "%", null));
        assertThat(new ThresholdEvaluator(List.of(low)).evaluate(r, new InMemoryThresholdState())).extracting(TelemetryAlert::cleared)
                .containsExactly(false, true);
        assertThatThrownBy(() -> new ThresholdRule("t", ThresholdRule.Direction.ABOVE, 80, 85, Duration.ZERO)).hasMessageContaining("clear <= raise");
        assertThatThrownBy(() -> new ThresholdEvaluator(List.of(HOT, HOT))).hasMessageContaining("two threshold rules");
    }
}
