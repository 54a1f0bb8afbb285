package io.sluice.aws.handlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.aws.events.KinesisEventRecord;
import io.sluice.aws.redrive.ShardReader;
import io.sluice.aws.redrive.StreamFailureReplay;
import io.sluice.aws.testing.ElasticMq;
import io.sluice.core.pipeline.RecordLedger;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * CDR-12: the Kinesis batches that ran out of retries are replayed from the stream through the stream function's
 * pipeline. The stream-failures queue is ElasticMQ (an SQS-compatible server in this JVM); the shard is in memory.
 * Each record is counted once however often it is replayed, and a message goes only when its range was committed whole.
 */
class StreamFailureReplayHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STREAM = "arn:aws:kinesis:eu-west-1:123456789012:stream/sluice-cdrs-dev";
    private static final String SHARD = "shardId-000000000002";
    private static ElasticMq elasticMq;
    private static SqsClient sqs;

    @TempDir
    Path dir;

    private String queue;
    /** The shard as the stream holds it now: trimmed records are removed. */
    private final List<KinesisEventRecord> shard = new ArrayList<>();

    @BeforeAll
    static void startSqs() {
        elasticMq = ElasticMq.start();
        sqs = elasticMq.sqs();
    }

    @AfterAll
    static void stopSqs() {
        elasticMq.close();
    }

    @BeforeEach
    void queueAndShard() {
        queue = sqs.createQueue(b -> b.queueName("sluice-stream-failures-" + System.nanoTime())).queueUrl();
        for (int i = 0; i < 6; i++) {
            shard.add(new KinesisEventRecord(STREAM, SHARD, seq(i), "pk-" + i,
                    Fixtures.asteriskLine("+44207946011" + i, "+447700900812", i, 30, "u" + i).getBytes(StandardCharsets.UTF_8), null, null));
        }
    }

    private static String seq(int i) {
        return "49590000000000000000000000000000000000000000000000000" + (100 + i);
    }

    /** Reads the in-memory shard as Kinesis would: from the first record at or after the start, through the end. */
    private final ShardReader reader = (stream, shardId, start, end) -> {
        List<KinesisEventRecord> out = shard.stream().filter(r -> new BigInteger(r.sequenceNumber()).compareTo(new BigInteger(start)) >= 0
                && new BigInteger(r.sequenceNumber()).compareTo(new BigInteger(end)) <= 0).toList();
        return new ShardReader.Range(out, !out.isEmpty() && out.get(0).sequenceNumber().equals(start));
    };

    /** Lambda's on-failure record for records {@code from..to} of the shard (AWS-CONTRACTS.md section 1). */
    private void failed(int from, int to) {
        String body = "{\"requestContext\":{\"requestId\":\"c9b8fa9f-5a7f-4a8b-9a1c-1f2e3d4c5b6a\",\"functionArn\":"
                + "\"arn:aws:lambda:eu-west-1:123456789012:function:sluice-stream-dev:live\",\"condition\":\"RetryAttemptsExhausted\","
                + "\"approximateInvokeCount\":11},\"responseContext\":{\"statusCode\":200,\"executedVersion\":\"3\",\"functionError\":"
                + "\"Unhandled\"},\"version\":\"1.0\",\"timestamp\":\"2026-11-23T05:00:00.000Z\",\"KinesisBatchInfo\":{\"shardId\":\""
                + SHARD + "\",\"startSequenceNumber\":\"" + seq(from) + "\",\"endSequenceNumber\":\"" + seq(to) + "\","
                + "\"approximateArrivalOfFirstRecord\":\"2026-11-23T04:00:00.000Z\",\"approximateArrivalOfLastRecord\":"
                + "\"2026-11-23T04:00:01.000Z\",\"batchSize\":" + (to - from + 1) + ",\"streamArn\":\"" + STREAM + "\"}}";
        sqs.sendMessage(b -> b.queueUrl(queue).messageBody(body));
    }

    private StreamFailureReplay replay(Fixtures f, RecordLedger ledger, ShardReader shardReader) {
        return new StreamFailureReplay(sqs, queue, shardReader, new KinesisBatch(f.wiring(ledger).processor()));
    }

    private StreamFailureReplayHandler handler(Fixtures f, RecordLedger ledger) {
        return new StreamFailureReplayHandler(replay(f, ledger, reader), "sluice-stream-replay-test", f.log());
    }

    private static JsonNode invoke(StreamFailureReplayHandler h, String request) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        h.handleRequest(new ByteArrayInputStream(request.getBytes(StandardCharsets.UTF_8)), out, null);
        return JSON.readTree(out.toByteArray());
    }

    private int messages(String attribute) {
        return elasticMq.count(queue, attribute);
    }

    @Test
    void aReplayedBatchIsCountedOnceAndItsMessageDeleted() throws IOException {
        Fixtures f = new Fixtures(dir);
        StreamFailureReplayHandler h = handler(f, f.stores);
        failed(1, 3);
        failed(2, 4); // overlaps the first: records 2 and 3 were in both failed batches (bisection does this)
        failed(1, 3); // the first again (Lambda's on-failure delivery is at least once)

        JsonNode inspect = invoke(h, "{\"action\":\"inspect\"}");
        assertThat(inspect.get("messages")).hasSize(3);
        assertThat(inspect.get("messages")).extracting(m -> m.get("status").asText()).containsOnly("WAITING");
        assertThat(inspect.get("messages")).extracting(m -> m.get("startSequenceNumber").asText()).contains(seq(1), seq(2));
        assertThat(inspect.at("/messages/0/condition").asText()).isEqualTo("RetryAttemptsExhausted");
        assertThat(messages("ApproximateNumberOfMessages")).isEqualTo(3); // inspect leaves them

        JsonNode replay = invoke(h, "{\"action\":\"replay\",\"max\":10}");

        assertThat(replay.get("messages")).hasSize(3);
        assertThat(replay.get("messages")).allSatisfy(m -> {
            assertThat(m.get("status").asText()).isEqualTo("REPLAYED");
            assertThat(m.get("records").asInt()).isEqualTo(3);
            assertThat(m.get("recordsIn").asLong()).isEqualTo(m.get("accepted").asLong() + m.get("rejected").asLong()
                    + m.get("duplicates").asLong()).isEqualTo(3);
        });
        // Four distinct calls (records 1..4, 30 s each) are counted once. The overlap is claimed by the other batch
        // (duplicates: 2 or 4, by the order SQS hands the messages out); the same batch again re-commits idempotently.
        assertThat(f.stores.usage().values().stream().mapToLong(u -> u.seconds).sum()).isEqualTo(4 * 30);
        long duplicates = 0;
        for (JsonNode m : replay.get("messages")) {
            duplicates += m.get("duplicates").asLong();
        }
        assertThat(duplicates).isGreaterThanOrEqualTo(2);
        assertThat(messages("ApproximateNumberOfMessages") + messages("ApproximateNumberOfMessagesNotVisible")).isZero();
        assertThat(replay.at("/totals/REPLAYED").asInt()).isEqualTo(3);
        assertThat(replay.get("stoppedEarly").asBoolean()).isFalse();
        assertThat(replay.get("waiting").asInt()).isZero();
        JsonNode logged = JSON.readTree(f.logText().lines().reduce((a, b) -> b).orElseThrow());
        assertThat(logged.get("action").asText()).isEqualTo("replay");
        assertThat(logged.get("MessagesREPLAYED").asInt()).isEqualTo(3);
        assertThat(logged.get("RecordsIn").asLong()).isEqualTo(9);
    }

    @Test
    void aReplayStopsWhileThereIsTimeToAnswer() {
        Fixtures f = new Fixtures(dir);
        failed(0, 1);
        failed(2, 3);
        int[] starts = {0};

        StreamFailureReplay.Report r = replay(f, f.stores, reader).replay(10, () -> starts[0]++ < 1);

        assertThat(r.stoppedEarly()).isTrue();
        assertThat(r.outcomes()).singleElement().satisfies(o -> assertThat(o.status()).isEqualTo(StreamFailureReplay.Status.REPLAYED));
        assertThat(messages("ApproximateNumberOfMessages")).isEqualTo(1);
    }

    @Test
    void aRangeThatCannotBeReadFailsAndIsKept() throws IOException {
        Fixtures f = new Fixtures(dir);
        failed(0, 1);
        ShardReader down = (stream, shardId, start, end) -> {
            throw new IllegalStateException("Kinesis said ProvisionedThroughputExceeded (simulated)");
        };
        StreamFailureReplayHandler h = new StreamFailureReplayHandler(replay(f, f.stores, down), "sluice-stream-replay-test", f.log());

        JsonNode m = invoke(h, "{\"action\":\"replay\"}").at("/messages/0");

        assertThat(m.get("status").asText()).isEqualTo("FAILED");
        assertThat(m.get("problem").asText()).isEqualTo("reading the range failed: java.lang.IllegalStateException: Kinesis said "
                + "ProvisionedThroughputExceeded (simulated)");
        assertThat(messages("ApproximateNumberOfMessagesNotVisible")).isEqualTo(1);
    }

    @Test
    void aMessageWhoseLossIsAcceptedIsDiscardedAndLogged() throws IOException {
        Fixtures f = new Fixtures(dir);
        for (int i = 0; i < 14; i++) { // more than one look (ten messages) may be needed to find it
            failed(i % 5, i % 5);
        }
        failed(0, 1);
        StreamFailureReplayHandler h = handler(f, f.stores);
        JsonNode waiting = invoke(h, "{\"action\":\"inspect\",\"max\":20}").get("messages");
        assertThat(waiting).hasSize(15);
        JsonNode target = waiting.get(waiting.size() - 1);
        String lost = target.get("messageId").asText();
        String range = target.get("startSequenceNumber").asText();

        JsonNode discarded = invoke(h, "{\"action\":\"discard\",\"messageId\":\"" + lost + "\"}");

        assertThat(discarded.get("discarded").asBoolean()).isTrue();
        assertThat(discarded.get("waiting").asInt()).isEqualTo(14); // the others, visible again at once
        assertThat(f.logText()).contains("\"discarded_" + lost + "\"").contains(range);
        assertThat(invoke(h, "{\"action\":\"discard\",\"messageId\":\"" + lost + "\"}").get("discarded").asBoolean()).isFalse();
        assertThat(messages("ApproximateNumberOfMessages")).isEqualTo(14);
    }

    @Test
    void aRangeOlderThanTheRetentionCommitsWhatIsLeftAndKeepsItsMessage() throws IOException {
        Fixtures f = new Fixtures(dir);
        shard.subList(0, 2).clear(); // records 0 and 1 are past the stream's retention
        failed(1, 3);

        JsonNode m = invoke(handler(f, f.stores), "{\"action\":\"replay\"}").at("/messages/0");

        assertThat(m.get("status").asText()).isEqualTo("INCOMPLETE");
        assertThat(m.get("records").asInt()).isEqualTo(2);
        assertThat(m.get("accepted").asLong()).isEqualTo(2);
        assertThat(m.get("problem").asText()).isEqualTo("the stream no longer holds the whole range (retention passed?): read 2 of 3 "
                + "records, the first one missing");
        assertThat(messages("ApproximateNumberOfMessagesNotVisible")).isEqualTo(1); // kept: it shows again later
    }

    @Test
    void aCommitThatFailsKeepsTheMessageAndCountsNothing() throws IOException {
        Fixtures f = new Fixtures(dir);
        RecordLedger down = Fixtures.ledgerThatStaysDown();
        failed(0, 5);

        JsonNode m = invoke(handler(f, down), "{\"action\":\"replay\"}").at("/messages/0");

        assertThat(m.get("status").asText()).isEqualTo("FAILED");
        assertThat(m.get("accepted").asLong()).isZero();
        assertThat(m.get("problem").asText()).startsWith("committing failed: java.lang.IllegalStateException: usage table throttled");
        assertThat(messages("ApproximateNumberOfMessagesNotVisible")).isEqualTo(1);
    }

    @Test
    void aMessageThatIsNoOnFailureRecordIsKeptWithTheReason() throws IOException {
        Fixtures f = new Fixtures(dir);
        sqs.sendMessage(b -> b.queueUrl(queue).messageBody("{\"KinesisBatchInfo\":{\"shardId\":\"" + SHARD + "\"}}"));
        sqs.sendMessage(b -> b.queueUrl(queue).messageBody("hello"));

        JsonNode replay = invoke(handler(f, f.stores), "{\"action\":\"replay\"}");

        assertThat(replay.get("messages")).extracting(m -> m.get("status").asText()).containsOnly("MALFORMED");
        assertThat(replay.get("messages")).extracting(m -> m.get("problem").asText()).containsExactlyInAnyOrder(
                "KinesisBatchInfo.startSequenceNumber is missing", "not JSON: Unrecognized token 'hello': was expecting "
                        + "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')");
        assertThat(messages("ApproximateNumberOfMessagesNotVisible")).isEqualTo(2);
    }

    @Test
    void aWrongRequestIsRefused() {
        Fixtures f = new Fixtures(dir);
        StreamFailureReplayHandler h = handler(f, f.stores);
        assertThatIllegalArgumentException().isThrownBy(() -> invoke(h, "{\"action\":\"redrive\"}"))
                .withMessage("action must be inspect, replay or discard, was 'redrive'");
        assertThatIllegalArgumentException().isThrownBy(() -> invoke(h, "{\"action\":\"replay\",\"max\":0}"))
                .withMessage("max must be 1..1000, was 0");
        assertThatIllegalArgumentException().isThrownBy(() -> invoke(h, "{\"action\":\"replay\",\"max\":\"all\"}"))
                .withMessage("max must be a whole number 1..1000, was \"all\"");
        assertThatIllegalArgumentException().isThrownBy(() -> invoke(h, "{\"action\":\"discard\"}"))
                .withMessage("discard needs \"messageId\"");
    }
}
