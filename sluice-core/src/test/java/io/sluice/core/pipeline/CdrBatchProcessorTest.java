package io.sluice.core.pipeline;

import static io.sluice.core.pipeline.AsteriskLines.answered;
import static io.sluice.core.pipeline.AsteriskLines.line;
import static io.sluice.core.pipeline.AsteriskLines.unanswered;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import io.sluice.core.cdr.AsteriskCsvParser;
import io.sluice.core.cdr.Cdr;
import io.sluice.core.cdr.CdrFormat;
import io.sluice.core.cdr.Disposition;
import io.sluice.core.cdr.FreeSwitchCsvParser;
import io.sluice.core.cdr.RawRecord;
import io.sluice.core.cdr.RecordFramer;
import io.sluice.core.cdr.RejectReason;
import io.sluice.core.cdr.Rejection;
import io.sluice.core.cdr.SubscriberProfile;
import io.sluice.core.pipeline.UsageDelta.RouteCounters;
import io.sluice.core.pipeline.UsageDelta.SubscriberDay;
import io.sluice.core.pipeline.UsageDelta.UsageCounters;
import io.sluice.core.pipeline.memory.InMemoryStores;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The whole batch path (parse, validate, normalize, de-duplicate, enrich, aggregate, archive, dead-letter) against
 * the in-memory adapters, on the shared sample files of CDR-FORMATS.md section 3 and on hand-made records.
 */
class CdrBatchProcessorTest {
    private static final LocalDateTime T0 = LocalDateTime.of(2024, 1, 15, 10, 0, 0);

    private final InMemoryStores stores = new InMemoryStores();
    private final AsteriskCsvParser asterisk = new AsteriskCsvParser();

    private CdrBatchProcessor processor(CdrPipelineConfig config) {
        return new CdrBatchProcessor(config, stores, stores, stores, stores, stores);
    }

    private CdrBatchProcessor processor() {
        return processor(CdrPipelineConfig.defaults());
    }

    private static Path sample(String name) {
        return io.sluice.core.testing.Samples.file(name);
    }

    private static List<RawRecord> frame(InputStream in, String source, CdrFormat format, int max) throws IOException {
        List<RawRecord> records = new ArrayList<>();
        try (RecordFramer framer = new RecordFramer(in, source, format.quotedNewlines(), max)) {
            RawRecord r;
            while ((r = framer.next()) != null) {
                records.add(r);
            }
        }
        return records;
    }

    private static List<RawRecord> frame(Path file, CdrFormat format) throws IOException {
        return frame(Files.newInputStream(file), file.getFileName().toString(), format, RecordFramer.DEFAULT_MAX_RECORD_BYTES);
    }

    private static List<RawRecord> frame(String text) throws IOException {
        return frame(new ByteArrayInputStream(text.getBytes(UTF_8)), "batch.csv", CdrFormat.ASTERISK,
                RecordFramer.DEFAULT_MAX_RECORD_BYTES);
    }

