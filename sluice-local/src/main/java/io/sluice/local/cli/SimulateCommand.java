package io.sluice.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sluice simulate}: synthetic invocations through the monitoring of the running {@code sluice up} (MON-6). */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Exercise the monitoring: synthetic invocations of a function, run by the running 'sluice up'.",
            "They go through the same instrumentation as real work, open-loop (a fixed arrival rate), each lasting a",
            "log-normal time with the given median and p99 and failing with the given probability; their counts, error",
            "records and alarms show on the dashboard (open the address 'sluice up' printed), at GET /metrics and",
            "GET /v1/monitoring. The default 7 % error rate fires the function's error-rate alarm (> 5 % in 2 periods);",
            "run again with --error-rate 0 to watch it clear.",
            "Example: sluice simulate --function checkout --rate 50 --error-rate 0.07 --latency-ms 20,120 --duration 180"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:The simulation ran to its end.", "1:Failure: sluice up is not running or stopped meanwhile.",
            ExitCodes.HELP_USAGE})
final class SimulateCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    DataDirOption store;

    @Option(names = "--function", required = true, paramLabel = "NAME", description = "The function's name (letters, digits, . _ -).")
    String function;

    @Option(names = "--rate", defaultValue = "20", paramLabel = "R", description = "Invocations per second, at most 5000. Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(names = "--error-rate", defaultValue = "0.07", paramLabel = "P", description = "The share that fails, 0 to 1. Default: ${DEFAULT-VALUE}.")
    double errorRate;

    @Option(names = "--latency-ms", defaultValue = "20,120", paramLabel = "P50,P99", description = "Median and p99 duration in ms. Default: ${DEFAULT-VALUE}.")
    String latency;

    @Option(names = "--duration", defaultValue = "120", paramLabel = "S", description = "Seconds to run, 1 to 3600. Default: ${DEFAULT-VALUE}.")
    double durationSeconds;

    @Option(names = "--json", description = "Print the final status as one JSON object on stdout: planned, started, finished, failed, max_start_lag_ms.")
    boolean json;

    @Option(names = "--no-progress", description = "No progress bar.")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        io.sluice.core.monitoring.SyntheticLoad load;
        try {
            load = io.sluice.core.monitoring.SyntheticLoad.of(errorRate, latency);
        } catch (IllegalArgumentException e) {
            System.err.println("sluice simulate: --error-rate/--latency-ms: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        double p50 = load.p50Millis();
        double p99 = load.p99Millis();
        Optional<UpClient> up = UpClient.of(store.dataDir);
        if (up.isEmpty()) {
            System.err.println("sluice simulate: no 'sluice up' runs on " + store.dataDir.toAbsolutePath()
                    + ": start it first (the simulation feeds its monitoring); see 'sluice up --help'");
            return ExitCodes.FAILED;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("function", function);
        body.put("rate", rate);
        body.put("error_rate", errorRate);
        body.put("latency_ms", new double[] {p50, p99});
        body.put("duration_s", durationSeconds);
        HttpResponse<byte[]> started = up.get().post("/v1/simulations", "application/json", JSON.writeValueAsBytes(body));
        if (started.statusCode() != 202) {
            System.err.println("sluice simulate: " + UpClient.error(started));
            return UpClient.exitCode(started);
        }
        JsonNode status = JSON.readTree(started.body());
        String id = status.path("id").asText();
        long planned = status.path("planned").asLong();
        ProgressBar bar = json || noProgress ? null : new ProgressBarBuilder().setTaskName("simulate " + function)
                .setInitialMax(planned).setUnit(" calls", 1).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250)
                .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err)).showSpeed().build();
        try {
            while (status.path("state").asText().equals("running")) {
                Thread.sleep(500);
                HttpResponse<byte[]> r = up.get().get("/v1/simulations/" + id);
                if (r.statusCode() != 200) {
                    System.err.println("sluice simulate: " + UpClient.error(r));
                    return ExitCodes.FAILED;
                }
                status = JSON.readTree(r.body());
                if (bar != null) {
                    bar.stepTo(status.path("finished").asLong());
                }
            }
        } finally {
            if (bar != null) {
                bar.close();
            }
        }
        if (json) {
            System.out.println(new String(JSON.writeValueAsBytes(status), StandardCharsets.UTF_8));
        } else {
            System.out.printf("simulated %d invocations of %s, %d failed (%.1f %%); the latest start was %.1f ms behind its schedule%n",
                    status.path("finished").asLong(), function, status.path("failed").asLong(),
                    100.0 * status.path("failed").asLong() / Math.max(1, status.path("finished").asLong()),
                    status.path("max_start_lag_ms").asDouble());
        }
        return status.path("state").asText().equals("done") ? ExitCodes.OK : ExitCodes.FAILED;
    }
}
