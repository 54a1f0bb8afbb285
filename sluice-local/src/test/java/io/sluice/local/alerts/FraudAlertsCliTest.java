package io.sluice.local.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.sluice.local.cli.SluiceCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CDR-10 on one machine through the CLI: {@code sluice ingest} runs the rules, stores the alert, prints it and POSTs it
 * to the webhook once; ingesting or reprocessing the file again raises nothing; {@code sluice alerts list} shows it;
 * {@code --rules} changes the thresholds; a webhook down fails no ingest and gets the alert later.
 */
class FraudAlertsCliTest {
    private static final LocalDateTime T0 = LocalDateTime.of(2026, 11, 18, 9, 0, 0);
    private static final String SUB = "+12125550100";

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream stdout;
    private PrintStream stderr;
    private HttpServer hook;
    private final List<JsonNode> posted = new CopyOnWriteArrayList<>();
    private final AtomicInteger hookStatus = new AtomicInteger(204);

    @BeforeEach
    void setUp() throws Exception {
        stdout = System.out;
        stderr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        hook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        hook.createContext("/hook", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            int status = hookStatus.get();
            if (status / 100 == 2) {
                posted.add(new ObjectMapper().readTree(body));
            }
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        hook.start();
    }

    @AfterEach
    void tearDown() {
        hook.stop(0);
        System.setOut(stdout);
        System.setErr(stderr);
    }

    private String hookUrl() {
        return "http://127.0.0.1:" + hook.getAddress().getPort() + "/hook";
    }

    private int run(String... args) {
        out.reset();
        err.reset();
        return SluiceCli.commandLine().execute(args);
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private static String answered(String src, String dst, LocalDateTime start, int talk, String id) {
        return BurstLines.answered(src, dst, start, talk, id);
    }

    /** {@code n} calls to London two minutes apart from {@link #SUB}, and a few domestic ones of others. */
    private Path burstFile(String name, int n, LocalDateTime from) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, BurstLines.burst(SUB, n, from, name));
        return f;
    }

    private JsonNode alerts(String data, String... more) throws Exception {
        String[] args = new String[4 + more.length];
        args[0] = "alerts";
        args[1] = "list";
        args[2] = "--data-dir=" + data;
        args[3] = "--json";
        System.arraycopy(more, 0, args, 4, more.length);
        assertThat(run(args)).as(stderr()).isZero();
        return new ObjectMapper().readTree(stdout());
    }

    @Test
    @DisplayName("CDR-10: one alert per burst, stored, printed and POSTed once; the same file again or reprocessed raises none")
    void anInternationalBurstRaisesOneAlertWhateverIsIngestedAgain() throws Exception {
        String data = dir.resolve("data").toString();
        Path file = burstFile("burst.csv", 12, T0);

        assertThat(run("ingest", "--data-dir", data, "--alert-webhook", hookUrl(), file.toString())).as(stderr()).isZero();
        assertThat(stderr()).contains("sluice: ALERT Sluice fraud: international-burst for " + SUB);
        assertThat(stdout()).contains("fraud alerts: 1 notification(s) sent (see 'sluice alerts list')");
        assertThat(posted).singleElement().satisfies(p -> {
            assertThat(p.path("subject").asText()).isEqualTo("Sluice fraud: international-burst for " + SUB);
            assertThat(p.path("attributes").path("rule").asText()).isEqualTo("international-burst");
            assertThat(p.path("attributes").path("state").asText()).isEqualTo("raised");
        });

        JsonNode list = alerts(data);
        assertThat(list).hasSize(1);
        JsonNode a = list.get(0);
        assertThat(a.path("subscriber").asText()).isEqualTo(SUB);
        assertThat(a.path("rule").asText()).isEqualTo("international-burst");
        // The tenth call (09:18) is where it first held; the window runs from the first call it counted.
        assertThat(a.path("window_end").asText()).isEqualTo("2026-11-18T09:18:00Z");
        assertThat(a.path("window_start").asText()).isEqualTo("2026-11-18T09:00:00Z");
        assertThat(a.path("state").asText()).isEqualTo("open");
        assertThat(a.path("evidence").path("calls").asInt()).isEqualTo(10);
        assertThat(a.path("evidence").path("peak_calls").asInt()).isEqualTo(12);
        assertThat(a.path("evidence").path("top_destinations")).hasSize(3);
        assertThat(a.path("evidence").path("first_record_key").asText()).matches("[0-9a-f]{32}");

        assertThat(run("ingest", "--data-dir", data, "--alert-webhook", hookUrl(), file.toString())).isZero();
        assertThat(run("ingest", "--data-dir", data, "--alert-webhook", hookUrl(), "--reprocess", file.toString())).as(stderr()).isZero();
        assertThat(stderr()).doesNotContain("ALERT");
        assertThat(posted).hasSize(1);
        assertThat(alerts(data)).hasSize(1);

        // The same calls copied into another file: duplicates, seen by no rule.
        Path copy = dir.resolve("copy.csv");
        Files.copy(file, copy);
        Files.writeString(copy, "\n", java.nio.file.StandardOpenOption.APPEND);
        assertThat(run("ingest", "--data-dir", data, "--json", "--alert-webhook", hookUrl(), copy.toString())).isZero();
        assertThat(new ObjectMapper().readTree(stdout()).path("duplicates").asLong()).isEqualTo(17);
        assertThat(new ObjectMapper().readTree(stdout()).path("alert_notifications_sent").asLong()).isZero();
        assertThat(posted).hasSize(1);

        assertThat(alerts(data, "--rule", "short-call-flood")).isEmpty();
        assertThat(alerts(data, "--to", "2026-11-17")).isEmpty();
        assertThat(alerts(data, "--from", "2026-11-18", "--to", "2026-11-18")).hasSize(1);
        assertThat(run("alerts", "list", "--data-dir=" + data)).isZero();
        assertThat(stdout()).contains("international-burst", SUB, "10 calls to 10 destinations (peak 12 calls)");
        assertThat(run("alerts", "list", "--data-dir=" + data, "--rule", "fraud")).isEqualTo(2);
        assertThat(stderr()).contains("--rule 'fraud' is no rule");
    }