    /** The file's lines as bytes, without the LF: what a rejection of the record on that line must hold. */
    private static List<byte[]> fileLines(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        List<byte[]> lines = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < all.length; i++) {
            if (all[i] == '\n') {
                lines.add(Arrays.copyOfRange(all, from, i));
                from = i + 1;
            }
        }
        if (from < all.length) {
            lines.add(Arrays.copyOfRange(all, from, all.length));
        }
        return lines;
    }

    private static void assertOutcome(BatchOutcome o, long in, long accepted, long rejected, long duplicates) {
        assertThat(List.of(o.recordsIn(), o.accepted(), o.rejected(), o.duplicates()))
                .as("records in, accepted, rejected, duplicates")
                .containsExactly(in, accepted, rejected, duplicates);
    }

    /** A deep copy of every counter: the store's maps hold mutable counters. */
    private static Map<Object, List<Long>> counters(InMemoryStores s) {
        Map<Object, List<Long>> m = new HashMap<>();
        s.usage().forEach((k, v) -> m.put(k, List.of(v.calls, v.answered, v.seconds, v.internationalCalls, v.internationalSeconds)));
        s.routes().forEach((k, v) -> m.put(k, List.of(v.attempts, v.answered, v.seconds)));
        return m;
    }

    private static int epochDay(LocalDateTime t) {
        return (int) t.toLocalDate().toEpochDay();
    }

    // ---------------------------------------------------------------- sample files (CDR-FORMATS.md section 3)

    @Test
    @DisplayName("CDR-3: asterisk testsuite good.csv: 5 records, record 2 (billsec 7 > duration 5) rejected, 4 distinct accepted")
    void asteriskTestsuiteGoodCsv() throws IOException {
        Path file = sample("asterisk-testsuite_cdrlib_good.csv");
        List<RawRecord> records = frame(file, CdrFormat.ASTERISK);
        assertThat(records).hasSize(5);

        BatchOutcome o = processor().process(new BatchId("good.csv"), asterisk, records);

        assertOutcome(o, 5, 4, 1, 0);
        Rejection r = o.rejections().get(0);
        assertThat(r.reason()).isEqualTo(RejectReason.BILLSEC_EXCEEDS_DURATION);
        assertThat(r.line()).isEqualTo(2);
        assertThat(r.source()).isEqualTo("asterisk-testsuite_cdrlib_good.csv");
        assertThat(r.original()).isEqualTo(fileLines(file).get(1));
        assertThat(stores.deadLetters()).containsExactly(r);

        List<Cdr> archived = stores.archived();
        assertThat(archived).extracting(Cdr::line).containsExactly(1L, 3L, 4L, 5L);
        assertThat(archived).extracting(Cdr::disposition)
                .containsExactly(Disposition.ANSWERED, Disposition.FAILED, Disposition.NO_ANSWER, Disposition.BUSY);
        assertThat(archived).extracting(c -> c.times().billsec()).containsExactly(5, 0, 0, 0);
        assertThat(archived).extracting(Cdr::uniqueId).containsOnly("1231977075.0");
        assertThat(archived).extracting(Cdr::key).doesNotHaveDuplicates();
        // "100" is an extension and "test" is text: kept as written and flagged, never a reason to reject (CDR-4).
        assertThat(archived).allSatisfy(c -> {
            assertThat(c.callee().text()).isEqualTo("100");
            assertThat(c.hasFlag(Cdr.CALLEE_NOT_E164)).isTrue();
            assertThat(c.caller().text()).isEqualTo("test");
            assertThat(c.hasFlag(Cdr.CALLER_NOT_E164)).isTrue();
        });
    }

    /**
     * 45 rows, all valid (billsec <= duration, answer within start..end, a destination on every row; checked row by
     * row), rows 39 and 40 byte-identical: 44 accepted, 0 rejected, 1 duplicate. 37 distinct uniqueids; 8 of them
     * appear twice: the identical pair (1498584577.105) and 7 calls with a NO ANSWER and an ANSWERED leg.
     */
    @Test
    @DisplayName("CDR-5: fafeitsch smallcdr.csv: 45 records, 44 accepted, 1 duplicate; legs sharing a uniqueid are all kept")
    void fafeitschSmallCdr() throws IOException {
        Path file = sample("fafeitsch_asterisk_smallcdr.csv");
        List<RawRecord> records = frame(file, CdrFormat.ASTERISK);
        assertThat(records).hasSize(45);

        BatchOutcome o = processor().process(new BatchId("smallcdr.csv"), asterisk, records);

        assertOutcome(o, 45, 44, 0, 1);
        assertThat(stores.deadLetters()).isEmpty();
        List<Cdr> archived = stores.archived();
        assertThat(archived).extracting(Cdr::line)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, 45).filter(l -> l != 40).boxed().toList());

        Map<String, List<Cdr>> byUniqueId = archived.stream().collect(Collectors.groupingBy(Cdr::uniqueId));
        assertThat(byUniqueId).hasSize(37);
        Map<String, List<Cdr>> twoLegs = byUniqueId.entrySet().stream().filter(e -> e.getValue().size() == 2)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertThat(twoLegs).containsOnlyKeys("1498559927.9", "1498559959.14", "1498570840.39", "1498575576.50",
                "1498576084.55", "1498576778.68", "1498580968.90");
        assertThat(twoLegs.values()).allSatisfy(legs -> assertThat(legs).extracting(Cdr::disposition)
                .containsExactlyInAnyOrder(Disposition.ANSWERED, Disposition.NO_ANSWER));
        assertThat(byUniqueId.get("1498584577.105")).extracting(Cdr::line).containsExactly(39L);

        assertThat(archived.stream().collect(Collectors.groupingBy(Cdr::disposition, Collectors.counting())))
                .containsExactlyInAnyOrderEntriesOf(Map.of(Disposition.ANSWERED, 27L, Disposition.NO_ANSWER, 16L, Disposition.BUSY, 1L));
        assertThat(archived.get(0).caller().text()).isEqualTo("+19173750980");
        assertThat(archived.get(0).callee().text()).isEqualTo("+15026795153");
        assertThat(archived.get(0).route()).isEqualTo("NOT_AVAILABLE");
    }

    @Test
    @DisplayName("CDR-2, CDR-4: FreeSWITCH example-template sample: 5 unanswered calls accepted, numbers normalized with default ES")
    void freeSwitchExampleTemplate() throws IOException {
        Path file = sample("freeswitch-docs_example-template_Master.csv");
        List<RawRecord> records = frame(file, CdrFormat.FREESWITCH);
        assertThat(records).hasSize(5);

        BatchOutcome o = processor(CdrPipelineConfig.defaults().withDefaultCountry("ES"))
                .process(new BatchId("fs.csv"), new FreeSwitchCsvParser(), records);

        assertOutcome(o, 5, 5, 0, 0);
        List<Cdr> archived = stores.archived();
        assertThat(archived).extracting(Cdr::disposition).containsOnly(Disposition.NO_ANSWER);
        assertThat(archived).extracting(c -> c.times().duration()).containsOnly(0);
        assertThat(archived).extracting(Cdr::route).containsOnly("public");
        // 0034.., +34.., 34.. and 0034.. are one number; 00034.. (a third zero) is no number and is kept as written.
        assertThat(archived).extracting(c -> c.callee().text())
                .containsExactly("+34688886392", "+34688886392", "+34688886392", "+34688886392", "00034688886392");
        assertThat(archived.subList(0, 4)).allSatisfy(c -> {
            assertThat(c.callee().e164()).isTrue();
            assertThat(c.callee().region()).isEqualTo("ES");
            assertThat(c.international()).isFalse();
            assertThat(c.hasFlag(Cdr.CALLEE_NOT_E164)).isFalse();
        });
        assertThat(archived.get(4).hasFlag(Cdr.CALLEE_NOT_E164)).isTrue();
        // Callers 9007 and 9008 are extensions.
        assertThat(archived).extracting(c -> c.caller().text()).containsExactly("9007", "9008", "9008", "9008", "9008");
        assertThat(archived).allMatch(c -> c.hasFlag(Cdr.CALLER_NOT_E164));
    }

    // ---------------------------------------------------------------- idempotency and de-duplication (CDR-5, CDR-8)

    private String threeCalls() {
        return answered("2125550100", "2125550199", T0, 5, 60, "1705312800.1") + "\n"
                + unanswered("2125550100", "2125550188", T0.plusMinutes(5), 20, "NO ANSWER", "1705313100.2") + "\n"
                + answered("2125550111", "+4930123456", T0.plusMinutes(9), 3, 120, "1705313340.3") + "\n";
    }

    @Test
    @DisplayName("CDR-8: replaying a batch (same id, same records) reports the same outcome and leaves every counter as it was")
    void replayingABatchChangesNothing() throws IOException {
        List<RawRecord> batch = frame(threeCalls());
        CdrBatchProcessor processor = processor();
        BatchOutcome first = processor.process(new BatchId("kinesis:shard-0:1-3"), asterisk, batch);
        Map<Object, List<Long>> before = counters(stores);

        BatchOutcome second = processor.process(new BatchId("kinesis:shard-0:1-3"), asterisk, batch);

        assertOutcome(first, 3, 3, 0, 0);
        assertOutcome(second, 3, 3, 0, 0);
        assertThat(counters(stores)).isEqualTo(before);
        assertThat(stores.archivedCount()).isEqualTo(3);
    }

    @Test
    @DisplayName("CDR-5, CDR-8: parts committed as one batch each get their own outcome; a record in two parts counts once")
    void partsCommittedTogetherKeepTheirOwnOutcomes() throws IOException {
        CdrBatchProcessor processor = processor();
        BatchId id = new BatchId("http:1-3");
        String shared = answered("4915112345678", "4930123456", T0, 5, 60, "u1");
        List<RawRecord> a = frame(shared + "\n" + answered("4915112345679", "4930123456", T0.plusMinutes(1), 5, 30, "u2") + "\n");
        List<RawRecord> b = frame("not,a,cdr\n" + shared + "\n");
        List<RawRecord> c = frame(shared + "\n");

        List<PreparedBatch> parts = List.of(processor.prepare(id, asterisk, a), processor.prepare(id, asterisk, b),
                processor.prepare(id, asterisk, c));
        List<BatchOutcome> first = processor.commitAll(id, parts);
        Map<Object, List<Long>> before = counters(stores);
        List<BatchOutcome> replay = processor.commitAll(id, parts);

        assertOutcome(first.get(0), 2, 2, 0, 0);
        assertOutcome(first.get(1), 2, 0, 1, 1);
        assertOutcome(first.get(2), 1, 0, 0, 1);
        assertThat(first.get(1).rejections()).extracting(Rejection::line).containsExactly(1L);
        assertThat(replay).isEqualTo(first);
        assertThat(counters(stores)).isEqualTo(before);
        assertThat(stores.archivedCount()).isEqualTo(2);
        assertThat(stores.deadLetterCount()).isEqualTo(1);
    }

    @Test
    @DisplayName("CDR-3: a record that makes a parser fail is rejected with its bytes (PROCESSING_ERROR); the rest of the batch goes on")
    void aFaultOnOneRecordRejectsOnlyThatRecord() throws IOException {
        io.sluice.core.cdr.CdrParser failing = new io.sluice.core.cdr.CdrParser() {
            @Override
            public CdrFormat format() {
                return CdrFormat.ASTERISK;
            }

            @Override
            public io.sluice.core.cdr.Parsed parse(RawRecord raw, String text) {
                if (raw.line() == 2) {
                    throw new IllegalStateException("boom on line 2");
                }
                return asterisk.parse(raw, text);
            }
        };
        List<RawRecord> batch = frame(threeCalls());
        BatchOutcome o = processor().process(new BatchId("b"), failing, batch);

        assertOutcome(o, 3, 2, 1, 0);
        Rejection r = stores.deadLetters().get(0);
        assertThat(r.reason()).isEqualTo(RejectReason.PROCESSING_ERROR);
        assertThat(r.detail()).isEqualTo("IllegalStateException: boom on line 2");
        assertThat(r.line()).isEqualTo(2);
        assertThat(r.original()).isEqualTo(batch.get(1).bytes());
    }

    @Test
    @DisplayName("CDR-5: the same records in another batch are duplicates and change no counter")
    void theSameRecordsInAnotherBatchAreDuplicates() throws IOException {
        List<RawRecord> batch = frame(threeCalls());
        CdrBatchProcessor processor = processor();
        processor.process(new BatchId("kinesis:shard-0:1-3"), asterisk, batch);
        Map<Object, List<Long>> before = counters(stores);

        BatchOutcome other = processor.process(new BatchId("kinesis:shard-1:7-9"), asterisk, batch);

        assertOutcome(other, 3, 0, 0, 3);
        assertThat(counters(stores)).isEqualTo(before);
        assertThat(stores.archivedCount()).isEqualTo(3);
    }

    /**
     * Shows a bug: commit claims the records' keys (CdrBatchProcessor line 104) before the usage write (line 128)
     * and the archive write (line 129), and InMemoryStores.claim marks them seen for good. When a write fails
     * (throttling, an I/O error) and the batch is retried, as Lambda and the local runtime do, every record is
     * already "seen": the retry reports 3 duplicates and 0 accepted, and the calls are never archived nor
     * aggregated. DedupStore's Javadoc asks the store to commit the claim together with the aggregates, but
     * claim(keys) is not told the batch id, so no store can tie the two.
     */
    @Test
    @DisplayName("CDR-3, CDR-8: a batch retried after a failed usage write is counted, not lost as duplicates")
    void aBatchRetriedAfterAFailedWriteIsNotLost() throws IOException {
        UsageStore throttledOnce = new UsageStore() {
            private boolean failed;

            @Override
            public void apply(BatchId batch, UsageDelta delta) {
                if (!failed) {
                    failed = true;
                    throw new IllegalStateException("usage write throttled (simulated ProvisionedThroughputExceeded)");
                }
                stores.apply(batch, delta);
            }
        };
        CdrBatchProcessor processor = new CdrBatchProcessor(CdrPipelineConfig.defaults(), stores, stores, throttledOnce,
                stores, stores);
        List<RawRecord> batch = frame(threeCalls());
        BatchId id = new BatchId("kinesis:shard-0:1-3");
        assertThatIllegalStateException().isThrownBy(() -> processor.process(id, asterisk, batch))
                .withMessageContaining("throttled");

        BatchOutcome retry = processor.process(id, asterisk, batch);

        assertOutcome(retry, 3, 3, 0, 0);
        assertThat(stores.archivedCount()).isEqualTo(3);
        assertThat(stores.usage().values().stream().mapToLong(u -> u.calls).sum()).isEqualTo(3);
    }

    @Test
    @DisplayName("CDR-5, CDR-8: through a record ledger, a replay in batches of another shape counts every record once")
    void ledgerPathCountsOnceWhateverTheBatchShape() throws IOException {
        CdrBatchProcessor ledgerProcessor = new CdrBatchProcessor(CdrPipelineConfig.defaults(), stores, stores, stores, stores);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            text.append(answered("21255501" + (10 + i % 4), "2125550199", T0.plusMinutes(i), 2, 30 + i, "1705312800." + i))
                    .append('\n');
        }
        text.append(line("2125550100", "2125550199", "2024-01-15 10:00:00", "", "2024-01-15 10:00:05", "5", "7",
                "NO ANSWER", "1705312800.99")).append('\n'); // billsec > duration: rejected
        List<RawRecord> all = frame(text.toString());

        // A first attempt saw records 0..7; the retry came back as 4..12 (a checkpoint and other bounds).
        BatchOutcome first = ledgerProcessor.process(new BatchId("kinesis:shard-0:a"), asterisk, all.subList(0, 8));
        BatchOutcome retry = ledgerProcessor.process(new BatchId("kinesis:shard-0:b"), asterisk, all.subList(4, 13));
        BatchOutcome sameAgain = ledgerProcessor.process(new BatchId("kinesis:shard-0:b"), asterisk, all.subList(4, 13));

        assertOutcome(first, 8, 8, 0, 0);
        assertOutcome(retry, 9, 4, 1, 4);
        assertOutcome(sameAgain, 9, 4, 1, 4); // its own claims come back: the same outcome, no new counts
        assertThat(stores.usage().values().stream().mapToLong(u -> u.calls).sum()).isEqualTo(12);
        assertThat(stores.usage().values().stream().mapToLong(u -> u.seconds).sum())
                .isEqualTo(LongStream.range(0, 12).map(i -> 30 + i).sum());
        assertThat(stores.deadLetters()).hasSize(1);
    }

    @Test
    @DisplayName("CDR-9: through a record ledger, records of a batch that failed after archiving are archived again, never lost")
    void ledgerPathArchivesAtLeastOnce() throws IOException {
        RecordLedger failingOnce = new RecordLedger() {
            private boolean failed;

            @Override
            public java.util.Set<io.sluice.core.cdr.RecordKey> claimedByOthers(BatchId batch,
                    java.util.Collection<io.sluice.core.cdr.RecordKey> keys) {
                return stores.claimedByOthers(batch, keys);
            }

            @Override
            public java.util.Set<io.sluice.core.cdr.RecordKey> claimAndCount(BatchId batch, List<Cdr> accepted,
                    java.util.Collection<io.sluice.core.cdr.RecordKey> rejected) {
                if (!failed) {
                    failed = true;
                    throw new IllegalStateException("transaction throttled (simulated)");
                }
                return stores.claimAndCount(batch, accepted, rejected);
            }
        };
        List<Cdr> archived = new ArrayList<>();
        CdrBatchProcessor p = new CdrBatchProcessor(CdrPipelineConfig.defaults(), stores, failingOnce,
                (batch, records) -> archived.addAll(records), stores);
        List<RawRecord> batch = frame(threeCalls());
        assertThatIllegalStateException().isThrownBy(() -> p.process(new BatchId("x"), asterisk, batch));

        BatchOutcome retry = p.process(new BatchId("y"), asterisk, batch.subList(1, 3));

        assertOutcome(retry, 2, 2, 0, 0);
        assertThat(archived).hasSize(5); // 3 from the failed attempt, 2 again: at least once, keyed by record_key
        assertThat(stores.usage().values().stream().mapToLong(u -> u.calls).sum()).isEqualTo(2);
    }

    @Test
    @DisplayName("CDR-5: records delivered again in another batch (overlapping files) are duplicates and change no counter")
    void recordsInAnOverlappingBatchAreDuplicates() throws IOException {
        CdrBatchProcessor processor = processor();
        processor.process(new BatchId("file-a"), asterisk, frame(threeCalls()));
        Map<Object, List<Long>> before = counters(stores);
        String extra = answered("2125550122", "2125550199", T0.plusHours(1), 2, 30, "1705316400.4") + "\n";

        BatchOutcome o = processor.process(new BatchId("file-b"), asterisk, frame(threeCalls() + extra));

        assertOutcome(o, 4, 1, 0, 3);
        assertThat(stores.archivedCount()).isEqualTo(4);
        Map<Object, List<Long>> after = counters(stores);
        // The new call adds a new subscriber-day and route-hour; every earlier counter is unchanged.
        assertThat(after).containsAllEntriesOf(before).hasSize(before.size() + 2);
        assertThat(after.get(new SubscriberDay("+12125550122", epochDay(T0)))).containsExactly(1L, 1L, 30L, 0L, 0L);
    }

    @Test
    @DisplayName("CDR-5: a record repeated within a batch is counted once")
    void aRecordRepeatedWithinABatchIsCountedOnce() throws IOException {
        String call = answered("2125550100", "2125550199", T0, 5, 60, "1705312800.1") + "\n";

        BatchOutcome o = processor().process(new BatchId("b"), asterisk, frame(call + call + call));

        assertOutcome(o, 3, 1, 0, 2);
        assertThat(stores.archived()).extracting(Cdr::line).containsExactly(1L);
    }

    @Test
    @DisplayName("CDR-5: the same call with a quoted-empty or a bare-empty answer time is one record")
    void quotedAndBareEmptyAnswerAreTheSameRecord() throws IOException {
        String bare = unanswered("2125550100", "2125550199", T0, 9, "NO ANSWER", "1705312800.1");
        String quoted = bare.replace("\"2024-01-15 10:00:00\",,", "\"2024-01-15 10:00:00\",\"\",");
        assertThat(quoted).isNotEqualTo(bare);

        BatchOutcome o = processor().process(new BatchId("b"), asterisk, frame(bare + "\n" + quoted + "\n"));

        assertOutcome(o, 2, 1, 0, 1);
    }

    @Test
    @DisplayName("CDR-5: two legs of one call (same uniqueid and start, different channels) are both kept")
    void legsSharingAUniqueidAreBothKept() throws IOException {
        String legA = answered("2125550100", "2125550199", T0, 5, 60, "1705312800.1");
        String legB = legA.replace("SIP/carrier-0000002a", "SIP/carrier-0000002b");

        BatchOutcome o = processor().process(new BatchId("b"), asterisk, frame(legA + "\n" + legB + "\n"));

        assertOutcome(o, 2, 2, 0, 0);
    }

    // ---------------------------------------------------------------- flags and enrichment (CDR-3, CDR-6)

    @Test
    @DisplayName("CDR-3: a withheld (empty) caller is a real call: accepted and flagged CALLER_WITHHELD")
    void acceptsAndFlagsAWithheldCaller() throws IOException {
        BatchOutcome o = processor().process(new BatchId("b"), asterisk,
                frame(answered("", "2125550199", T0, 5, 60, "1705312800.1") + "\n"));

        assertOutcome(o, 1, 1, 0, 0);
        Cdr cdr = stores.archived().get(0);
        assertThat(cdr.caller().text()).isEmpty();
        assertThat(cdr.hasFlag(Cdr.CALLER_WITHHELD)).isTrue();
        assertThat(cdr.hasFlag(Cdr.CALLER_NOT_E164)).isFalse();
        assertThat(cdr.hasFlag(Cdr.UNKNOWN_SUBSCRIBER)).isTrue();
        assertThat(stores.usage()).containsOnlyKeys(new SubscriberDay("", epochDay(T0)));
    }

    /**
     * Shows a bug: UsageAggregator's Javadoc says "withheld callers count under an empty subscriber", and
     * CdrNormalizer flags both an empty caller and "anonymous" as CALLER_WITHHELD, but keeps "anonymous" as the
     * caller text, so the two withheld calls land in two subscriber-days ("" and "anonymous").
     */
    @Test
    @DisplayName("CDR-7: withheld callers, empty or 'anonymous', count under the one empty subscriber")
    void withheldCallersCountUnderTheEmptySubscriber() throws IOException {
        String batch = answered("", "2125550199", T0, 5, 60, "1705312800.1") + "\n"
                + answered("anonymous", "2125550199", T0.plusMinutes(1), 5, 30, "1705312860.2") + "\n";

        BatchOutcome o = processor().process(new BatchId("b"), asterisk, frame(batch));

        assertOutcome(o, 2, 2, 0, 0);
        assertThat(stores.archived()).allMatch(c -> c.hasFlag(Cdr.CALLER_WITHHELD));
        assertThat(counters(stores).keySet().stream().filter(k -> k instanceof SubscriberDay).toList())
                .containsExactly(new SubscriberDay("", epochDay(T0)));
    }

    @Test
    @DisplayName("CDR-6: a known subscriber gets its profile; an unknown one is accepted and flagged UNKNOWN_SUBSCRIBER")
    void enrichesKnownSubscribersAndFlagsUnknownOnes() throws IOException {
        SubscriberProfile gold = new SubscriberProfile("+12125550100", "gold", "US", "active");
        stores.putProfile(gold);
        String batch = answered("212-555-0100", "2125550199", T0, 5, 60, "1705312800.1") + "\n"
                + answered("212-555-0111", "2125550199", T0.plusMinutes(2), 5, 60, "1705312920.2") + "\n";

        BatchOutcome o = processor().process(new BatchId("b"), asterisk, frame(batch));

        assertOutcome(o, 2, 2, 0, 0);
        assertThat(o.unknownSubscribers()).isEqualTo(1);
        Cdr known = stores.archived().get(0);
        assertThat(known.subscriber()).isEqualTo(gold);
        assertThat(known.subscriber().plan()).isEqualTo("gold");
        assertThat(known.hasFlag(Cdr.UNKNOWN_SUBSCRIBER)).isFalse();
        Cdr unknown = stores.archived().get(1);
        assertThat(unknown.caller().text()).isEqualTo("+12125550111");
        assertThat(unknown.hasFlag(Cdr.UNKNOWN_SUBSCRIBER)).isTrue();
        assertThat(unknown.subscriber()).isEqualTo(SubscriberProfile.unknown("+12125550111"));
    }

    @Test
    @DisplayName("CDR-4: the caller's country decides what is international")
    void flagsInternationalCallsFromTheCallersCountry() throws IOException {
        BatchOutcome o = processor().process(new BatchId("b"), asterisk, frame(threeCalls()));

        assertOutcome(o, 3, 3, 0, 0);
        assertThat(stores.archived()).extracting(Cdr::international).containsExactly(false, false, true);
        assertThat(stores.usage().get(new SubscriberDay("+12125550111", epochDay(T0))).internationalSeconds).isEqualTo(120);
    }

    // ---------------------------------------------------------------- aggregation (CDR-7)

    @Test
    @DisplayName("CDR-7: over many batches, usage calls and route attempts sum to the accepted records")
    void usageCallsSumToTheAcceptedRecords() throws IOException {
        CdrBatchProcessor processor = processor();
        String day2 = answered("2125550100", "2125550199", T0.plusDays(1), 1, 10, "1") + "\n"
                + answered("", "2125550177", T0.plusDays(1).plusHours(3), 1, 1, "2") + "\n"
                + line("2125550100", "2125550199", "2024-01-16 10:00:00", "", "2024-01-16 10:00:01", "1", "5", "NO ANSWER", "3")
                + "\n";
        long accepted = 0;
        long answeredCount = 0;
        long billsec = 0;
        List<String> batches = List.of(threeCalls(), threeCalls(), day2, day2 + threeCalls());
        for (int i = 0; i < batches.size(); i++) {
            accepted += processor.process(new BatchId("batch-" + i), asterisk, frame(batches.get(i))).accepted();
        }
        for (Cdr c : stores.archived()) {
            answeredCount += c.disposition() == Disposition.ANSWERED ? 1 : 0;
            billsec += c.times().billsec();
        }

        assertThat(accepted).isEqualTo(5);
        assertThat(stores.usage().values().stream().mapToLong(u -> u.calls).sum()).isEqualTo(accepted);
        assertThat(stores.usage().values().stream().mapToLong(u -> u.answered).sum()).isEqualTo(answeredCount);
        assertThat(stores.usage().values().stream().mapToLong(u -> u.seconds).sum()).isEqualTo(billsec);
        assertThat(stores.routes().values().stream().mapToLong(r -> r.attempts).sum()).isEqualTo(accepted);
        assertThat(stores.usage().keySet()).extracting(SubscriberDay::epochDay)
                .containsOnly(epochDay(T0), epochDay(T0.plusDays(1)));
        UsageCounters day1 = stores.usage().get(new SubscriberDay("+12125550100", epochDay(T0)));
        assertThat(List.of(day1.calls, day1.answered, day1.seconds)).containsExactly(2L, 1L, 60L);
        RouteCounters carrier = stores.routes().get(new UsageDelta.RouteHour("SIP/carrier",
                LocalDate.of(2024, 1, 15).atTime(10, 0).toEpochSecond(ZoneOffset.UTC)));
        assertThat(List.of(carrier.attempts, carrier.answered, carrier.seconds)).containsExactly(3L, 2L, 180L);
    }

    // ---------------------------------------------------------------- dead letters (CDR-3)

    @Test
    @DisplayName("CDR-3: rejected records keep their exact original bytes, their 1-based line and a reason")
    void rejectedRecordsKeepTheirBytesAndLine() throws IOException {
        byte[] valid = answered("2125550100", "2125550199", T0, 5, 60, "1").getBytes(UTF_8);
        byte[] billsecTooLong = line("2125550100", "2125550199", "2024-01-15 10:00:00", "2024-01-15 10:00:01",
                "2024-01-15 10:00:06", "5", "7", "ANSWERED", "2").getBytes(UTF_8);
        byte[] notUtf8 = answered("2125550100", "2125550199", T0.plusMinutes(1), 5, 60, "3").getBytes(UTF_8);
        notUtf8[24] = (byte) 0xFF; // a digit of dst
        byte[] withNul = answered("2125550100", "2125550199", T0.plusMinutes(2), 5, 60, "4").getBytes(UTF_8);
        withNul[25] = 0; // a digit of dst
        byte[] tooLong = ("\"" + "x".repeat(600) + "\"").getBytes(UTF_8);
        byte[] accented = answered("2125550100", "2125550199", T0.plusMinutes(3), 5, 60, "5")
                .replace("Test Caller", "J\u00e9r\u00f4me").getBytes(UTF_8);
        byte[] unterminated = "\"acme\",\"2125550100\",\"never closed".getBytes(UTF_8);
        ByteArrayOutputStream input = new ByteArrayOutputStream();
        input.writeBytes(valid);          // line 1
        input.write('\n');
        input.write('\n');                // line 2: blank
        input.writeBytes(billsecTooLong); // line 3
        input.write('\n');
        input.writeBytes(notUtf8);        // line 4
        input.write('\n');
        input.writeBytes(withNul);        // line 5, CRLF
        input.writeBytes("\r\n".getBytes(UTF_8));
        input.writeBytes(tooLong);        // line 6
        input.write('\n');
        input.writeBytes(accented);       // line 7
        input.write('\n');
        input.writeBytes(unterminated);   // line 8, the input ends inside its quote

        CdrPipelineConfig config = new CdrPipelineConfig(CdrPipelineConfig.DEFAULT_SOURCE_ZONE, "US", 512, 1000);
        List<RawRecord> records = frame(new ByteArrayInputStream(input.toByteArray()), "upload.csv", CdrFormat.ASTERISK, 512);
        BatchOutcome o = processor(config).process(new BatchId("b"), asterisk, records);

        assertOutcome(o, 7, 2, 5, 0);
        assertThat(stores.archived()).extracting(Cdr::line).containsExactly(1L, 7L);
        List<Rejection> dead = stores.deadLetters();
        assertThat(dead).isEqualTo(o.rejections());
        assertThat(dead).extracting(Rejection::line).containsExactly(3L, 4L, 5L, 6L, 8L);
        assertThat(dead).extracting(Rejection::reason).containsExactly(RejectReason.BILLSEC_EXCEEDS_DURATION,
                RejectReason.NOT_TEXT, RejectReason.NOT_TEXT, RejectReason.LINE_TOO_LONG, RejectReason.BROKEN_QUOTING);
        assertThat(dead).extracting(Rejection::source).containsOnly("upload.csv");
        assertThat(dead.get(0).original()).isEqualTo(billsecTooLong);
        assertThat(dead.get(1).original()).isEqualTo(notUtf8);
        assertThat(dead.get(2).original()).isEqualTo(withNul);
        assertThat(dead.get(3).original()).isEqualTo(Arrays.copyOf(tooLong, 512));
        assertThat(dead.get(4).original()).isEqualTo(unterminated);
        assertThat(dead).allSatisfy(r -> assertThat(r.detail()).isNotBlank());
    }
}
