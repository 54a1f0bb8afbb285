package io.sluice.aws.archive;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.aws.Backoff;
import io.sluice.aws.Backoff.Sleeper;
import io.sluice.core.cdr.AsteriskCsvParser;
import io.sluice.core.cdr.Cdr;
import io.sluice.core.cdr.RawRecord;
import io.sluice.core.cdr.SubscriberProfile;
import io.sluice.core.pipeline.BatchId;
import io.sluice.core.pipeline.BatchOutcome;
import io.sluice.core.pipeline.CdrBatchProcessor;
import io.sluice.core.pipeline.CdrPipelineConfig;
import io.sluice.core.pipeline.memory.InMemoryStores;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.FirehoseException;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchRequest;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponseEntry;
import software.amazon.awssdk.services.firehose.model.Record;

/**
 * The Firehose archive against a hand-written client that records every PutRecordBatch call and answers as scripted,
 * on CDRs made by the core's real pipeline from Asterisk lines.
 */
class FirehoseArchiveTest {
    private static final String STREAM = "sluice-cdr-archive";
    private static final BatchId BATCH = new BatchId("file:abc:0");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final LocalDateTime T0 = LocalDateTime.of(2024, 1, 15, 10, 0, 0);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String SUBSCRIBER = "+4930123456";

