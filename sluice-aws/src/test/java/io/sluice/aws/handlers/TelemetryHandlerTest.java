package io.sluice.aws.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.aws.Backoff;
import io.sluice.aws.archive.ArchiveDeliveryException;
import io.sluice.aws.archive.TelemetryRows;
import io.sluice.aws.dynamodb.DynamoDbDevices;
import io.sluice.aws.dynamodb.DynamoDbLocal;
import io.sluice.aws.dynamodb.DynamoDbTelemetryStore;
import io.sluice.aws.dynamodb.DynamoDbThresholdState;
import io.sluice.aws.dynamodb.TableSchemas;
import io.sluice.core.contracts.TableKeys;
import io.sluice.core.monitoring.FunctionMetrics;
import io.sluice.core.monitoring.Instrumentation;
import io.sluice.core.pipeline.BatchId;
import io.sluice.core.pipeline.Notifier;
import io.sluice.core.pipeline.memory.InMemoryErrorLog;
import io.sluice.core.telemetry.DeviceTokens;
import io.sluice.core.telemetry.Rollups;
import io.sluice.core.telemetry.TelemetryBatchProcessor;
import io.sluice.core.telemetry.TelemetryConfig;
import io.sluice.core.telemetry.ThresholdEvaluator;
import io.sluice.core.telemetry.ThresholdRule;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * IOT-1..IOT-5, IOT-7 on AWS: the telemetry function behind an HTTP API, on DynamoDB Local, with the documented event
 * shape (docs/events/http-api-telemetry.json). The archive and the topic are recorded; the secret is a value the test
 * rotates.
 */
class TelemetryHandlerTest {
    private static final DynamoDbClient CLIENT = DynamoDbLocal.client();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long NOW = Instant.parse("2026-12-04T10:15:30Z").toEpochMilli();
    private static final Backoff FAST = new Backoff(Duration.ofMillis(1), Duration.ofMillis(5), new Random(1));

