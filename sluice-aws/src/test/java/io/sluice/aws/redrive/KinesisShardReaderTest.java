package io.sluice.aws.redrive;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.sluice.aws.events.KinesisEventRecord;
import java.io.IOException;
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
    private int pageSize = 2;
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
                String start = request.get("StartingSequenceNumber").asText();
                int at = 0;
                while (at < shard.size() && new java.math.BigInteger(shard.get(at)).compareTo(new java.math.BigInteger(start)) < 0) {
                    at++;
                }
                answer.put("ShardIterator", "it-" + at);
            } else {
                int at = Integer.parseInt(request.get("ShardIterator").asText().substring(3));
                ArrayNode records = answer.putArray("Records");
                int to = Math.min(shard.size(), at + pageSize);
                for (int i = at; i < to; i++) {
                    records.addObject().put("SequenceNumber", shard.get(i)).put("PartitionKey", "pk-" + i)
                            .put("Data", Base64.getEncoder().encodeToString(("cdr " + shard.get(i)).getBytes(StandardCharsets.UTF_8)))
                            .put("ApproximateArrivalTimestamp", 1.7632e9);
                }
                if (!(closed && to == shard.size())) {
                    answer.put("NextShardIterator", "it-" + to);
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
        ShardReader.Range r = new KinesisShardReader(kinesis).read(STREAM, SHARD, seq(3), seq(7));

        assertThat(r.startFound()).isTrue();
        assertThat(sequences(r)).containsExactly(seq(3), seq(4), seq(5), seq(6), seq(7));
        KinesisEventRecord first = r.records().get(0);
        assertThat(first.eventSourceArn()).isEqualTo(STREAM);
        assertThat(first.shardId()).isEqualTo(SHARD);
        assertThat(first.partitionKey()).isEqualTo("pk-3");
        assertThat(new String(first.data(), StandardCharsets.UTF_8)).isEqualTo("cdr " + seq(3));
        JsonNode iterator = requests.get(0);
        assertThat(iterator.get("StreamARN").asText()).isEqualTo(STREAM);
        assertThat(iterator.get("ShardId").asText()).isEqualTo(SHARD);
        assertThat(iterator.get("ShardIteratorType").asText()).isEqualTo("AT_SEQUENCE_NUMBER");
        // Pages of two: 3-4, 5-6, 7-8 (8 is past the end, so no fourth call).
        assertThat(requests).hasSize(1 + 3);
    }

    @Test
    void aRangeWhoseFirstRecordIsTrimmedSaysSo() {
        shard.subList(0, 5).clear(); // retention passed for 0..4

        ShardReader.Range r = new KinesisShardReader(kinesis).read(STREAM, SHARD, seq(3), seq(6));

        assertThat(r.startFound()).isFalse();
        assertThat(sequences(r)).containsExactly(seq(5), seq(6));
    }

    @Test
    void readingStopsAtTheShardsTipAndAtTheEndOfAClosedShard() {
        pageSize = 100;
        ShardReader.Range open = new KinesisShardReader(kinesis).read(STREAM, SHARD, seq(8), seq(12));
        assertThat(sequences(open)).containsExactly(seq(8), seq(9));
        assertThat(open.startFound()).isTrue();

        closed = true;
        requests.clear();
        ShardReader.Range done = new KinesisShardReader(kinesis).read(STREAM, SHARD, seq(8), seq(12));
        assertThat(sequences(done)).containsExactly(seq(8), seq(9));
        assertThat(requests).hasSize(2); // the iterator, then one page without a next iterator
    }

    @Test
    void aRangeThatNeverEndsWithinTheCallLimitFailsNamingIt() {
        pageSize = 1;
        shard.clear();
        for (int i = 0; i < 50; i++) {
            shard.add(seq(i));
        }
        org.assertj.core.api.Assertions.assertThatIllegalStateException()
                .isThrownBy(() -> new KinesisShardReader(kinesis, 5).read(STREAM, SHARD, seq(0), seq(40)))
                .withMessage("Shard " + SHARD + " of " + STREAM + ": 5 GetRecords calls did not reach sequence number " + seq(40)
                        + " (read 5 records from " + seq(0) + ")");
    }
}
