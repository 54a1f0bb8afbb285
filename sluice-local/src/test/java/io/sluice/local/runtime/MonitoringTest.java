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
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitoring of sluice up (issue 19; MON-1, MON-2, MON-3, MON-6): the simulator drives a function's error rate over
 * 5 % and the standing alarm fires once and clears once, through the Notifier; the counts at /metrics and
 * /v1/monitoring and the records of the error log each agree with what the simulation itself counted.
 */
class MonitoringTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dataDir;
    private LocalRuntime rt;
    private final List<Notifier.Alert> told = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (rt != null) {
            rt.stop();
        }
    }

    static LocalRuntime startWithOneSecondAlarms(Path dataDir, Notifier notifier) throws Exception {
        return LocalRuntime.start(UpConfig.defaults(dataDir).withPort(0).withMonitoring(new UpConfig.Monitoring(1, 500)), m -> { },
                WorkerHooks.NONE, notifier);
    }

    static HttpResponse<String> send(LocalRuntime rt, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + rt.port() + path))
                .header("Authorization", "Bearer " + rt.token()).timeout(Duration.ofSeconds(20));
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(UTF_8));
    }

    /** Starts a simulation; its id. */
    static String startSimulation(LocalRuntime rt, String function, double rate, double errorRate, double seconds) throws Exception {
        HttpResponse<String> r = send(rt, "POST", "/v1/simulations", "{\"function\":\"" + function + "\",\"rate\":" + rate
                + ",\"error_rate\":" + errorRate + ",\"latency_ms\":[2,10],\"duration_s\":" + seconds + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return JSON.readTree(r.body()).path("id").asText();
    }

    /** Runs a simulation to its end; its final status. */
    static JsonNode simulate(LocalRuntime rt, String function, double rate, double errorRate, double seconds) throws Exception {
        String id = startSimulation(rt, function, rate, errorRate, seconds);
        JsonNode status;
        long deadline = System.nanoTime() + Duration.ofSeconds((long) seconds + 30).toNanos();
        do {
            Thread.sleep(100);
            status = JSON.readTree(send(rt, "GET", "/v1/simulations/" + id, null).body());
        } while (status.path("state").asText().equals("running") && System.nanoTime() < deadline);
        assertThat(status.path("state").asText()).isEqualTo("done");
        return status;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    private List<String> alarmChanges(String alarm) {
        return told.stream().filter(a -> alarm.equals(a.attributes().get("alarm"))).map(a -> a.attributes().get("state")).toList();
    }

    @Test
    @DisplayName("a 50 % error rate fires the error-rate alarm once; no errors clear it once; counts agree everywhere")
    void errorRateAlarmFiresAndClears() throws Exception {
        rt = startWithOneSecondAlarms(dataDir, told::add);
        JsonNode failing = simulate(rt, "checkout", 100, 0.5, 3);
        await("the alarm to fire", () -> alarmChanges("checkout-error-rate").contains("ALARM"));
        JsonNode healthy = simulate(rt, "checkout", 100, 0, 4);
        await("the alarm to clear", () -> alarmChanges("checkout-error-rate").contains("OK"));
        assertThat(alarmChanges("checkout-error-rate")).as("one message per change: no storm").containsExactly("ALARM", "OK");
        assertThat(told).filteredOn(a -> a.attributes().get("alarm").equals("checkout-error-rate")).first()
                .satisfies(a -> assertThat(a.subject()).isEqualTo("ALARM: checkout-error-rate"));

        long failed = failing.path("failed").asLong();
        long invoked = failing.path("finished").asLong() + healthy.path("finished").asLong();
        assertThat(failed).isBetween(100L, 200L);
        // The error log: one record per failed invocation, read by function and time.
        JsonNode errors = JSON.readTree(send(rt, "GET", "/v1/errors?function=checkout&limit=1000", null).body()).path("errors");
        assertThat(errors.size()).isEqualTo((int) failed);
        assertThat(errors.get(0).path("type").asText()).endsWith("SimulatedFailure");
        assertThat(errors.get(0).path("event_snapshot").asText()).contains("\"simulated\":true");
        // Prometheus: counted by the registry, apart from the simulation's own counts.
        String metrics = send(rt, "GET", "/metrics", null).body();
        assertThat(metrics).contains("sluice_function_invocations_total{function=\"checkout\"} " + invoked + ".0")
                .contains("sluice_function_errors_total{function=\"checkout\"} " + failed + ".0")
                .contains("sluice_function_duration_seconds_count{function=\"checkout\"} " + invoked);
        // The dashboard's data: the minutes (saved and in progress) add up to the same.
        JsonNode overview = JSON.readTree(send(rt, "GET", "/v1/monitoring", null).body());
        JsonNode checkout = null;
        for (JsonNode f : overview.path("functions")) {
            if (f.path("name").asText().equals("checkout")) {
                checkout = f;
            }
        }
        assertThat(checkout).isNotNull();
        assertThat(checkout.path("invocations").asLong()).isEqualTo(invoked);
        assertThat(checkout.path("errors").asLong()).isEqualTo(failed);
        assertThat(overview.path("alarms").toString()).contains("\"alarm\":\"checkout-error-rate\"");
    }

    @Test
    @DisplayName("POST /v1/cdrs is the http-ingest function: a good body counts as an invocation, a client's mistake is no error")
    void httpIngestIsInstrumented() throws Exception {
        rt = startWithOneSecondAlarms(dataDir, told::add);
        HttpRequest ok = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + rt.port() + "/v1/cdrs"))
                .header("Authorization", "Bearer " + rt.token()).header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString("\"\",\"+442079460123\",\"+442079460456\",\"default\",\"\",\"SIP/1\",\"SIP/2\","
                        + "\"Dial\",\"\",\"2026-12-01 10:00:00\",\"2026-12-01 10:00:01\",\"2026-12-01 10:01:01\",61,60,\"ANSWERED\","
                        + "\"DOCUMENTATION\",\"call-1\",\"\"\n")).build();
        assertThat(HTTP.send(ok, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(202);
        HttpRequest empty = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + rt.port() + "/v1/cdrs"))
                .header("Authorization", "Bearer " + rt.token()).header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString("")).build();
        assertThat(HTTP.send(empty, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(400);
        String metrics = send(rt, "GET", "/metrics", null).body();
        assertThat(metrics).contains("sluice_function_invocations_total{function=\"http-ingest\"} 2.0")
                .doesNotContain("sluice_function_errors_total{function=\"http-ingest\"}");
    }

    @Test
    @DisplayName("the inbox (one invocation per file) and the worker applying logged requests are functions too")
    void inboxAndWorkerAreInstrumented() throws Exception {
        rt = LocalRuntime.start(UpConfig.defaults(dataDir).withPort(0).withInbox(Duration.ofMillis(50), Duration.ofMillis(150))
                .withMonitoring(new UpConfig.Monitoring(1, 500)), m -> { }, WorkerHooks.NONE, told::add);
        java.nio.file.Files.writeString(rt.config().inboxDir().resolve("calls.csv"), "\"\",\"+442079460123\",\"+442079460456\","
                + "\"default\",\"\",\"SIP/1\",\"SIP/2\",\"Dial\",\"\",\"2026-12-01 10:00:00\",\"2026-12-01 10:00:01\","
                + "\"2026-12-01 10:01:01\",61,60,\"ANSWERED\",\"DOCUMENTATION\",\"call-1\",\"\"\n");
        HttpResponse<String> posted = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + rt.port() + "/v1/cdrs"))
                .header("Authorization", "Bearer " + rt.token()).header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString("\"\",\"+442079460123\",\"+442079460789\",\"default\",\"\",\"SIP/1\","
                        + "\"SIP/2\",\"Dial\",\"\",\"2026-12-01 11:00:00\",\"2026-12-01 11:00:01\",\"2026-12-01 11:01:01\",61,60,"
                        + "\"ANSWERED\",\"DOCUMENTATION\",\"call-2\",\"\"\n")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(posted.statusCode()).isEqualTo(202);
        await("the file and the request to be done", () -> {
            try {
                String m = send(rt, "GET", "/metrics", null).body();
                return m.contains("sluice_function_invocations_total{function=\"inbox\"} 1.0")
                        && m.contains("sluice_function_invocations_total{function=\"apply\"}");
            } catch (Exception e) {
                return false;
            }
        });
        String metrics = send(rt, "GET", "/metrics", null).body();
        assertThat(metrics).doesNotContain("sluice_function_errors_total");
    }

    @Test
    @DisplayName("the simulator refuses bad settings with a reason, and GET / gives a browser the dashboard")
    void refusalsAndDashboard() throws Exception {
        rt = startWithOneSecondAlarms(dataDir, told::add);
        HttpResponse<String> bad = send(rt, "POST", "/v1/simulations",
                "{\"function\":\"x\",\"rate\":0,\"error_rate\":0.07,\"latency_ms\":[2,10],\"duration_s\":3}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("rate: more than 0");
        assertThat(send(rt, "POST", "/v1/simulations", "not json").statusCode()).isEqualTo(400);
        HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + rt.port() + "/"))
                .header("Authorization", "Bearer " + rt.token()).header("Accept", "text/html").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(page.body()).contains("/assets/uPlot.iife.min.js");
        assertThat(send(rt, "GET", "/assets/uPlot.iife.min.js", null).body()).contains("uPlot");
        assertThat(send(rt, "GET", "/", null).body()).as("the JSON index for other clients").contains("\"sluice\":\"up\"");
    }
}