    @Test
    @DisplayName("CDR-10: --rules sets thresholds; a wrong rules file is a usage error naming its line")
    void aRulesFileChangesTheThresholds() throws Exception {
        Path rules = dir.resolve("rules.conf");
        Files.writeString(rules, "# stricter\ninternational-burst.calls = 20\n");
        String data = dir.resolve("data").toString();
        assertThat(run("ingest", "--data-dir", data, "--rules", rules.toString(), burstFile("burst.csv", 12, T0).toString())).isZero();
        assertThat(stderr()).doesNotContain("ALERT");
        assertThat(alerts(data)).isEmpty();

        Files.writeString(rules, "cooldown = 6h\ninternational-burst.calls = ten\n");
        assertThat(run("ingest", "--data-dir", data, "--rules", rules.toString(), burstFile("b2.csv", 12, T0).toString())).isEqualTo(2);
        assertThat(stderr()).contains(rules + ":2: international-burst.calls: 'ten' is not a whole number").doesNotContain("Exception");
    }

    @Test
    @DisplayName("CDR-10: a webhook down fails no ingest; the stored alert is sent with a later delivery")
    void aWebhookDownDelaysTheAlertOnly() throws Exception {
        String data = dir.resolve("data").toString();
        hookStatus.set(503);
        assertThat(run("ingest", "--data-dir", data, "--alert-webhook", hookUrl(), burstFile("burst.csv", 12, T0).toString())).isZero();
        assertThat(stderr()).contains("fraud alerts not sent (alert webhook " + hookUrl() + " answered 503)");
        assertThat(posted).isEmpty();
        assertThat(alerts(data)).hasSize(1);

        hookStatus.set(200);
        // Another day's quiet traffic: its chunk's delivery sends what was owed, once; and since event time is now
        // past the burst's window and cooldown, its clear.
        Path quiet = dir.resolve("quiet.csv");
        Files.writeString(quiet, answered("+12125553999", "+12125550299", T0.plusDays(1), 30, "q1") + "\n");
        assertThat(run("ingest", "--data-dir", data, "--alert-webhook", hookUrl(), quiet.toString())).isZero();
        assertThat(posted).extracting(p -> p.path("attributes").path("rule").asText() + " " + p.path("attributes").path("state").asText())
                .containsExactly("international-burst raised", "international-burst cleared");
        assertThat(alerts(data)).singleElement().satisfies(a -> assertThat(a.path("state").asText()).isEqualTo("cleared"));
        assertThat(run("ingest", "--data-dir", data, "--alert-webhook", hookUrl(), burstFile("b3.csv", 3, T0.plusDays(2)).toString())).isZero();
        assertThat(posted).hasSize(2);
    }
}
