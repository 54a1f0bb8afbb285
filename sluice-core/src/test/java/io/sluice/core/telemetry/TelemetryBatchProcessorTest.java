package io.sluice.core.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.pipeline.BatchId;
import io.sluice.core.pipeline.memory.InMemoryStores;
import io.sluice.core.telemetry.memory.InMemoryTelemetryStore;
import io.sluice.core.telemetry.memory.InMemoryThresholdState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** IOT-2..IOT-4: readings in = accepted + rejected + duplicates, each counted; duplicates once; rollups add up. */
class TelemetryBatchProcessorTest {
    private static final long T0 = 1_764_842_400_000L; // 2025-12-04T10:00:00Z
    private final InMemoryStores stores = new InMemoryStores();
    private final InMemoryTelemetryStore store = new InMemoryTelemetryStore();
    private final TelemetryBatchProcessor processor = new TelemetryBatchProcessor(TelemetryConfig.defaults(), stores,
            new ThresholdEvaluator(List.of(new ThresholdRule("temperature", ThresholdRule.Direction.ABOVE, 80, 75, Duration.ofMinutes(10)))),
            new InMemoryThresholdState(), store);

    private static byte[] body(String... readings) {
        return ("[" + String.join(",", readings) + "]").getBytes(StandardCharsets.UTF_8);
    }

    private static String r(String device, long ts, double value) {
        return "{\"deviceId\":\"" + device + "\",\"timestamp\":" + ts + ",\"metric\":\"temperature\",\"value\":" + value + "}";
    }

    @Test
    @DisplayName("every reading counted once: accepted, rejected or duplicate (in the request and across requests)")
    void conservation() throws TelemetryParser.Refused {
        TelemetryBatchProcessor.Outcome first = processor.process(new BatchId("http:1"), body(r("a", T0, 20), r("a", T0, 21),
                r("a", T0 + 1_000, 85), r("b", T0, 200), "{}"), T0 + 5_000);
        assertThat(first.readingsIn()).isEqualTo(5);
        assertThat(first.accepted()).hasSize(2);
        assertThat(first.rejected()).extracting(ReadingRejection::index).containsExactly(3, 4);
        assertThat(first.duplicateIndexes()).as("the same device, metric and time twice in one request").containsExactly(1);
        assertThat(first.alerts()).singleElement().satisfies(a -> assertThat(a.value()).isEqualTo(85));

        TelemetryBatchProcessor.Outcome again = processor.process(new BatchId("http:2"), body(r("a", T0 + 1_000, 85), r("a", T0 + 2_000, 70)),
                T0 + 5_000);
        assertThat(again.duplicateIndexes()).as("sent before by another request").containsExactly(0);
        assertThat(again.accepted()).extracting(Reading::value).containsExactly(70.0);
        assertThat(again.alerts()).singleElement().satisfies(a -> assertThat(a.cleared()).isTrue());

        assertThat(store.readings()).hasSize(3);
        assertThat(store.rejected()).hasSize(2);
        Rollups.Rollup minute = store.rollups().get(new Rollups.Key("a", "temperature", Rollups.Resolution.MINUTE, T0));
        assertThat(minute).isEqualTo(new Rollups.Rollup(3, 20, 85, 175, T0 + 2_000, 70));
        assertThat(store.rollups().get(new Rollups.Key("a", "temperature", Rollups.Resolution.HOUR, T0)).count()).isEqualTo(3);
    }

    @Test
    @DisplayName("a retried batch (same id) is counted by the retry; a refused body stores nothing")
    void retriesAndRefusals() throws TelemetryParser.Refused {
        processor.process(new BatchId("http:7"), body(r("a", T0, 20)), T0);
        TelemetryBatchProcessor.Outcome retry = processor.process(new BatchId("http:7"), body(r("a", T0, 20)), T0);
        assertThat(retry.accepted()).as("its own claim is granted again").hasSize(1);
        assertThat(store.readings()).as("the store writes a batch once").hasSize(1);
        assertThatThrownBy(() -> processor.process(new BatchId("http:8"), "[{".getBytes(StandardCharsets.UTF_8), T0))
                .isInstanceOf(TelemetryParser.Refused.class);
        assertThat(store.readings()).hasSize(1);
    }

    @Test
    @DisplayName("group commit: requests processed as one batch each get their own counts; a reading both sent is the earlier's")
    void groupCommit() throws TelemetryParser.Refused {
        TelemetryConfig cfg = TelemetryConfig.defaults();
        TelemetryParser.Parsed a = TelemetryParser.parse(body(r("a", T0, 20), r("a", T0 + 1_000, 85)), cfg, T0 + 5_000);
        TelemetryParser.Parsed b = TelemetryParser.parse(body(r("a", T0 + 1_000, 85), r("b", T0, 21), "[]"), cfg, T0 + 5_000);
        List<TelemetryBatchProcessor.Outcome> out = processor.processAll(new BatchId("http:telemetry:g1"), List.of(a, b));
        assertThat(out.get(0).accepted()).hasSize(2);
        assertThat(out.get(0).duplicates()).isZero();
        assertThat(out.get(0).alerts()).as("the alert belongs to the request whose reading raised it").hasSize(1);
        assertThat(out.get(1).accepted()).extracting(Reading::deviceId).containsExactly("b");
        assertThat(out.get(1).duplicateIndexes()).containsExactly(0);
        assertThat(out.get(1).rejected()).extracting(ReadingRejection::index).containsExactly(2);
        assertThat(out.get(1).alerts()).isEmpty();
        assertThat(store.readings()).hasSize(3);
    }

    @Test
    @DisplayName("rollups merge in any order of batches to the same result")
    void rollupsMergeInAnyOrder() {
        Rollups.Rollup a = new Rollups.Rollup(2, 1, 5, 6, 100, 5);
        Rollups.Rollup b = new Rollups.Rollup(1, 0, 3, 3, 200, 3);
        Rollups.Rollup c = new Rollups.Rollup(1, 9, 9, 9, 200, 9);
        assertThat(a.merge(b).merge(c)).isEqualTo(c.merge(a).merge(b)).isEqualTo(new Rollups.Rollup(4, 0, 9, 18, 200, 9));
        assertThat(a.merge(b).merge(c).average()).isEqualTo(4.5);
    }
}