    private final String table = "tel-" + UUID.randomUUID();
    private final List<String> archived = new ArrayList<>();
    private final List<Notifier.Alert> alerts = new ArrayList<>();
    private final InMemoryErrorLog errors = new InMemoryErrorLog();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final AtomicInteger archiveFailures = new AtomicInteger();
    private final AtomicInteger secretReads = new AtomicInteger();
    private String secret = "key-one-0123456789abcdef";
    /** The time of both the function and the store; tests move it. */
    private final java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(NOW);
    private final Clock clock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now.get());
        }
    };
    private final DynamoDbTelemetryStore store;
    private final DynamoDbDevices devices;
    private final TelemetryHandler handler;

    TelemetryHandlerTest() {
        TableSchemas.create(CLIENT, table, TableKeys.TELEMETRY);
        Clock clock = this.clock;
        store = new DynamoDbTelemetryStore(CLIENT, table, Duration.ofDays(30), Duration.ofDays(31), (batch, readings, at) -> {
            if (archiveFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new ArchiveDeliveryException("Firehose stream 'test' did not take " + readings.size() + " records");
            }
            TelemetryRows.render(batch, readings, at).forEach(r -> archived.add(new String(r, StandardCharsets.UTF_8)));
        }, clock, FAST, 4);
        devices = new DynamoDbDevices(CLIENT, table);
        TelemetryConfig cfg = TelemetryConfig.defaults();
        TelemetryBatchProcessor processor = new TelemetryBatchProcessor(cfg, store, new ThresholdEvaluator(ThresholdRule.DEFAULTS),
                new DynamoDbThresholdState(CLIENT, table, FAST, 4), store);
        TelemetryHandler.ApiKey key = new TelemetryHandler.ApiKey() {
            private String cached;

            @Override
            public String current() {
                if (cached == null) {
                    cached = read();
                }
                return cached;
            }

            @Override
            public String reread() {
                cached = read();
                return cached;
            }

            private String read() {
                secretReads.incrementAndGet();
                return secret;
            }
        };
        handler = new TelemetryHandler(processor, devices, key, alerts::add, new Instrumentation(FunctionMetrics.NONE, errors), cfg,
                "sluice-telemetry-dev", clock, new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    /** The documented sample with this path, headers and body. */
    private static JsonNode event(String path, Map<String, String> headers, String body) throws IOException {
        ObjectNode e = (ObjectNode) JSON.readTree(Files.readAllBytes(Path.of("..", "docs", "events", "http-api-telemetry.json")));
        e.put("rawPath", path);
        ((ObjectNode) e.path("requestContext").path("http")).put("path", path);
        ObjectNode h = (ObjectNode) e.path("headers");
        h.remove("x-api-key");
        h.put("content-length", Integer.toString(body.getBytes(StandardCharsets.UTF_8).length));
        headers.forEach((k, v) -> {
            if (v == null) {
                h.remove(k);
            } else {
                h.put(k, v);
            }
        });
        e.put("body", body);
        return e;
    }

    private JsonNode post(String key, String body) throws IOException {
        return post("/v1/telemetry", key == null ? Map.of() : Map.of("x-api-key", key), body);
    }

    private JsonNode post(String path, Map<String, String> headers, String body) throws IOException {
        Map<String, Object> r = handler.handle(event(path, headers, body));
        ObjectNode out = JSON.createObjectNode();
        out.put("status", (Integer) r.get("statusCode"));
        out.set("body", JSON.readTree((String) r.get("body")));
        return out;
    }

    private static String reading(String device, long ts, String metric, double value, String unit) {
        return "{\"deviceId\":\"" + device + "\",\"timestamp\":" + ts + ",\"metric\":\"" + metric + "\",\"value\":" + value
                + ",\"unit\":\"" + unit + "\"}";
    }

    private static final long T = NOW - 60_000;

    @Test
    @DisplayName("IOT-1..IOT-3: a batch with the header key is stored: counts answered, readings in the table and the archive, rollups")
    void storesABatch() throws IOException {
        String body = "[" + reading("pump-7", T, "temperature", 21.5, "C") + "," + reading("pump-7", T + 1000, "temperature", 23.5, "C")
                + "," + reading("pump-7", T + 2000, "temperature", Double.MAX_VALUE, "C") + "," + reading("pump-7", T, "temperature", 21.5, "C") + "]";
        JsonNode r = post(secret, body);

        assertThat(r.path("status").asInt()).isEqualTo(200);
        assertThat(r.path("body").path("readings").asInt()).isEqualTo(4);
        assertThat(r.path("body").path("accepted").asInt()).isEqualTo(2);
        assertThat(r.path("body").path("duplicates").asInt()).isEqualTo(1);
        assertThat(r.path("body").path("rejected").get(0).path("index").asInt()).isEqualTo(2);
        assertThat(r.path("body").path("rejected").get(0).path("reason").asText()).isEqualTo("OUT_OF_RANGE");
        assertThat(store.readings("pump-7", "temperature", 0, Long.MAX_VALUE)).extracting(DynamoDbTelemetryStore.Stored::value)
                .containsExactly(21.5, 23.5);
        assertThat(archived).hasSize(2).allSatisfy(row -> assertThat(row).contains("\"device_id\":\"pump-7\"").contains("\"dt\":\"2026-12-04\""));
        long minute = Math.floorDiv(T, 60_000L) * 60_000L;
        Rollups.Rollup m = store.rollup(new Rollups.Key("pump-7", "temperature", Rollups.Resolution.MINUTE, minute)).orElseThrow();
        assertThat(m.count()).isEqualTo(2);
        assertThat(m.min()).isEqualTo(21.5);
        assertThat(m.max()).isEqualTo(23.5);
        var read = (io.sluice.core.telemetry.TelemetryRequests.Accepted) io.sluice.core.telemetry.TelemetryRequests.read(
                io.sluice.core.telemetry.TelemetryRequests.Entry.API_KEY, body.getBytes(StandardCharsets.UTF_8), null, TelemetryConfig.defaults(), NOW);
        BatchId batch = io.sluice.core.telemetry.TelemetryRequests.batchOf(io.sluice.core.telemetry.TelemetryRequests.Entry.API_KEY, null,
                read.parsed());
        assertThat(store.rejected(batch)).containsOnlyKeys(2);
        assertThat(store.rejected(batch).get(2)[1]).contains("1.7976931348623157E308"); // the original text, kept
    }

    @Test
    @DisplayName("IOT-2: the same body sent again counts its readings as duplicates and adds nothing: no second rollup share, no second alert")
    void aResentBodyIsDuplicates() throws IOException {
        String body = "[" + reading("pump-8", T, "temperature", 85, "C") + "," + reading("pump-8", T + 1000, "temperature", 86, "C") + "]";
        assertThat(post(secret, body).path("body").path("accepted").asInt()).isEqualTo(2);
        assertThat(alerts).hasSize(1);

        JsonNode again = post(secret, body);

        assertThat(again.path("status").asInt()).isEqualTo(200);
        assertThat(again.path("body").path("accepted").asInt()).isZero();
        assertThat(again.path("body").path("duplicates").asInt()).isEqualTo(2);
        assertThat(alerts).hasSize(1);
        assertThat(archived).hasSize(2);
        long minute = Math.floorDiv(T, 60_000L) * 60_000L;
        assertThat(store.rollup(new Rollups.Key("pump-8", "temperature", Rollups.Resolution.MINUTE, minute)).orElseThrow().count()).isEqualTo(2);
    }

    @Test
    @DisplayName("a request that fails after its claims is answered 503 and recorded; sent again, its readings are accepted, counted once")
    void aFailedAttemptIsFinishedByItsRetry() throws IOException {
        String body = "[" + reading("pump-9", T, "humidity", 40, "%") + "," + reading("pump-9", T + 1000, "humidity", 41, "%") + "]";
        archiveFailures.set(1); // the archive refuses the first attempt, after the claims and the table's items were written

        JsonNode failed = post(secret, body);

        assertThat(failed.path("status").asInt()).isEqualTo(503);
        assertThat(failed.path("body").path("error").asText()).contains("send the same body again");
        assertThat(errors.entries()).hasSize(1);
        assertThat(errors.entries().get(0).eventSnapshot()).doesNotContain(secret).doesNotContain("pump-9").contains("body-length=");

        JsonNode retried = post(secret, body);

        assertThat(retried.path("status").asInt()).isEqualTo(200);
        assertThat(retried.path("body").path("accepted").asInt()).isEqualTo(2);
        assertThat(retried.path("body").path("duplicates").asInt()).isZero();
        long minute = Math.floorDiv(T, 60_000L) * 60_000L;
        assertThat(store.rollup(new Rollups.Key("pump-9", "humidity", Rollups.Resolution.MINUTE, minute)).orElseThrow().count()).isEqualTo(2);
        assertThat(archived).hasSize(2);
    }

    @Test
    @DisplayName("IOT-1: no key or a wrong key is 401 with nothing stored; a rotated secret is read again once and then matches")
    void keys() throws IOException {
        String body = reading("pump-1", T, "temperature", 20, "C");
        assertThat(post(null, body).path("status").asInt()).isEqualTo(401);
        assertThat(post("wrong", body).path("status").asInt()).isEqualTo(401);
        assertThat(store.readings("pump-1", "temperature", 0, Long.MAX_VALUE)).isEmpty();
        assertThat(archived).isEmpty();

        int reads = secretReads.get();
        secret = "key-two-fedcba9876543210";
        JsonNode r = post(secret, body);

        assertThat(r.path("status").asInt()).isEqualTo(200);
        assertThat(secretReads.get()).isEqualTo(reads + 1);
        assertThat(post(secret, reading("pump-1", T + 1, "temperature", 20, "C")).path("status").asInt()).isEqualTo(200);
        assertThat(secretReads.get()).isEqualTo(reads + 1); // matched from the cache
    }

    @Test
    @DisplayName("bad input: 415 for another type, 413 over the limit by Content-Length, 400 for invalid or too deep JSON; nothing stored")
    void badInput() throws IOException {
        String good = reading("pump-2", T, "temperature", 20, "C");
        assertThat(post("/v1/telemetry", Map.of("x-api-key", secret, "content-type", "text/plain"), good).path("status").asInt()).isEqualTo(415);
        assertThat(post("/v1/telemetry", Map.of("x-api-key", secret, "content-length", "12582912"), good).path("status").asInt()).isEqualTo(413);
        assertThat(post(secret, "{\"deviceId\":").path("status").asInt()).isEqualTo(400);
        assertThat(post(secret, "[".repeat(20) + "]".repeat(20)).path("status").asInt()).isEqualTo(400);
        assertThat(post(secret, "[" + (good + ",").repeat(10_000) + good + "]").path("status").asInt()).isEqualTo(413);
        assertThat(post("/v1/other", Map.of("x-api-key", secret), good).path("status").asInt()).isEqualTo(404);
        assertThat(store.readings("pump-2", "temperature", 0, Long.MAX_VALUE)).isEmpty();
        assertThat(errors.entries()).isEmpty(); // bad input is answered, not an error of the function
    }

    @Test
    @DisplayName("IOT-7: ThingsBoard's device API with a device token; revoked or unknown tokens are 401; invalid bodies 400")
    void thingsBoard() throws IOException {
        String token = DeviceTokens.newToken();
        devices.add("meter-3", token, NOW);
        String path = "/api/v1/" + token + "/telemetry";

        JsonNode r = post(path, Map.of(), "{\"ts\":" + T + ",\"values\":{\"temperature\":19.5,\"battery\":88}}");

        assertThat(r.path("status").asInt()).isEqualTo(200);
        assertThat(r.path("body").path("accepted").asInt()).isEqualTo(2);
        assertThat(store.readings("meter-3", "battery", 0, Long.MAX_VALUE)).extracting(DynamoDbTelemetryStore.Stored::value).containsExactly(88.0);
        assertThat(post(path, Map.of("content-type", "text/plain"), "{\"temperature\":1}").path("status").asInt()).isEqualTo(400);
        assertThat(post(path, Map.of(), "not json").path("status").asInt()).isEqualTo(400);
        assertThat(post("/api/v1/" + DeviceTokens.newToken() + "/telemetry", Map.of(), "{\"temperature\":1}").path("status").asInt()).isEqualTo(401);
        devices.revoke("meter-3", NOW);
        assertThat(post(path, Map.of(), "{\"ts\":" + (T + 5) + ",\"values\":{\"temperature\":19.5}}").path("status").asInt()).isEqualTo(401);
        assertThat(store.readings("meter-3", "temperature", 0, Long.MAX_VALUE)).hasSize(1);
    }

    @Test
    @DisplayName("a base64 body (as API Gateway sends binary types) is read as its bytes")
    void base64Body() throws IOException {
        String body = reading("pump-4", T, "pressure", 1013, "hPa");
        ObjectNode e = (ObjectNode) event("/v1/telemetry", Map.of("x-api-key", secret), body);
        e.put("body", Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)));
        e.put("isBase64Encoded", true);

        assertThat(handler.handle(e).get("statusCode")).isEqualTo(200);
        assertThat(store.readings("pump-4", "pressure", 0, Long.MAX_VALUE)).hasSize(1);
    }

    private long hourCount(String device, String metric, long at) {
        long hour = Math.floorDiv(at, 3_600_000L) * 3_600_000L;
        return store.rollup(new Rollups.Key(device, metric, Rollups.Resolution.HOUR, hour)).map(Rollups.Rollup::count).orElse(0L);
    }

    @Test
    @DisplayName("IOT-7: the same ThingsBoard bytes without ts posted a minute apart are two readings, both in the hour's rollup")
    void thingsBoardBodiesWithoutTsAreDifferentBatches() throws IOException {
        String token = DeviceTokens.newToken();
        devices.add("door-1", token, NOW);
        now.set(Math.floorDiv(NOW, 3_600_000L) * 3_600_000L + 60_000); // early in an hour, so both posts share it
        long first = now.get();
        assertThat(post("/api/v1/" + token + "/telemetry", Map.of(), "{\"temperature\":20}").path("body").path("accepted").asInt()).isEqualTo(1);
        now.addAndGet(60_000);
        assertThat(post("/api/v1/" + token + "/telemetry", Map.of(), "{\"temperature\":20}").path("body").path("accepted").asInt()).isEqualTo(1);

        assertThat(store.readings("door-1", "temperature", 0, Long.MAX_VALUE)).hasSize(2);
        assertThat(hourCount("door-1", "temperature", first)).isEqualTo(2);
    }

    @Test
    @DisplayName("a retry after some of its claims were marked done counts every reading of the batch: whole rollup shares")
    void aRetryAfterPartlyMarkedClaimsKeepsWholeRollups() throws IOException {
        String body = "[" + reading("pump-5", T, "voltage", 230, "V") + "," + reading("pump-5", T + 1000, "voltage", 231, "V") + "]";
        archiveFailures.set(1);
        assertThat(post(secret, body).path("status").asInt()).isEqualTo(503);
        // As if the first attempt had marked the first claim done before it died.
        var r = new io.sluice.core.telemetry.Reading("pump-5", T, "voltage", 230, "V", Map.of());
        CLIENT.updateItem(b -> b.tableName(table).key(Map.of("pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(
                "claim#" + r.key().hex()), "sk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("claim")))
                .updateExpression("SET done = :t").expressionAttributeValues(Map.of(":t",
                        software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromBool(true))));

        JsonNode retried = post(secret, body);

        assertThat(retried.path("body").path("accepted").asInt()).isEqualTo(2);
        assertThat(hourCount("pump-5", "voltage", T)).isEqualTo(2);
    }

    @Test
    @DisplayName("a reading claimed by an attempt that died and was never sent again is taken by another request after the lease")
    void anAbandonedClaimIsTakenOverAfterTheLease() throws IOException {
        archiveFailures.set(1);
        assertThat(post(secret, "[" + reading("pump-6", T, "current", 3, "A") + "," + reading("pump-6", T + 1, "current", 4, "A") + "]")
                .path("status").asInt()).isEqualTo(503);
        // Within the lease the first attempt may still be running: a duplicate.
        assertThat(post(secret, "[" + reading("pump-6", T, "current", 3, "A") + "]").path("body").path("duplicates").asInt()).isEqualTo(1);

        now.addAndGet(DynamoDbTelemetryStore.LEASE.toMillis() + 1_000);
        JsonNode later = post(secret, "[" + reading("pump-6", T, "current", 3, "A") + "," + reading("pump-6", T + 2, "current", 5, "A") + "]");

        assertThat(later.path("body").path("accepted").asInt()).isEqualTo(2);
        assertThat(store.readings("pump-6", "current", 0, Long.MAX_VALUE)).extracting(DynamoDbTelemetryStore.Stored::timestampMillis)
                .contains(T, T + 2);
    }

    @Test
    @DisplayName("a rejected reading too large for a DynamoDB item is kept cut, with its length; the request is answered, not failed")
    void aHugeRejectedReadingIsKeptCut() throws IOException {
        String huge = "{\"deviceId\":\"pump-3\",\"timestamp\":" + T + ",\"metric\":\"temperature\",\"value\":20,\"unit\":\""
                + "x".repeat(500_000) + "\"}";
        String body = "[" + huge + "," + reading("pump-3", T, "temperature", 20, "C") + "]";

        JsonNode r = post(secret, body);

        assertThat(r.path("status").asInt()).isEqualTo(200);
        assertThat(r.path("body").path("accepted").asInt()).isEqualTo(1);
        assertThat(r.path("body").path("rejected").get(0).path("reason").asText()).isEqualTo("BAD_FIELD");
        var read = (io.sluice.core.telemetry.TelemetryRequests.Accepted) io.sluice.core.telemetry.TelemetryRequests.read(
                io.sluice.core.telemetry.TelemetryRequests.Entry.API_KEY, body.getBytes(StandardCharsets.UTF_8), null, TelemetryConfig.defaults(), NOW);
        BatchId batch = io.sluice.core.telemetry.TelemetryRequests.batchOf(io.sluice.core.telemetry.TelemetryRequests.Entry.API_KEY, null,
                read.parsed());
        String kept = store.rejected(batch).get(0)[1];
        assertThat(kept).hasSize(DynamoDbTelemetryStore.MAX_ORIGINAL_CHARS).isEqualTo(huge.substring(0, DynamoDbTelemetryStore.MAX_ORIGINAL_CHARS));
    }
}
