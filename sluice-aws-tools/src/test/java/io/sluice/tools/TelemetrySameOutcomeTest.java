package io.sluice.tools;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.aws.Backoff;
import io.sluice.aws.dynamodb.DynamoDbDevices;
import io.sluice.aws.dynamodb.DynamoDbTelemetryStore;
import io.sluice.aws.dynamodb.DynamoDbThresholdState;
import io.sluice.aws.dynamodb.TableSchemas;
import io.sluice.aws.handlers.TelemetryHandler;
import io.sluice.core.contracts.TableKeys;
import io.sluice.core.monitoring.FunctionMetrics;
import io.sluice.core.monitoring.Instrumentation;
import io.sluice.core.pipeline.Notifier;
import io.sluice.core.pipeline.memory.InMemoryErrorLog;
import io.sluice.core.telemetry.DeviceTokens;
import io.sluice.core.telemetry.TelemetryBatchProcessor;
import io.sluice.core.telemetry.TelemetryConfig;
import io.sluice.core.telemetry.ThresholdEvaluator;
import io.sluice.core.telemetry.ThresholdRule;
import io.sluice.local.runtime.ApiToken;
import io.sluice.local.runtime.LocalRuntime;
import io.sluice.local.runtime.UpConfig;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Issue 18 (IOT-1..IOT-4, IOT-7): the same telemetry requests on both homes give the same answers, the same stored
 * readings and the same threshold alerts: {@code POST /v1/telemetry} and the ThingsBoard path of a running
 * {@code sluice up} over HTTP, and the AWS telemetry function on HTTP API events over DynamoDB Local. Each home's figures
 * are read from its own answers and stores.
 */
class TelemetrySameOutcomeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    /** One request: the ThingsBoard path or the header key; its content type and body. */
    record Sent(boolean thingsBoard, String contentType, String body) {
    }

    /** What a home answered and kept. */
    record Outcome(List<String> answers, List<String> readings, List<String> alerts) {
    }

    private static String reading(String device, long ts, String metric, String value) {
        return "{\"deviceId\":\"" + device + "\",\"timestamp\":" + ts + ",\"metric\":\"" + metric + "\",\"value\":" + value + "}";
    }

    private static List<Sent> requests(long now) {
        long t = now - 120_000;
        String first = "[" + reading("pump-7", t, "temperature", "70") + "," + reading("pump-7", t + 1_000, "temperature", "85")
                + "," + reading("pump-7", t + 1_000, "temperature", "85") + "," + reading("pump-7", t + 2_000, "temperature", "NaN")
                + "," + reading("pump-7", t + 3_000, "co2", "1e400") + "," + reading("bad id!", t, "temperature", "20")
                + "," + reading("pump-7", now + 3_600_000, "temperature", "20") + "," + reading("pump-7", t, "wind", "3")
                + "," + reading("pump-7", t + 4_000, "battery", "12") + "]";
        return List.of(
                new Sent(false, "application/json", first),
                new Sent(false, "application/json", first), // resent: duplicates, no second alert
                new Sent(false, "application/json", "[" + reading("pump-7", t + 5_000, "temperature", "70") + "]"), // back to normal
                new Sent(false, "text/plain", reading("pump-7", t + 6_000, "temperature", "20")),
                new Sent(false, "application/json", "{\"deviceId\":"),
                new Sent(false, "application/json", "[".repeat(40) + "]".repeat(40)),
                new Sent(false, "application/json", "[" + (reading("pump-7", t, "temperature", "20") + ",").repeat(1_000)
                        + reading("pump-7", t, "temperature", "20") + "]"),
                new Sent(true, "application/json", "{\"ts\":" + t + ",\"values\":{\"temperature\":19.5,\"humidity\":\"41\",\"on\":true}}"),
                new Sent(true, "application/json", "[{\"ts\":" + (t + 1) + ",\"values\":{\"battery\":90}},{\"ts\":" + (t + 2) + ",\"values\":{\"battery\":9}}]"),
                new Sent(true, "application/json", "not json"),
                new Sent(true, "text/plain", "{\"temperature\":1}"));
    }

    @Test
    @DisplayName("issue 18: sluice up and the AWS function answer the same requests alike, keep the same readings and raise the same alerts")
    void bothHomesAlike() throws Exception {
        long now = System.currentTimeMillis();
        List<Sent> sent = requests(now);
        Outcome local = local(sent);
        Outcome aws = aws(sent);

        // Not trivially equal: every kind of answer is there.
        assertThat(local.answers()).anyMatch(a -> a.startsWith("200 ")).anyMatch(a -> a.startsWith("400 "))
                .anyMatch(a -> a.startsWith("413 ")).anyMatch(a -> a.startsWith("415 "));
        assertThat(local.answers().get(0)).contains("\"duplicates\":1").contains("NOT_A_NUMBER").contains("BAD_DEVICE_ID");
        assertThat(local.answers().get(1)).contains("\"accepted\":0");
        assertThat(local.alerts()).hasSizeGreaterThanOrEqualTo(3);
        assertThat(local.readings()).hasSizeGreaterThanOrEqualTo(6);

        assertThat(aws.answers()).isEqualTo(local.answers());
        assertThat(aws.readings()).isEqualTo(local.readings());
        assertThat(aws.alerts()).isEqualTo(local.alerts());
    }

    /** The status and the body; the receive time a clock-skew detail names is each home's own, so it is masked. */
    private static String answer(int status, String body) throws Exception {
        JsonNode n = JSON.readTree(body);
        return (status + " " + JSON.writeValueAsString(n)).replaceAll("the receive time [0-9T:.Z-]+", "the receive time <received>");
    }

    private Outcome local(List<Sent> sent) throws Exception {
        UpConfig up = UpConfig.defaults(dir.resolve("up")).withPort(0);
        List<String> alerts = new CopyOnWriteArrayList<>();
        try (LocalRuntime rt = LocalRuntime.start(up, m -> { }, a -> alerts.add(a.subject() + " | " + a.message()))) {
            String base = "http://127.0.0.1:" + rt.port();
            String bearer = "Bearer " + ApiToken.read(up.dataDir()).orElseThrow();
            String key = ApiToken.read(up.dataDir(), ApiToken.TELEMETRY_KEY_FILE).orElseThrow();
            HttpResponse<String> added = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/devices")).header("Authorization", bearer)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"meter-3\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
            String token = JSON.readTree(added.body()).path("token").asText();
            List<String> answers = new ArrayList<>();
            for (Sent s : sent) {
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + (s.thingsBoard() ? "/api/v1/" + token + "/telemetry" : "/v1/telemetry")))
                        .header("Content-Type", s.contentType()).POST(HttpRequest.BodyPublishers.ofString(s.body()));
                if (!s.thingsBoard()) {
                    b.header("x-api-key", key);
                }
                HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
                answers.add(answer(r.statusCode(), r.body()));
            }
            List<String> readings = new ArrayList<>();
            for (String device : List.of("pump-7", "meter-3")) {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/devices/" + device + "/readings?limit=10000"))
                        .header("Authorization", bearer).GET().build(), HttpResponse.BodyHandlers.ofString());
                for (JsonNode n : JSON.readTree(r.body()).path("readings")) {
                    readings.add(device + "|" + n.path("metric").asText() + "|" + n.path("timestamp").asLong() + "|" + n.path("value").asDouble());
                }
            }
            readings.sort(null);
            return new Outcome(answers, readings, List.copyOf(alerts));
        }
    }

    private Outcome aws(List<Sent> sent) throws Exception {
        AmazonDynamoDBLocal dynamoLocal = DynamoDBEmbedded.create(dir.resolve("dynamodb.db").toFile(), true);
        try {
            DynamoDbClient dynamo = dynamoLocal.dynamoDbClient();
            String table = "sluice-telemetry-test";
            TableSchemas.create(dynamo, table, TableKeys.TELEMETRY);
            Backoff fast = new Backoff(Duration.ofMillis(1), Duration.ofMillis(5), new Random(1));
            DynamoDbTelemetryStore store = new DynamoDbTelemetryStore(dynamo, table, Duration.ofDays(30), Duration.ofDays(31),
                    DynamoDbTelemetryStore.Archive.NONE, Clock.systemUTC(), fast, 4);
            DynamoDbDevices devices = new DynamoDbDevices(dynamo, table);
            String token = DeviceTokens.newToken();
            devices.add("meter-3", token, System.currentTimeMillis());
            TelemetryConfig cfg = TelemetryConfig.defaults();
            List<String> alerts = new ArrayList<>();
            Notifier notifier = a -> alerts.add(a.subject() + " | " + a.message());
            String secret = "a-secret-for-this-test-0123456789";
            TelemetryHandler handler = new TelemetryHandler(new TelemetryBatchProcessor(cfg, store, new ThresholdEvaluator(ThresholdRule.DEFAULTS),
                    new DynamoDbThresholdState(dynamo, table, fast, 4), store), devices, new TelemetryHandler.ApiKey() {
                        @Override
                        public String current() {
                            return secret;
                        }

                        @Override
                        public String reread() {
                            return secret;
                        }
                    }, notifier, new Instrumentation(FunctionMetrics.NONE, new InMemoryErrorLog()), cfg, "sluice-telemetry-test",
                    Clock.systemUTC(), new PrintStream(java.io.OutputStream.nullOutputStream()));
            List<String> answers = new ArrayList<>();
            for (Sent s : sent) {
                ObjectNode e = (ObjectNode) JSON.readTree(Files.readAllBytes(Path.of("..", "docs", "events", "http-api-telemetry.json")));
                String path = s.thingsBoard() ? "/api/v1/" + token + "/telemetry" : "/v1/telemetry";
                e.put("rawPath", path);
                ObjectNode h = (ObjectNode) e.path("headers");
                h.put("content-type", s.contentType());
                h.put("content-length", Integer.toString(s.body().getBytes(UTF_8).length));
                if (s.thingsBoard()) {
                    h.remove("x-api-key");
                } else {
                    h.put("x-api-key", secret);
                }
                e.put("body", s.body());
                Map<String, Object> r = handler.handle(e);
                answers.add(answer((Integer) r.get("statusCode"), (String) r.get("body")));
            }
            List<String> readings = new ArrayList<>();
            for (String device : List.of("pump-7", "meter-3")) {
                for (String metric : cfg.metrics().keySet()) {
                    store.readings(device, metric, 0, Long.MAX_VALUE).forEach(r -> readings.add(device + "|" + metric + "|"
                            + r.timestampMillis() + "|" + r.value()));
                }
            }
            readings.sort(null);
            return new Outcome(answers, readings, alerts);
        } finally {
            dynamoLocal.shutdown();
        }
    }
}
