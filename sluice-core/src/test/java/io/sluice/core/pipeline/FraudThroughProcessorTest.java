package io.sluice.core.pipeline;

import static io.sluice.core.pipeline.AsteriskLines.answered;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.cdr.AsteriskCsvParser;
import io.sluice.core.cdr.CdrFormat;
import io.sluice.core.cdr.RawRecord;
import io.sluice.core.cdr.RecordFramer;
import io.sluice.core.fraud.FraudAlert;
import io.sluice.core.fraud.FraudDetector;
import io.sluice.core.fraud.FraudRules;
import io.sluice.core.pipeline.memory.InMemoryFraudState;
import io.sluice.core.pipeline.memory.InMemoryStores;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * CDR-10 through the one ingestion path: the rules see the records a batch accepts, once. A replayed batch (a Kinesis
 * retry, a chunk taken again after a crash) and a re-ingested file (its records duplicates now) raise no second alert,
 * for both commit strategies: the local one (claim, then apply) and the AWS one (through the ledger).
 */
class FraudThroughProcessorTest {
    private static final LocalDateTime T0 = LocalDateTime.of(2024, 3, 4, 9, 0, 0);

    private final InMemoryStores stores = new InMemoryStores();
    private final InMemoryFraudState fraud = new InMemoryFraudState();
    private final AsteriskCsvParser asterisk = new AsteriskCsvParser();

    private CdrBatchProcessor processor(String strategy) {
        FraudDetector detector = new FraudDetector(FraudRules.defaults(), fraud);
        CommitStrategy s = strategy.equals("ledger") ? new CommitStrategy.ThroughLedger(stores)
                : new CommitStrategy.ClaimThenApply(stores, stores);
        return new CdrBatchProcessor(CdrPipelineConfig.defaults(), stores, s, stores, stores, detector);
    }

    /** Twelve calls to London within 24 minutes from one US line, and three domestic ones. */
    private static List<RawRecord> burst() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            text.append(answered("+12125550100", "+44207946" + String.format("%04d", i), T0.plusMinutes(2L * i), 3, 90,
                    "b." + i)).append('\n');
        }
        for (int i = 0; i < 3; i++) {
            text.append(answered("+12125550100", "+12125550" + (200 + i), T0.plusMinutes(i), 3, 60, "d." + i)).append('\n');
        }
        List<RawRecord> records = new ArrayList<>();
        try (RecordFramer framer = new RecordFramer(new ByteArrayInputStream(text.toString().getBytes(UTF_8)), "burst.csv",
                CdrFormat.ASTERISK.quotedNewlines(), RecordFramer.DEFAULT_MAX_RECORD_BYTES)) {
            RawRecord r;
            while ((r = framer.next()) != null) {
                records.add(r);
            }
        }
        return records;
    }

    private List<FraudAlert> alerts() {
        return fraud.all();
    }

    @ParameterizedTest
    @ValueSource(strings = {"claim", "ledger"})
    void aReplayedBatchAndAReIngestedFileRaiseNoSecondAlert(String strategy) throws IOException {
        CdrBatchProcessor processor = processor(strategy);
        List<RawRecord> records = burst();

        BatchOutcome first = processor.process(new BatchId("kinesis:shard-0:1-15"), asterisk, records);
        assertThat(first.accepted()).isEqualTo(15);
        assertThat(alerts()).singleElement().satisfies(a -> {
            assertThat(a.rule()).isEqualTo("international-burst");
            assertThat(a.subscriber()).isEqualTo("+12125550100");
            assertThat(a.evidence().calls()).isEqualTo(10); // when it first held
            assertThat(a.evidence().peakCalls()).isEqualTo(12);
        });
        FraudAlert raised = alerts().get(0);

        // The same batch again (a retry after a timeout) and the same records under another id (the file again).
        BatchOutcome replay = processor.process(new BatchId("kinesis:shard-0:1-15"), asterisk, records);
        BatchOutcome again = processor.process(new BatchId("file:burst.csv#2"), asterisk, records);
        assertThat(again.duplicates()).isEqualTo(15);
        assertThat(replay.recordsIn()).isEqualTo(15);
        assertThat(alerts()).containsExactly(raised);
        // The day's usage the spike rule reads counts each call once.
        int day = (int) T0.toLocalDate().toEpochDay();
        assertThat(fraud.dailyUsage(java.util.Set.of("+12125550100"), day, day).values())
                .singleElement().satisfies(u -> assertThat(u.calls()).isEqualTo(15));
    }

    @ParameterizedTest
    @ValueSource(strings = {"claim", "ledger"})
    void theRulesSeeOnlyAcceptedRecords(String strategy) throws IOException {
        // Eleven international calls in one batch, nine of them repeated in a second: still eleven calls, one alert
        // with a peak of eleven in its window, not twenty.
        List<RawRecord> records = burst().subList(0, 11);
        CdrBatchProcessor processor = processor(strategy);
        processor.process(new BatchId("a"), asterisk, records);
        processor.process(new BatchId("b"), asterisk, records.subList(2, 11));
        assertThat(alerts()).singleElement().satisfies(a -> assertThat(a.evidence().peakCalls()).isEqualTo(11));
    }
}