    private final List<Long> sleeps = new ArrayList<>();
    private final Sleeper sleeper = sleeps::add;
    /** Draws the longest wait allowed, so that the waits are known. */
    private final Backoff backoff = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(2), new RandomGenerator() {
        @Override
        public long nextLong() {
            throw new AssertionError("Backoff must draw within a bound");
        }

        @Override
        public long nextLong(long bound) {
            return bound - 1;
        }
    });

    // ---------------------------------------------------------------- fakes and records

    /** A Firehose client that records each request and refuses, call by call, the record indexes it is given. */
    private static class FakeFirehose implements FirehoseClient {
        final List<PutRecordBatchRequest> requests = new ArrayList<>();
        private final Deque<Set<Integer>> refusals = new ArrayDeque<>();
        private Set<Integer> refuseAlways = Set.of();

        FakeFirehose refusing(Set<Integer> indexesOfOneCall) {
            refusals.add(indexesOfOneCall);
            return this;
        }

        FakeFirehose refusingAlways(Set<Integer> indexes) {
            refuseAlways = indexes;
            return this;
        }

        @Override
        public PutRecordBatchResponse putRecordBatch(PutRecordBatchRequest request) {
            requests.add(request);
            Set<Integer> refused = refusals.isEmpty() ? refuseAlways : refusals.poll();
            List<PutRecordBatchResponseEntry> answers = new ArrayList<>();
            int failed = 0;
            for (int i = 0; i < request.records().size(); i++) {
                if (refused.contains(i)) {
                    failed++;
                    answers.add(PutRecordBatchResponseEntry.builder().errorCode("ServiceUnavailableException")
                            .errorMessage("Slow down.").build());
                } else {
                    answers.add(PutRecordBatchResponseEntry.builder().recordId("rec-" + requests.size() + "-" + i).build());
                }
            }
            return PutRecordBatchResponse.builder().failedPutCount(failed).encrypted(false).requestResponses(answers).build();
        }

        @Override
        public String serviceName() {
            return "firehose";
        }

        @Override
        public void close() {
        }

        /** The source_line of every record, call by call. */
        List<List<Long>> linesSent() {
            return requests.stream().map(r -> r.records().stream().map(rec -> json(rec).get("source_line").asLong()).toList()).toList();
        }
    }

    private static JsonNode json(Record record) {
        try {
            return MAPPER.readTree(record.data().asByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One Asterisk cdr_csv line of 18 columns, as cdr_csv writes it. */
    private static String asterisk(String src, String dst, LocalDateTime start, String answer, LocalDateTime end, int duration,
                                   int billsec, String disposition, String uniqueId) {
        return String.join(",", q("acme"), q(src), q(dst), q("from-internal"), q("\"Test\" <" + src + ">"), q("SIP/alice-00000001"),
                q("SIP/carrier-0000002a"), q("Dial"), q("SIP/carrier/" + dst + ",30"), q(STAMP.format(start)),
                answer.isEmpty() ? "" : q(answer), q(STAMP.format(end)), Integer.toString(duration), Integer.toString(billsec),
                q(disposition), q("DOCUMENTATION"), q(uniqueId), q(""));
    }

    private static String q(String value) {
        return '"' + value.replace("\"", "\"\"") + '"';
    }

    private static String answered(String src, LocalDateTime start, int ring, int talk, String uniqueId) {
        return asterisk(src, "+15025550100", start, STAMP.format(start.plusSeconds(ring)), start.plusSeconds(ring + talk), ring + talk,
                talk, "ANSWERED", uniqueId);
    }

    /** The accepted CDRs of lines 1..n of {@code calls.csv}, through the core's pipeline; the subscriber has a profile. */
    private static List<Cdr> cdrs(List<String> lines) {
        InMemoryStores stores = new InMemoryStores();
        stores.putProfile(new SubscriberProfile(SUBSCRIBER, "gold", "DE", "active"));
        CdrBatchProcessor processor = new CdrBatchProcessor(CdrPipelineConfig.defaults(), stores, stores, stores, stores, stores);
        List<RawRecord> raw = IntStream.range(0, lines.size())
                .mapToObj(i -> RawRecord.of("calls.csv", i + 1, lines.get(i).getBytes(UTF_8))).toList();
        BatchOutcome outcome = processor.process(new BatchId("fixture"), new AsteriskCsvParser(), raw);
        assertThat(outcome.accepted()).as("fixture lines accepted").isEqualTo(lines.size());
        return stores.archived();
    }

    private static List<Cdr> calls(int n) {
        return cdrs(IntStream.range(0, n).mapToObj(i -> answered(SUBSCRIBER, T0.plusSeconds(i), 5, 60, "1705312800." + i)).toList());
    }

    private static Cdr withRoute(Cdr c, long line, String route) {
        return new Cdr(c.source(), line, c.times(), c.disposition(), c.caller(), c.callee(), route, c.account(), c.uniqueId(),
                c.international(), c.key(), c.flags(), c.subscriber());
    }

    private FirehoseArchive archive(FakeFirehose firehose, int maxAttempts) {
        return new FirehoseArchive(firehose, STREAM, maxAttempts, backoff, sleeper);
    }

    private FirehoseArchive archive(FakeFirehose firehose) {
        return archive(firehose, FirehoseArchive.DEFAULT_MAX_ATTEMPTS);
    }

    /** The size of a record's archive row, as this adapter renders it. */
    private static int rowBytes(Cdr cdr) {
        FakeFirehose firehose = new FakeFirehose();
        new FirehoseArchive(firehose, STREAM).append(BATCH, List.of(cdr));
        return firehose.requests.get(0).records().get(0).data().asByteArrayUnsafe().length;
    }

    private static List<Long> lines(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    // ---------------------------------------------------------------- the row

    @Test
    @DisplayName("CDR-9: one record is one JSON object of the archive columns in the local order, ending in one newline")
    void rendersTheArchiveColumns() throws IOException {
        // Starts before midnight UTC and ends after it: dt is the start's day.
        LocalDateTime start = LocalDateTime.of(2024, 1, 15, 23, 59, 30);
        List<Cdr> cdrs = cdrs(List.of(
                answered(SUBSCRIBER, start, 5, 60, "1705363170.1"),
                asterisk("100", "+15025550101", T0, "", T0.plusSeconds(20), 20, 0, "NO ANSWER", "1705312800.2"),
                asterisk("anonymous", "5550199", T0, "", T0.plusSeconds(3), 3, 0, "BUSY", "1705312800.3")));
        FakeFirehose firehose = new FakeFirehose();

        archive(firehose).append(BATCH, cdrs);

        assertThat(firehose.requests).singleElement().satisfies(r -> {
            assertThat(r.deliveryStreamName()).isEqualTo(STREAM);
            assertThat(r.records()).hasSize(3);
        });
        List<byte[]> rows = firehose.requests.get(0).records().stream().map(rec -> rec.data().asByteArray()).toList();
        assertThat(rows).allSatisfy(row -> {
            String text = new String(row, UTF_8);
            assertThat(text).endsWith("}\n");
            assertThat(text.indexOf('\n')).isEqualTo(text.length() - 1);
        });

        JsonNode answered = MAPPER.readTree(rows.get(0));
        assertThat(answered.properties()).extracting(e -> e.getKey()).containsExactly(
                "dt", "start_time", "answer_time", "end_time", "duration", "billsec", "disposition", "caller", "caller_msisdn",
                "callee", "caller_e164", "callee_e164", "caller_withheld", "callee_country", "international", "route", "account",
                "unique_id", "plan", "subscriber_status", "known_subscriber", "record_key", "source", "source_line", "time_ambiguous");
        // The Glue table Firehose converts against is declared from COLUMNS: the rendered row must match it exactly.
        List<String> declared = new java.util.ArrayList<>(List.of(io.sluice.core.contracts.ArchiveColumns.PARTITION_COLUMN));
        declared.addAll(io.sluice.core.contracts.ArchiveColumns.COLUMNS.keySet());
        assertThat(answered.properties()).extracting(e -> e.getKey()).containsExactlyElementsOf(declared);
        assertThat(answered.get("dt").textValue()).isEqualTo("2024-01-15");
        assertThat(answered.get("start_time").textValue()).isEqualTo("2024-01-15 23:59:30");
        assertThat(answered.get("answer_time").textValue()).isEqualTo("2024-01-15 23:59:35");
        assertThat(answered.get("end_time").textValue()).isEqualTo("2024-01-16 00:00:35");
        assertThat(answered.get("duration").isInt()).isTrue();
        assertThat(answered.get("duration").intValue()).isEqualTo(65);
        assertThat(answered.get("billsec").intValue()).isEqualTo(60);
        assertThat(answered.get("disposition").textValue()).isEqualTo("ANSWERED");
        assertThat(answered.get("caller").textValue()).isEqualTo(SUBSCRIBER);
        assertThat(answered.get("caller_msisdn").isIntegralNumber()).isTrue();
        assertThat(answered.get("caller_msisdn").longValue()).isEqualTo(4930123456L);
        assertThat(answered.get("callee").textValue()).isEqualTo("+15025550100");
        assertThat(answered.get("caller_e164").booleanValue()).isTrue();
        assertThat(answered.get("callee_e164").booleanValue()).isTrue();
        assertThat(answered.get("caller_withheld").booleanValue()).isFalse();
        assertThat(answered.get("callee_country").textValue()).isEqualTo("US");
        assertThat(answered.get("international").booleanValue()).isTrue();
        assertThat(answered.get("route").textValue()).isEqualTo("SIP/carrier");
        assertThat(answered.get("account").textValue()).isEqualTo("acme");
        assertThat(answered.get("unique_id").textValue()).isEqualTo("1705363170.1");
        assertThat(answered.get("plan").textValue()).isEqualTo("gold");
        assertThat(answered.get("subscriber_status").textValue()).isEqualTo("active");
        assertThat(answered.get("known_subscriber").booleanValue()).isTrue();
        assertThat(answered.get("record_key").textValue()).isEqualTo(cdrs.get(0).key().hex()).hasSize(32);
        assertThat(answered.get("source").textValue()).isEqualTo("calls.csv");
        assertThat(answered.get("source_line").isIntegralNumber()).isTrue();
        assertThat(answered.get("source_line").longValue()).isEqualTo(1L);
        assertThat(answered.get("time_ambiguous").booleanValue()).isFalse();

        JsonNode extension = MAPPER.readTree(rows.get(1));
        assertThat(extension.size()).isEqualTo(25);
        assertThat(extension.get("dt").textValue()).isEqualTo("2024-01-15");
        assertThat(extension.get("start_time").textValue()).isEqualTo("2024-01-15 10:00:00");
        assertThat(extension.get("answer_time").isNull()).isTrue();
        assertThat(extension.get("end_time").textValue()).isEqualTo("2024-01-15 10:00:20");
        assertThat(extension.get("billsec").intValue()).isZero();
        assertThat(extension.get("disposition").textValue()).isEqualTo("NO_ANSWER");
        assertThat(extension.get("caller").textValue()).isEqualTo("100");
        assertThat(extension.get("caller_msisdn").isNull()).isTrue();
        assertThat(extension.get("caller_e164").booleanValue()).isFalse();
        assertThat(extension.get("caller_withheld").booleanValue()).isFalse();
        assertThat(extension.get("international").booleanValue()).isFalse();
        assertThat(extension.get("plan").textValue()).isEmpty();
        assertThat(extension.get("subscriber_status").textValue()).isEqualTo("unknown");
        assertThat(extension.get("known_subscriber").booleanValue()).isFalse();
        assertThat(extension.get("source_line").longValue()).isEqualTo(2L);

        JsonNode withheld = MAPPER.readTree(rows.get(2));
        assertThat(withheld.get("caller").textValue()).isEmpty();
        assertThat(withheld.get("caller_msisdn").isNull()).isTrue();
        assertThat(withheld.get("caller_withheld").booleanValue()).isTrue();
        assertThat(withheld.get("disposition").textValue()).isEqualTo("BUSY");
        assertThat(withheld.get("callee").textValue()).isEqualTo(cdrs.get(2).callee().text());
        assertThat(withheld.get("callee_e164").booleanValue()).isEqualTo(cdrs.get(2).callee().e164());
        assertThat(withheld.get("callee_country").textValue()).isEqualTo(cdrs.get(2).callee().region());
    }

    @Test
    @DisplayName("Timestamps are UTC yyyy-MM-dd HH:mm:ss, before 1970 too")
    void formatsTimestamps() {
        assertThat(ArchiveRows.timestamp(0)).isEqualTo("1970-01-01 00:00:00");
        assertThat(ArchiveRows.timestamp(1_705_363_199L)).isEqualTo("2024-01-15 23:59:59");
        assertThat(ArchiveRows.timestamp(951_782_400L)).isEqualTo("2000-02-29 00:00:00");
        assertThat(ArchiveRows.timestamp(-1)).isEqualTo("1969-12-31 23:59:59");
    }

    // ---------------------------------------------------------------- splitting

    @Test
    @DisplayName("PutRecordBatch limit: 1,201 records go in calls of 500, 500 and 201, in order")
    void splitsAt500Records() {
        List<Cdr> cdrs = calls(1201);
        FakeFirehose firehose = new FakeFirehose();

        archive(firehose).append(BATCH, cdrs);

        assertThat(firehose.linesSent()).containsExactly(lines(1, 500), lines(501, 1000), lines(1001, 1201));
        assertThat(sleeps).isEmpty();
    }

    @Test
    @DisplayName("PutRecordBatch limit: rows of about 300 KB go 13 to a call, the most that stays within 4 MiB")
    void splitsAt4MiB() {
        Cdr base = calls(1).get(0);
        String route = "R".repeat(300_000);
        List<Cdr> big = LongStream.rangeClosed(1, 30).mapToObj(line -> withRoute(base, line, route)).toList();
        FakeFirehose firehose = new FakeFirehose();

        archive(firehose).append(BATCH, big);

        assertThat(firehose.linesSent()).containsExactly(lines(1, 13), lines(14, 26), lines(27, 30));
        assertThat(firehose.requests).allSatisfy(r -> assertThat(r.records().stream().mapToLong(rec -> rec.data().asByteArrayUnsafe().length).sum())
                .isLessThanOrEqualTo(4L * 1024 * 1024));
    }

    @Test
    @DisplayName("PutRecordBatch limit: a call holds exactly 4 MiB; one byte more starts the next call")
    void callOfExactly4MiB() {
        Cdr base = calls(1).get(0);
        int overhead = rowBytes(withRoute(base, 1, ""));
        // Eight rows of 512 KiB each are exactly 4 MiB.
        String route = "R".repeat(512 * 1024 - overhead);
        List<Cdr> exact = LongStream.rangeClosed(1, 9).mapToObj(line -> withRoute(base, line, route)).toList();
        assertThat(rowBytes(exact.get(0))).isEqualTo(512 * 1024);
        FakeFirehose firehose = new FakeFirehose();

        archive(firehose).append(BATCH, exact);

        assertThat(firehose.linesSent()).containsExactly(lines(1, 8), List.of(9L));
    }

    @Test
    @DisplayName("PutRecordBatch limit: a row of exactly 1,000 KiB is sent; one byte more names the record and sends nothing")
    void refusesARowOver1000KiB() {
        Cdr base = calls(1).get(0);
        int overhead = rowBytes(withRoute(base, 1, ""));
        Cdr largest = withRoute(base, 1, "R".repeat(1_000 * 1024 - overhead));
        Cdr tooLarge = withRoute(base, 2, "R".repeat(1_000 * 1024 - overhead + 1));
        FakeFirehose firehose = new FakeFirehose();

        archive(firehose).append(BATCH, List.of(largest));
        assertThat(firehose.linesSent()).containsExactly(List.of(1L));

        FakeFirehose untouched = new FakeFirehose();
        assertThatIllegalArgumentException().isThrownBy(() -> archive(untouched).append(BATCH, List.of(largest, tooLarge)))
                .withMessageContaining("calls.csv line 2").withMessageContaining("1024001 bytes");
        assertThat(untouched.requests).isEmpty();
    }

    @Test
    @DisplayName("An empty batch sends nothing")
    void emptyBatchSendsNothing() {
        FakeFirehose firehose = new FakeFirehose();

        archive(firehose).append(BATCH, List.of());

        assertThat(firehose.requests).isEmpty();
    }

    // ---------------------------------------------------------------- partial failure

    @Test
    @DisplayName("AWS-CONTRACTS 4: only the records a call refused are sent again, after a backoff wait")
    void resendsOnlyRefusedRecords() {
        FakeFirehose firehose = new FakeFirehose().refusing(Set.of(1, 3)).refusing(Set.of(1));

        archive(firehose).append(BATCH, calls(5));

        // Call 1 refuses lines 2 and 4; call 2 (lines 2 and 4) refuses its second, line 4; call 3 takes it.
        assertThat(firehose.linesSent()).containsExactly(lines(1, 5), List.of(2L, 4L), List.of(4L));
        assertThat(sleeps).containsExactly(49L, 99L);
    }

    @Test
    @DisplayName("AWS-CONTRACTS 4: a refused record of a later call is resent within that call only")
    void resendsWithinItsCall() {
        FakeFirehose firehose = new FakeFirehose().refusing(Set.of()).refusing(Set.of(0, 99));

        archive(firehose).append(BATCH, calls(600));

        assertThat(firehose.linesSent()).containsExactly(lines(1, 500), lines(501, 600), List.of(501L, 600L));
    }

    @Test
    @DisplayName("OBJ-3: after the last attempt the exception names the stream, the undelivered count and the last error")
    void givesUpAfterMaxAttempts() {
        FakeFirehose firehose = new FakeFirehose().refusing(Set.of(0, 2)).refusingAlways(Set.of(0, 1));

        assertThatThrownBy(() -> archive(firehose, 3).append(BATCH, calls(3)))
                .isInstanceOf(ArchiveDeliveryException.class)
                .hasMessage("Firehose stream 'sluice-cdr-archive' did not take 2 of the 3 records of batch file:abc:0 (2 still refused"
                        + " after 3 attempts, 0 not sent); last error ServiceUnavailableException: Slow down.");

        assertThat(firehose.linesSent()).containsExactly(lines(1, 3), List.of(1L, 3L), List.of(1L, 3L));
        assertThat(sleeps).containsExactly(49L, 99L);
    }

    @Test
    @DisplayName("OBJ-3: giving up on one call counts the records of the calls never made as undelivered too")
    void givingUpCountsUnsentRecords() {
        FakeFirehose firehose = new FakeFirehose().refusing(Set.of(7)).refusingAlways(Set.of(0));

        assertThatThrownBy(() -> archive(firehose, 2).append(BATCH, calls(600)))
                .isInstanceOf(ArchiveDeliveryException.class)
                .hasMessageContaining("did not take 101 of the 600 records")
                .hasMessageContaining("(1 still refused after 2 attempts, 100 not sent)");

        assertThat(firehose.linesSent()).containsExactly(lines(1, 500), List.of(8L));
    }

    @Test
    @DisplayName("A record the answer does not mention is not known to be stored and is sent again")
    void resendsRecordsWithoutAnAnswer() {
        List<PutRecordBatchRequest> requests = new ArrayList<>();
        Iterator<PutRecordBatchResponse> answers = List.of(
                PutRecordBatchResponse.builder().failedPutCount(1)
                        .requestResponses(PutRecordBatchResponseEntry.builder().recordId("a").build()).build(),
                PutRecordBatchResponse.builder().failedPutCount(0).build()).iterator();
        FirehoseClient firehose = new FirehoseClient() {
            @Override
            public PutRecordBatchResponse putRecordBatch(PutRecordBatchRequest request) {
                requests.add(request);
                return answers.next();
            }

            @Override
            public String serviceName() {
                return "firehose";
            }

            @Override
            public void close() {
            }
        };

        new FirehoseArchive(firehose, STREAM, 3, backoff, sleeper).append(BATCH, calls(3));

        assertThat(requests).extracting(r -> r.records().stream().map(rec -> json(rec).get("source_line").asLong()).toList())
                .containsExactly(lines(1, 3), lines(2, 3));
    }

    @Test
    @DisplayName("An exception of the client itself (throttled past the SDK's retries) propagates unchanged, without resending")
    void clientExceptionsPropagate() {
        FirehoseException throttled = (FirehoseException) FirehoseException.builder().message("Rate exceeded").statusCode(400).build();
        FakeFirehose firehose = new FakeFirehose() {
            @Override
            public PutRecordBatchResponse putRecordBatch(PutRecordBatchRequest request) {
                requests.add(request);
                throw throttled;
            }
        };

        assertThatThrownBy(() -> archive(firehose).append(BATCH, calls(2))).isSameAs(throttled);
        assertThat(firehose.requests).hasSize(1);
        assertThat(sleeps).isEmpty();
    }

    @Test
    @DisplayName("Interrupted while waiting: the thread stays interrupted and the batch fails naming the stream")
    void interruptedWait() {
        FakeFirehose firehose = new FakeFirehose().refusingAlways(Set.of(0));
        Sleeper interrupted = millis -> {
            throw new InterruptedException();
        };

        try {
            assertThatThrownBy(() -> new FirehoseArchive(firehose, STREAM, 3, backoff, interrupted).append(BATCH, calls(1)))
                    .isInstanceOf(ArchiveDeliveryException.class)
                    .hasMessageContaining("'sluice-cdr-archive'")
                    .hasCauseInstanceOf(InterruptedException.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    @DisplayName("At least one attempt is required")
    void refusesZeroAttempts() {
        assertThatIllegalArgumentException().isThrownBy(() -> new FirehoseArchive(new FakeFirehose(), STREAM, 0, sleeper))
                .withMessageContaining(STREAM);
    }
}
