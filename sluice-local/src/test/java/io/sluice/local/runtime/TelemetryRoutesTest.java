package io.sluice.local.runtime;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.core.pipeline.Notifier;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 18 (IOT-1..IOT-4, SEC-5): POST /v1/telemetry in sluice up, each bad input answered precisely, nothing partial stored. */
class TelemetryRoutesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dataDir;
    private LocalRuntime rt;
    private final List<Notifier.Alert> told = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        rt = LocalRuntime.start(UpConfig.defaults(dataDir).withPort(0), m -> { }, WorkerHooks.NONE, told::add);
    }

    @AfterEach
    void stop() {
        rt.stop();
    }

    private HttpResponse<String> post(String key, String type, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + rt.port() + "/v1/telemetry"))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("x-api-key", key);
        }
        if (type != null) {
            b.header("Content-Type", type);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(UTF_8));
    }

    private HttpResponse<String> post(String body) throws Exception {
        return post(rt.telemetryKey(), "application/json", body);
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + rt.port() + path))
                .header("Authorization", "Bearer " + rt.token()).build(), HttpResponse.BodyHandlers.ofString(UTF_8));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private long stored() throws Exception {
        return rt.read(c -> {
            try (var s = c.createStatement(); var rs = s.executeQuery("SELECT (SELECT count(*) FROM telemetry_readings) "
                    + "+ (SELECT count(*) FROM telemetry_rejected)")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private static String reading(String device, long ts, String metric, double value) {
        return "{\"deviceId\":\"" + device + "\",\"timestamp\":" + ts + ",\"metric\":\"" + metric + "\",\"value\":" + value + "}";
    }

    @Test
    @DisplayName("the key: made at the first start, owner-only; missing or wrong: 401 and nothing stored; the API token is not it")
    void theKeyIsRequired() throws Exception {
        Path file = dataDir.resolve(ApiToken.TELEMETRY_KEY_FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.readString(file).strip()).isEqualTo(rt.telemetryKey()).isNotEqualTo(rt.token());
        long now = System.currentTimeMillis();
        assertThat(post(null, "application/json", reading("pump-7", now, "temperature", 20)).statusCode()).isEqualTo(401);
        HttpResponse<String> wrong = post(rt.token(), "application/json", reading("pump-7", now, "temperature", 20));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains("wrong x-api-key").doesNotContain(rt.telemetryKey());
        assertThat(stored()).isZero();
    }

    @Test
    @DisplayName("wrong type 415, too large 413 (also 12 MB), too many readings 413, not JSON or too deep 400: nothing stored")
    void refusedWhole() throws Exception {
        long now = System.currentTimeMillis();
        assertThat(post(rt.telemetryKey(), "text/plain", reading("pump-7", now, "temperature", 20)).statusCode()).isEqualTo(415);
        assertThat(post("x".repeat(1_100_000)).statusCode()).isEqualTo(413);
        HttpResponse<String> huge = post("x".repeat(12_000_000)); // the 12 MB body: answered, not reset
        assertThat(huge.statusCode()).isEqualTo(413);
        assertThat(huge.body()).contains("12000000 bytes, over the limit of 1048576");
        StringBuilder many = new StringBuilder("[");
        for (int i = 0; i < 10_000; i++) {
            many.append(i == 0 ? "" : ",").append(reading("pump-7", now - i, "temperature", 20));
        }
        HttpResponse<String> tooMany = post(many + "]");
        assertThat(tooMany.statusCode()).isEqualTo(413);
        assertThat(tooMany.body()).contains("more than 1000 readings");
        assertThat(post("{\"deviceId\":").statusCode()).isEqualTo(400);
        assertThat(post("[[[[[[[[[[[[]]]]]]]]]]]]").statusCode()).isEqualTo(400);
        assertThat(stored()).isZero();
    }

    @Test
    @DisplayName("200 with the counts: accepted, rejected by index and reason, duplicates; latest and readings answer them")
    void acceptedRejectedDuplicates() throws Exception {
        long now = System.currentTimeMillis();
        HttpResponse<String> first = post("[" + reading("pump-7", now - 2_000, "temperature", 20) + "," + reading("pump-7", now - 1_000, "temperature", 21)
                + "," + reading("pump-7", now - 1_000, "humidity", 55) + "," + reading("pump-7", now, "temperature", Double.MAX_VALUE)
                + "," + reading("pump-7", now - 1_000, "temperature", 21) + "]");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        JsonNode a = JSON.readTree(first.body());
        assertThat(a.path("readings").asInt()).isEqualTo(5);
        assertThat(a.path("accepted").asInt()).isEqualTo(3);
        assertThat(a.path("duplicates").asInt()).isEqualTo(1);
        assertThat(a.path("rejected")).hasSize(1);
        assertThat(a.at("/rejected/0/index").asInt()).isEqualTo(3);
        assertThat(a.at("/rejected/0/reason").asText()).isEqualTo("OUT_OF_RANGE");

        JsonNode again = JSON.readTree(post(reading("pump-7", now - 1_000, "temperature", 21)).body());
        assertThat(again.path("duplicates").asInt()).as("sent before: counted once").isEqualTo(1);
        assertThat(again.path("accepted").asInt()).isZero();

        JsonNode latest = get("/v1/devices/pump-7/latest").path("latest");
        assertThat(latest).hasSize(2);
        assertThat(latest.get(0).path("metric").asText()).isEqualTo("humidity");
        assertThat(latest.get(1).path("value").asDouble()).isEqualTo(21);
        JsonNode readings = get("/v1/devices/pump-7/readings?metric=temperature&from=" + (now - 1_500)).path("readings");
        assertThat(readings).hasSize(1);
        assertThat(stored()).isEqualTo(3 + 1);
    }

    @Test
    @DisplayName("a threshold crossed tells the Notifier once, hovering tells nothing, back to normal tells once")
    void thresholdAlerts() throws Exception {
        long t = System.currentTimeMillis() - 60_000;
        double[] values = {70, 85, 79, 82, 74};
        for (int i = 0; i < values.length; i++) {
            assertThat(post(reading("oven-1", t + i * 1_000L, "temperature", values[i])).statusCode()).isEqualTo(200);
        }
        assertThat(told).extracting(Notifier.Alert::subject)
                .containsExactly("ALARM: temperature-above-80 on oven-1", "OK: temperature-above-80 on oven-1");
    }

    private HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + rt.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(UTF_8));
    }

    @Test
    @DisplayName("ThingsBoard's device API: a device's token in the path, its shapes and answers; a revoked token is refused")
    void thingsBoardDeviceApi() throws Exception {
        HttpResponse<String> added = send("POST", "/v1/devices", rt.token(), "{\"id\":\"oven-1\"}");
        assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
        String token = JSON.readTree(added.body()).path("token").asText();
        assertThat(send("POST", "/v1/devices", null, "{\"id\":\"oven-2\"}").statusCode()).as("adding needs the API token").isEqualTo(401);

        HttpResponse<String> flat = send("POST", "/api/v1/" + token + "/telemetry", null, "{\"temperature\":42,\"humidity\":73}");
        assertThat(flat.statusCode()).as(flat.body()).isEqualTo(200);
        assertThat(JSON.readTree(flat.body()).path("accepted").asInt()).isEqualTo(2);
        long ts = System.currentTimeMillis() - 5_000;
        HttpResponse<String> stamped = send("POST", "/api/v1/" + token + "/telemetry", null,
                "[{\"ts\":" + ts + ",\"values\":{\"temperature\":43}},{\"ts\":" + (ts + 1) + ",\"values\":{\"temperature\":44}}]");
        assertThat(JSON.readTree(stamped.body()).path("accepted").asInt()).isEqualTo(2);
        assertThat(get("/v1/devices/oven-1/readings?metric=temperature").path("readings")).hasSize(3);

        assertThat(send("POST", "/api/v1/" + token + "/telemetry", null, "{\"temperature\":").statusCode()).isEqualTo(400);
        assertThat(send("POST", "/api/v1/not-a-token/telemetry", null, "{\"temperature\":42}").statusCode()).isEqualTo(401);
        assertThat(send("POST", "/api/v1/" + token + "/attributes", null, "{\"fw\":\"1.0\"}").statusCode()).isEqualTo(404);

        assertThat(send("POST", "/v1/devices/oven-1/revoke", rt.token(), "").statusCode()).isEqualTo(200);
        long before = stored();
        assertThat(send("POST", "/api/v1/" + token + "/telemetry", null, "{\"temperature\":45}").statusCode()).isEqualTo(401);
        assertThat(stored()).isEqualTo(before);
        assertThat(send("GET", "/v1/devices", rt.token(), null).body()).contains("oven-1").doesNotContain(token);
    }

    @Test
    @DisplayName("readings past --telemetry-retention-days are deleted by the purge, newer ones stay")
    void retention() throws Exception {
        rt.stop();
        rt = LocalRuntime.start(UpConfig.defaults(dataDir).withPort(0).withTelemetryRetention(Duration.ofDays(1)), m -> { },
                WorkerHooks.NONE, told::add);
        long now = System.currentTimeMillis();
        assertThat(post("[" + reading("old-1", now - 2 * 86_400_000L, "temperature", 20) + "," + reading("new-1", now, "temperature", 20)
                + "]").statusCode()).isEqualTo(200);
        rt.onWorker(() -> {
            rt.purgeOldIngests();
            return null;
        });
        // Not in the Parquet archive yet: kept.
        assertThat(get("/v1/devices/old-1/latest").path("latest")).hasSize(1);
        rt.onWorker(() -> {
            rt.telemetryArchive().export();
            rt.purgeOldIngests();
            return null;
        });
        assertThat(get("/v1/devices/old-1/latest").path("latest")).isEmpty();
        assertThat(get("/v1/devices/new-1/latest").path("latest")).hasSize(1);
    }

    @Test
    @DisplayName("IOT-5: readings go to the Parquet archive under archive/telemetry/dt=, with the AWS columns; the report counts each "
            + "reading once, archived or not, also after an export a crash left started is written again")
    void parquetArchive() throws Exception {
        long t = System.currentTimeMillis() - 3_600_000L;
        assertThat(post("[" + reading("arc-1", t, "temperature", 20) + "," + reading("arc-1", t + 1_000, "temperature", 22) + ","
                + reading("arc-2", t, "humidity", 50) + "]").statusCode()).isEqualTo(200);
        long written = rt.onWorker(() -> rt.telemetryArchive().export());
        assertThat(written).isEqualTo(3);
        assertThat(rt.onWorker(() -> rt.telemetryArchive().export())).isZero();
        assertThat(post(reading("arc-1", t + 2_000, "temperature", 24)).statusCode()).isEqualTo(200); // pending, not archived yet

        Path dir = dataDir.resolve("archive").resolve("telemetry");
        String day = java.time.LocalDate.ofInstant(java.time.Instant.ofEpochMilli(t), java.time.ZoneOffset.UTC).toString();
        List<Path> files;
        try (var walk = java.nio.file.Files.walk(dir)) {
            files = walk.filter(p -> p.toString().endsWith(".parquet")).toList();
        }
        assertThat(files).isNotEmpty().allSatisfy(f -> assertThat(f.getParent().getFileName().toString()).isEqualTo("dt=" + day));
        try (var c = java.sql.DriverManager.getConnection("jdbc:duckdb:"); var s = c.createStatement();
             var rs = s.executeQuery("SELECT * FROM read_parquet('" + dir.resolve("dt=*").resolve("*.parquet") + "', hive_partitioning = true)")) {
            List<String> columns = new java.util.ArrayList<>();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                columns.add(rs.getMetaData().getColumnLabel(i));
            }
            List<String> expected = new java.util.ArrayList<>(io.sluice.core.contracts.TelemetryColumns.COLUMNS.keySet());
            expected.add(io.sluice.core.contracts.TelemetryColumns.PARTITION_COLUMN); // hive partitions come last
            assertThat(columns).isEqualTo(expected);
            int n = 0;
            while (rs.next()) {
                n++;
            }
            assertThat(n).isEqualTo(3);
        }
        java.time.LocalDate d = java.time.LocalDate.parse(day);
        assertThat(readingsInReport(d)).isEqualTo(4);

        // A crash after the files were written and before the export was marked done: written again, counted once.
        rt.onWorker(() -> rt.pipeline().store().inTransaction(c -> {
            try (var s = c.createStatement()) {
                s.execute("UPDATE telemetry_exports SET status = 'started'");
            }
            return null;
        }));
        // Its readings are now both in the files and in the store's pending ones: the report still counts each once.
        assertThat(readingsInReport(d)).isEqualTo(4);
        java.nio.file.Files.delete(files.get(0));
        rt.stop();
        rt = LocalRuntime.start(UpConfig.defaults(dataDir).withPort(0), m -> { }, WorkerHooks.NONE, told::add);
        try (var walk = java.nio.file.Files.walk(dir)) {
            // Written again; and the pending reading was exported when sluice up stopped, in an export of its own.
            assertThat(walk.filter(p -> p.toString().endsWith(".parquet")).toList()).containsAll(files).hasSize(files.size() + 1);
        }
        assertThat(readingsInReport(d)).isEqualTo(4);
    }

    private long readingsInReport(java.time.LocalDate day) throws Exception {
        JsonNode r = get("/v1/reports/telemetry-rollup?from=" + day + "&to=" + day);
        long sum = 0;
        for (JsonNode row : r) {
            sum += row.path("readings").asLong();
        }
        return sum;
    }
}
