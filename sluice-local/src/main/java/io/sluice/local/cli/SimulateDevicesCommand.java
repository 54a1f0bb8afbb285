package io.sluice.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.local.runtime.ApiToken;
import io.sluice.local.runtime.RuntimeInfo;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sluice simulate-devices}: an open-loop telemetry load generator against either home's URL (issue 18). */
@Command(name = "simulate-devices", mixinStandardHelpOptions = true,
        description = {"Post synthetic device readings at a fixed rate, open-loop, and report throughput and latency.",
            "Each request of --batch readings is sent at its intended time whatever the earlier ones did; its latency is",
            "measured from that intended time (HdrHistogram), so a server that falls behind shows it instead of slowing the",
            "load. By default against the running 'sluice up' of --data-dir with its telemetry key; --url and --key-file for",
            "another (an AWS telemetry URL).",
            "Example: sluice simulate-devices --devices 500 --rate 20000 --duration 60 --anomaly-rate 0.001"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:Every request was answered 200.", "1:Some requests failed or could not be sent (see the counts).",
            ExitCodes.HELP_USAGE})
final class SimulateDevicesCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_IN_FLIGHT = 10_000;

    @Mixin
    DataDirOption store;

    @Option(names = "--devices", defaultValue = "100", paramLabel = "N", description = "Devices, each its own deviceId. Default: ${DEFAULT-VALUE}.")
    int devices;

    @Option(names = "--rate", defaultValue = "1000", paramLabel = "R", description = "Readings per second in all. Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(names = "--duration", defaultValue = "30", paramLabel = "S", description = "Seconds. Default: ${DEFAULT-VALUE}.")
    double seconds;

    @Option(names = "--batch", defaultValue = "100", paramLabel = "B", description = "Readings per request (1..1000). Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--anomaly-rate", defaultValue = "0", paramLabel = "A",
            description = "Share of readings far above the temperature threshold (90 C), 0 to 1. Default: ${DEFAULT-VALUE}.")
    double anomalyRate;

    @Option(names = "--url", paramLabel = "URL", description = "Where to post (default: the running sluice up's /v1/telemetry).")
    String url;

    @Option(names = "--key-file", paramLabel = "FILE", description = "The x-api-key (default: <data-dir>/telemetry-api-key).")
    Path keyFile;

    @Option(names = "--json", description = "Print the result as one JSON object on stdout.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (devices < 1 || !(rate > 0) || !(seconds > 0) || seconds > 3_600 || batch < 1 || batch > 1_000 || anomalyRate < 0 || anomalyRate > 1) {
            System.err.println("sluice simulate-devices: --devices >= 1, --rate > 0, --duration 0..3600 s, --batch 1..1000, --anomaly-rate 0..1");
            return ExitCodes.USAGE;
        }
        String target = url;
        if (target == null) {
            Optional<RuntimeInfo> up = RuntimeInfo.read(store.dataDir).filter(RuntimeInfo::processAlive);
            if (up.isEmpty()) {
                System.err.println("sluice simulate-devices: no 'sluice up' runs on " + store.dataDir.toAbsolutePath() + "; start it or give --url");
                return ExitCodes.FAILED;
            }
            target = up.get().baseUrl() + "/v1/telemetry";
        }
        Optional<String> key = keyFile != null ? Optional.of(Files.readString(keyFile).strip())
                : ApiToken.read(store.dataDir, ApiToken.TELEMETRY_KEY_FILE);
        if (key.isEmpty()) {
            System.err.println("sluice simulate-devices: no telemetry key: give --key-file");
            return ExitCodes.USAGE;
        }
        Map<String, Object> result = run(URI.create(target), key.get());
        if (json) {
            System.out.println(JSON.writeValueAsString(result));
        } else {
            result.forEach((k, v) -> System.out.println(k + ": " + v));
        }
        return ((Number) result.get("requests_ok")).longValue() == ((Number) result.get("requests_planned")).longValue()
                ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private Map<String, Object> run(URI target, String key) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).executor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()).build();
        long requests = (long) Math.floor(rate * seconds / batch);
        double intervalNanos = 1e9 * batch / rate;
        Histogram latency = new Histogram(60_000_000_000L, 3);
        AtomicLong ok = new AtomicLong();
        AtomicLong accepted = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong notSent = new AtomicLong();
        AtomicInteger inFlight = new AtomicInteger();
        Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
        SplittableRandom random = new SplittableRandom(7);
        long startMillis = System.currentTimeMillis();
        long t0 = System.nanoTime();
        long maxLag = 0;
        for (long i = 0; i < requests; i++) {
            long intended = t0 + (long) (i * intervalNanos);
            for (long wait; (wait = intended - System.nanoTime()) > 0; ) {
                LockSupport.parkNanos(wait);
            }
            maxLag = Math.max(maxLag, System.nanoTime() - intended);
            if (inFlight.get() >= MAX_IN_FLIGHT) {
                notSent.incrementAndGet(); // the client's own bound: counted, not hidden
                continue;
            }
            StringBuilder body = new StringBuilder(batch * 90).append('[');
            for (int j = 0; j < batch; j++) {
                long n = i * batch + j;
                double value = random.nextDouble() < anomalyRate ? 90 : 20 + random.nextDouble() * 4 - 2;
                body.append(j == 0 ? "" : ",").append("{\"deviceId\":\"sim-").append(n % devices).append("\",\"timestamp\":")
                        .append(startMillis + n / devices).append(",\"metric\":\"temperature\",\"value\":")
                        .append(Math.round(value * 100) / 100.0).append('}');
            }
            inFlight.incrementAndGet();
            http.sendAsync(HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(30)).header("x-api-key", key)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body.append(']').toString(), StandardCharsets.UTF_8)).build(),
                    HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
                        long micros = (System.nanoTime() - intended) / 1_000;
                        synchronized (latency) {
                            latency.recordValue(Math.min(micros, latency.getHighestTrackableValue()));
                        }
                        if (e != null) {
                            failed.incrementAndGet();
                        } else {
                            statuses.computeIfAbsent(r.statusCode(), s -> new AtomicLong()).incrementAndGet();
                            if (r.statusCode() == 200) {
                                ok.incrementAndGet();
                                try {
                                    JsonNode n = JSON.readTree(r.body());
                                    accepted.addAndGet(n.path("accepted").asLong());
                                } catch (java.io.IOException ignored) {
                                    // counted as ok by its status; the body is the server's
                                }
                            } else {
                                failed.incrementAndGet();
                            }
                        }
                        inFlight.decrementAndGet();
                    });
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("target", target.toString());
        out.put("readings_per_second_asked", rate);
        out.put("batch", batch);
        out.put("requests_planned", requests);
        out.put("requests_ok", ok.get());
        out.put("requests_failed", failed.get());
        out.put("requests_not_sent", notSent.get());
        out.put("statuses", new java.util.TreeMap<>(statuses));
        out.put("readings_accepted", accepted.get());
        out.put("readings_per_second_acknowledged", Math.round(ok.get() * batch / elapsed));
        synchronized (latency) {
            out.put("latency_ms_p50", latency.getValueAtPercentile(50) / 1000.0);
            out.put("latency_ms_p90", latency.getValueAtPercentile(90) / 1000.0);
            out.put("latency_ms_p99", latency.getValueAtPercentile(99) / 1000.0);
            out.put("latency_ms_max", latency.getMaxValue() / 1000.0);
        }
        out.put("max_send_lag_ms", maxLag / 1e6);
        out.put("seconds", Math.round(elapsed * 10) / 10.0);
        return out;
    }
}
