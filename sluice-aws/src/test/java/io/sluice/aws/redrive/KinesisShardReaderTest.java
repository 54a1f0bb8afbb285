package io.sluice.aws.redrive;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.sluice.aws.events.KinesisEventRecord;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * CDR-12: the range an on-failure record names is read back through the real SDK client, from a small Kinesis
 * stand-in in this JVM that answers GetShardIterator and GetRecords (JSON 1.1; the SDK's CBOR is switched off for
 * it) over one shard, a few records per page.
 */
class KinesisShardReaderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STREAM = "arn:aws:kinesis:eu-west-1:123456789012:stream/sluice-cdrs-dev";
    private static final String SHARD = "shardId-000000000003";

    /** The shard: sequence numbers 1000, 1010, ... (trimmed ones removed from the front). */
    private final List<String> shard = new ArrayList<>();
    private final List<JsonNode> requests = new ArrayList<>();
    private final List<Long> pauses = new ArrayList<>();
    private int pageSize = 2;
    /** Empty pages (with records behind them) each iterator hands out before its records: a sparse shard. */
    private int gaps;
    private boolean closed;
    private HttpServer server;
    private KinesisClient kinesis;

    @BeforeEach
    void start() throws IOException {
        System.setProperty("aws.cborEnabled", "false");
        for (int i = 0; i < 10; i++) {
            shard.add(seq(i));
        }
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            JsonNode request = JSON.readTree(exchange.getRequestBody());
            requests.add(request);
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            ObjectNode answer = JSON.createObjectNode();
            if (target.endsWith("GetShardIterator")) {
                answer.put("ShardIterator", iterator(request));
            } else if (request.get("ShardIterator").asText().equals("stuck")) {
                // What users report for an AT_SEQUENCE_NUMBER iterator on a trimmed sequence number: empty pages, for ever.
                answer.putArray("Records");
                answer.put("NextShardIterator", "stuck").put("MillisBehindLatest", 86_400_000);
            } else {
                String[] it = request.get("ShardIterator").asText().split("-");
                int at = Integer.parseInt(it[1]);
                int gap = Integer.parseInt(it[2]);
                ArrayNode records = answer.putArray("Records");
                int to = at;
                if (gap < gaps) {
                    answer.put("NextShardIterator", "it-" + at + "-" + (gap + 1));
                } else {
                    to = Math.min(shard.size(), at + Math.min(pageSize, request.get("Limit").asInt()));
                    for (int i = at; i < to; i++) {
                        records.addObject().put("SequenceNumber", shard.get(i)).put("PartitionKey", "pk-" + shard.get(i))
                                .put("Data", Base64.getEncoder().encodeToString(("cdr " + shard.get(i)).getBytes(StandardCharsets.UTF_8)))
                                .put("ApproximateArrivalTimestamp", 1.7632e9);
                    }
                    if (!(closed && to == shard.size())) {
                        answer.put("NextShardIterator", "it-" + to + "-" + gaps);
                    }
                }
                answer.put("MillisBehindLatest", to == shard.size() ? 0 : 1000);
            }
            byte[] body = JSON.writeValueAsBytes(answer);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        kinesis = KinesisClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                .region(Region.EU_WEST_1).credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    private String iterator(JsonNode request) {
        if (request.get("ShardIteratorType").asText().equals("TRIM_HORIZON")) {
            return "it-0-0";
        }
        BigInteger start = new BigInteger(request.get("StartingSequenceNumber").asText());
        if (shard.isEmpty() || start.compareTo(new BigInteger(shard.get(0))) < 0) {
            return "stuck";
        }
        int at = 0;
        while (at < shard.size() && new BigInteger(shard.get(at)).compareTo(start) < 0) {
            at++;
        }
        return "it-" + at + "-0";
    }

    private KinesisShardReader reader(int maxCalls) {
        return new KinesisShardReader(kinesis, maxCalls, pauses::add);
    }

    private List<String> calls() {
        return requests.stream().map(r -> r.has("ShardIteratorType") ? r.get("ShardIteratorType").asText()
                : "GetRecords " + r.get("Limit").asInt()).toList();
    }

    @AfterEach
    void stop() {
        kinesis.close();
        server.stop(0);
        System.clearProperty("aws.cborEnabled");
    }

    private static String seq(int i) {
        return "4959000000000000000000000000000000000000000000000000" + (1000 + 10 * i);
    }

    private static List<String> sequences(ShardReader.Range r) {
        return r.records().stream().map(KinesisEventRecord::sequenceNumber).toList();
    }

    @Test
    void theRangeIsReadAcrossPagesFromAnIteratorAtItsFirstRecord() {
        ShardReader.Range r = reader(100).read(STREAM, SHARD, seq(3), seq(7));

        assertThat(r.startFound()).isTrue();
        assertThat(sequences(r)).containsExactly(seq(3), seq(4), seq(5), seq(6), seq(7));
        KinesisEventRecord first = r.records().get(0);
        assertThat(first.eventSourceArn()).isEqualTo(STREAM);
        assertThat(first.shardId()).isEqualTo(SHARD);
        assertThat(first.partitionKey()).isEqualTo("pk-" + seq(3));
        assertThat(new String(first.data(), StandardCharsets.UTF_8)).isEqualTo("cdr " + seq(3));
        // The oldest record first (one record), then the range from its first record, in pages of two; the end record
        // ends the reading. Every call names the stream and shard; a second passes between reads.
        assertThat(calls()).containsExactly("TRIM_HORIZON", "GetRecords 1", "AT_SEQUENCE_NUMBER", "GetRecords 1000",
                "GetRecords 1000", "GetRecords 1000");
        assertThat(requests).allSatisfy(q -> assertThat(q.get("StreamARN").asText()).isEqualTo(STREAM));
        assertThat(requests.get(2).get("StartingSequenceNumber").asText()).isEqualTo(seq(3));
        assertThat(pauses).containsExactly(1_000L, 1_000L, 1_000L);
    }

    @Test
    void aRangeWhoseFirstRecordIsTrimmedIsReadFromTheTrimHorizonAndSaysSo() {
        shard.subList(0, 5).clear(); // retention passed for 0..4; an AT_SEQUENCE_NUMBER iterator at 3 would stay empty

        ShardReader.Range r = reader(20).read(STREAM, SHARD, seq(3), seq(6));

        assertThat(r.startFound()).isFalse();
        assertThat(sequences(r)).containsExactly(seq(5), seq(6));
        assertThat(calls()).doesNotContain("AT_SEQUENCE_NUMBER");
    }

    @Test
    void aRangeWhollyPastTheRetentionIsEmptyAtOnce() {
        shard.subList(0, 5).clear();

        ShardReader.Range r = reader(20).read(STREAM, SHARD, seq(1), seq(3));

        assertThat(r.startFound()).isFalse();
        assertThat(r.records()).isEmpty();
        assertThat(calls()).containsExactly("TRIM_HORIZON", "GetRecords 1");
    }

    @Test
    void emptyPagesWithRecordsBehindThemAreReadPast() {
        gaps = 3;

        ShardReader.Range r = reader(100).read(STREAM, SHARD, seq(2), seq(3));

        assertThat(r.startFound()).isTrue();
        assertThat(sequences(r)).containsExactly(seq(2), seq(3));
        assertThat(calls().stream().filter(c -> c.startsWith("GetRecords"))).hasSize(4 + 4);
    }

    @Test
    void readingStopsAtTheShardsTipAndAtTheEndOfAClosedShard() {
        pageSize = 100;
        ShardReader.Range open = reader(100).read(STREAM, SHARD, seq(8), seq(12));
        assertThat(sequences(open)).containsExactly(seq(8), seq(9));
        assertThat(open.startFound()).isTrue();
        assertThat(calls()).endsWith("GetRecords 1000", "GetRecords 1000"); // 8-9, then the empty tip

        closed = true;
        requests.clear();
        ShardReader.Range done = reader(100).read(STREAM, SHARD, seq(8), seq(12));
        assertThat(sequences(done)).containsExactly(seq(8), seq(9));
        assertThat(calls()).containsExactly("TRIM_HORIZON", "GetRecords 1", "AT_SEQUENCE_NUMBER", "GetRecords 1000");
    }

    @Test
    void aRangeThatIsNotReadWithinTheCallLimitFailsNamingIt() {
        pageSize = 1;
        shard.clear();
        for (int i = 0; i < 50; i++) {
            shard.add(seq(i));
        }
        org.assertj.core.api.Assertions.assertThatIllegalStateException()
                .isThrownBy(() -> reader(5).read(STREAM, SHARD, seq(0), seq(40)))
                .withMessage("Shard " + SHARD + " of " + STREAM + ": 5 GetRecords calls did not get through sequence numbers "
                        + seq(0) + ".." + seq(40));
    }
}
