package io.sluice.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.local.runtime.RuntimeInfo;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sluice status}: what the running {@code sluice up} is doing, asked through its API (it owns the store). */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {
            "Show what the running 'sluice up' of --data-dir is doing: queue depth, records/s, totals, last errors.",
            "Asks the process through its HTTP API (GET /v1/status); it finds it through <data-dir>/sluice-up.json."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:sluice up is running and healthy.",
            "1:No sluice up runs for this data dir, it does not answer, or it is not healthy (see its last errors).",
            ExitCodes.HELP_USAGE})
final class StatusCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    DataDirOption data;

    @Option(names = "--json", description = "Print the status JSON as the API returns it.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<RuntimeInfo> info = RuntimeInfo.read(data.dataDir);
        if (info.isEmpty() || !info.get().processAlive()) {
            err.println("sluice: no sluice up runs for " + data.dataDir.toAbsolutePath()
                    + (info.isPresent() ? " (stale sluice-up.json of pid " + info.get().pid() + ")" : "") + "; start one with 'sluice up'");
            return ExitCodes.FAILED;
        }
        HttpResponse<String> r;
        try {
            r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build().send(
                    HttpRequest.newBuilder(URI.create(info.get().baseUrl() + "/v1/status")).timeout(Duration.ofSeconds(5))
                            .header("Authorization", "Bearer " + io.sluice.local.runtime.ApiToken.read(data.dataDir).orElse("")).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            err.println("sluice: sluice up (pid " + info.get().pid() + ") does not answer at " + info.get().baseUrl() + ": " + e.getMessage());
            return ExitCodes.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.FAILED;
        }
        JsonNode s;
        try {
            s = JSON.readTree(r.body());
        } catch (IOException e) {
            err.println("sluice: unexpected answer from " + info.get().baseUrl() + "/v1/status: HTTP " + r.statusCode());
            return ExitCodes.FAILED;
        }
        boolean healthy = s.path("healthy").asBoolean(false);
        if (json) {
            out.println(r.body());
        } else {
            JsonNode q = s.path("queue");
            JsonNode t = s.path("totals");
            out.printf("sluice up, pid %d, %s, %s for %d s, %s%n", s.path("pid").asLong(), info.get().baseUrl(), s.path("state").asText(),
                    s.path("uptime_seconds").asLong(), healthy ? "healthy" : "NOT healthy");
            out.printf("queue:    %d ingests (%d bytes of %d before 429), %d inbox files%n", q.path("ingests").asLong(),
                    q.path("bytes").asLong(), q.path("bytes_limit").asLong(), q.path("inbox_files").asLong());
            out.printf("rate:     %d records/s (last 10 s)%n", s.path("records_per_second").asLong());
            out.printf("requests: %d accepted, %d throttled (429), %d refused%n", t.path("requests_accepted").asLong(),
                    t.path("requests_throttled").asLong(), t.path("requests_refused").asLong());
            out.printf("records:  %d in = %d accepted + %d rejected + %d duplicates (%d unknown subscribers)%n", t.path("records_in").asLong(),
                    t.path("accepted").asLong(), t.path("rejected").asLong(), t.path("duplicates").asLong(),
                    t.path("unknown_subscribers").asLong());
            out.printf("files:    %d processed, %d duplicate, %d failed%n", t.path("files_processed").asLong(),
                    t.path("files_duplicate").asLong(), t.path("files_failed").asLong());
            for (JsonNode e : s.path("last_errors")) {
                out.printf("error:    %s %s: %s%n", e.path("at").asText(), e.path("where").asText(), e.path("message").asText());
            }
        }
        out.flush();
        return healthy ? ExitCodes.OK : ExitCodes.FAILED;
    }
}
