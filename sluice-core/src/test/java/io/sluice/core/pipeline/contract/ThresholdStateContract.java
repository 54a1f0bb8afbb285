package io.sluice.core.pipeline.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.telemetry.ThresholdState;
import io.sluice.core.telemetry.ThresholdState.Key;
import io.sluice.core.telemetry.ThresholdState.State;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What every {@link ThresholdState} adapter must do (IOT-4; issue 18). Extend it once per adapter. */
public abstract class ThresholdStateContract {

    protected abstract ThresholdState state();

    @Test
    @DisplayName("unknown keys load as absent; a saved state loads back exactly; saving again replaces it; keys apart")
    void savesAndLoads() {
        ThresholdState s = state();
        Key hot7 = new Key("pump-7", "temperature-above-80");
        Key hot8 = new Key("pump-8", "temperature-above-80");
        Key low7 = new Key("pump-7", "battery-below-15");
        assertThat(s.load(List.of(hot7, hot8))).isEmpty();
        s.save(Map.of(hot7, new State(true, true, 1_000L, 2_000L), low7, State.INITIAL));
        assertThat(s.load(List.of(hot7, hot8, low7))).isEqualTo(Map.of(hot7, new State(true, true, 1_000L, 2_000L), low7, State.INITIAL));
        s.save(Map.of(hot7, new State(false, false, 1_000L, 3_000L)));
        assertThat(s.load(List.of(hot7))).isEqualTo(Map.of(hot7, new State(false, false, 1_000L, 3_000L)));
        assertThat(s.load(List.of())).isEmpty();
    }
}
