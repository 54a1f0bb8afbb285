package io.sluice.local.runtime;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.core.cdr.CdrFormat;
import io.sluice.local.generate.CdrGenerator;
import io.sluice.local.generate.GeneratorSpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 'sluice up' in this JVM: the HTTP API and the inbox against a real store, over real HTTP on loopback.
 * Asynchronous effects are awaited by polling with a deadline, never by fixed sleeps (OPS-3).
 */
class LocalRuntimeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path shared;
    static List<String> asterisk;
    static List<String> jsonl;

    @TempDir
    Path dataDir;
    private LocalRuntime rt;

    @BeforeAll
    static void generate() throws IOException {
        LocalDate end = LocalDate.of(2026, 11, 20);
        CdrGenerator.generate(GeneratorSpec.of(3_000, 200, 2).withSeed(7).withEndDate(end), shared.resolve("csv"), n -> { });
        CdrGenerator.generate(GeneratorSpec.of(600, 100, 2).withSeed(8).withEndDate(end).withFormat(CdrFormat.JSONL),
                shared.resolve("jsonl"), n -> { });
        asterisk = lines(shared.resolve("csv"));
        jsonl = lines(shared.resolve("jsonl"));
    }

    private static List<String> lines(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            Path f = s.filter(p -> p.getFileName().toString().startsWith("cdr-")).findFirst().orElseThrow();
            return Files.readAllLines(f, UTF_8);
        }
    }

    /** Holds the worker while set (WorkerHooks), so that a backlog builds deterministically. */
    private final java.util.concurrent.atomic.AtomicBoolean hold = new java.util.concurrent.atomic.AtomicBoolean();
    /** Run on the worker after each committed chunk of an inbox file. */
    private volatile java.util.function.Consumer<LocalRuntime> afterChunk = r -> { };

    private void start(UpConfig config) throws Exception {
        rt = LocalRuntime.start(config, m -> { }, new WorkerHooks() {
            @Override
            public boolean hold() {
                return hold.get();
            }

            @Override
            public void afterChunk(LocalRuntime r) {
                afterChunk.accept(r);
            }
        });
    }

    private void start() throws Exception {
        start(UpConfig.defaults(dataDir).withPort(0).withInbox(Duration.ofMillis(50), Duration.ofMillis(150)));
    }

    @AfterEach
    void stop() {
        if (rt != null) {
            rt.stop();
        }
    }

    private HttpResponse<String> post(String contentType, String body) throws Exception {
        return post("/v1/cdrs", contentType, body.getBytes(UTF_8));
    }

    private HttpResponse<String> post(String path, String contentType, byte[] body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + rt.port() + path))
                .header("Authorization", "Bearer " + rt.token())
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + rt.port() + path))
                        .header("Authorization", "Bearer " + rt.token()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body());
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    /** The finished outcome of an ingest, polled until it is done. */
    private JsonNode outcome(String id) throws Exception {
        JsonNode[] last = new JsonNode[1];
        await("ingest " + id + " to be done", () -> {
            try {
                last[0] = json(get("/v1/ingests/" + id));
                return "done".equals(last[0].path("status").asText());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        return last[0];
    }

    private static String body(List<String> lines, int from, int to) {
        return String.join("\n", lines.subList(from, to)) + "\n";
    }

    @Test
    @DisplayName("CDR-1, CDR-3: a CSV body is acknowledged 202 with an id, then reported: accepted, rejected with line and reason")
    void csvBodyIsAcknowledgedThenReported() throws Exception {
        start();
        String body = body(asterisk, 0, 500) + "\"only\",\"three\",\"columns\"\n";
        HttpResponse<String> r = post("text/csv", body);

        assertThat(r.statusCode()).isEqualTo(202);
        JsonNode ack = json(r);
        assertThat(ack.path("records").asInt()).isEqualTo(501);
        assertThat(ack.path("format").asText()).isEqualTo("asterisk");
        JsonNode done = outcome(ack.path("ingest_id").asText());
        assertThat(done.path("records_in").asLong()).isEqualTo(501);
        assertThat(done.path("rejected").asLong()).isEqualTo(1);
        assertThat(done.path("accepted").asLong() + done.path("duplicates").asLong()).isEqualTo(500);
        assertThat(done.path("accepted").asLong()).isGreaterThan(400);
        JsonNode rejection = done.path("rejections").get(0);
        assertThat(rejection.path("line").asLong()).isEqualTo(501);
        assertThat(rejection.path("reason").asText()).isEqualTo("WRONG_COLUMN_COUNT");
    }

    @Test
    @DisplayName("CDR-5: the same body posted twice is accepted once; the second ingest reports only duplicates")
    void theSameBodyTwiceCountsOnce() throws Exception {
        start();
        String body = body(asterisk, 500, 1000);
        JsonNode first = outcome(json(post("text/csv", body)).path("ingest_id").asText());
        JsonNode second = outcome(json(post("text/csv; charset=utf-8", body)).path("ingest_id").asText());

        assertThat(first.path("accepted").asLong()).isPositive();
        assertThat(second.path("accepted").asLong()).isZero();
        assertThat(second.path("duplicates").asLong()).isEqualTo(500);
        JsonNode totals = json(get("/v1/status")).path("totals");
        assertThat(totals.path("records_in").asLong()).isEqualTo(1000);
        assertThat(totals.path("accepted").asLong() + totals.path("rejected").asLong() + totals.path("duplicates").asLong())
                .isEqualTo(1000);
    }

    @Test
    @DisplayName("CDR-1: JSON lines (application/x-ndjson) go through the same core")
    void jsonLinesBody() throws Exception {
        start();
        HttpResponse<String> r = post("application/x-ndjson", body(jsonl, 0, 300));
        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(json(r).path("format").asText()).isEqualTo("jsonl");
        JsonNode done = outcome(json(r).path("ingest_id").asText());
        assertThat(done.path("records_in").asLong()).isEqualTo(300);
        assertThat(done.path("accepted").asLong()).isGreaterThan(250);
    }

    @Test
    @DisplayName("SEC-5: body size, lines per request and line length are limited (413); wrong type 415; empty or unknown CSV 400")
    void limitsAndBadRequests() throws Exception {
        start(UpConfig.defaults(dataDir).withPort(0).withLimits(256 * 1024, 100, UpConfig.DEFAULT_MAX_BACKLOG));
        HttpResponse<String> tooBig = post("/v1/cdrs", "text/csv", new byte[300 * 1024]);
        HttpResponse<String> tooMany = post("text/csv", body(asterisk, 0, 101));
        char[] longLine = new char[66 * 1024];
        Arrays.fill(longLine, 'x');
        HttpResponse<String> tooLong = post("text/csv", body(asterisk, 0, 2) + new String(longLine) + "\n");
        HttpResponse<String> xml = post("application/xml", "<cdr/>");
        HttpResponse<String> badFormat = post("/v1/cdrs?format=cisco", "text/csv", "a,b\n".getBytes(UTF_8));
        HttpResponse<String> empty = post("text/csv", "\n\n");
        HttpResponse<String> unknown = post("text/csv", "hello,world\nfoo,bar\n");

        assertThat(tooBig.statusCode()).isEqualTo(413);
        assertThat(json(tooBig).path("error").asText()).contains("262144 bytes");
        assertThat(tooMany.statusCode()).isEqualTo(413);
        assertThat(json(tooMany).path("error").asText()).contains("101 records, over the limit of 100");
        // Issue 15: a record over the record limit is a dead letter, as in a file; the body's good records get in.
        assertThat(tooLong.statusCode()).isEqualTo(202);
        assertThat(json(tooLong).path("records").asInt()).isEqualTo(3);
        JsonNode longOutcome = outcome(json(tooLong).path("ingest_id").asText());
        assertThat(longOutcome.path("accepted").asLong()).isEqualTo(2);
        assertThat(longOutcome.path("rejected").asLong()).isEqualTo(1);
        assertThat(longOutcome.path("rejections").get(0).path("line").asLong()).isEqualTo(3);
        assertThat(longOutcome.path("rejections").get(0).path("reason").asText()).isEqualTo("LINE_TOO_LONG");
        java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(gz)) {
            out.write(body(asterisk, 0, 50).getBytes(UTF_8));
        }
        // Issue 22: gzip is read through (its records counted after decompression); another archive is refused.
        HttpResponse<String> gzipped = post("/v1/cdrs", "text/csv", gz.toByteArray());
        assertThat(gzipped.statusCode()).isEqualTo(202);
        assertThat(json(gzipped).path("records").asInt()).isEqualTo(50);
        java.io.ByteArrayOutputStream zip = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(zip)) {
            out.putNextEntry(new java.util.zip.ZipEntry("calls.csv"));
            out.write(body(asterisk, 0, 50).getBytes(UTF_8));
        }
        HttpResponse<String> zipped = post("/v1/cdrs", "text/csv", zip.toByteArray());
        assertThat(zipped.statusCode()).isEqualTo(415);
        assertThat(json(zipped).path("error").asText()).contains("zip archive");
        assertThat(xml.statusCode()).isEqualTo(415);
        assertThat(json(xml).path("error").asText()).contains("application/xml");
        assertThat(badFormat.statusCode()).isEqualTo(400);
        HttpResponse<String> jsonDocument = post("application/json", "[{\"a\": 1}]\n");
        assertThat(jsonDocument.statusCode()).isEqualTo(415);
        assertThat(json(jsonDocument).path("error").asText()).contains("application/x-ndjson");
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(json(unknown).path("error").asText()).contains("?format=");
        assertThat(json(get("/v1/status")).path("totals").path("requests_refused").asLong()).isEqualTo(8);
        assertThat(json(get("/v1/status")).path("totals").path("requests_accepted").asLong()).isEqualTo(2);
    }

    @Test
    @DisplayName("SEC-5: over the backlog limit requests get 429 with Retry-After and are counted; nothing is queued without bound")
    void overloadAnswers429() throws Exception {
        start(UpConfig.defaults(dataDir).withPort(0).withLimits(UpConfig.DEFAULT_MAX_BODY, UpConfig.DEFAULT_MAX_RECORDS, 1000));
        hold.set(true);
        HttpResponse<String> first = post("text/csv", body(asterisk, 0, 100));
        HttpResponse<String> second = post("text/csv", body(asterisk, 100, 200));
        JsonNode queued = json(get("/v1/ingests/" + json(first).path("ingest_id").asText()));
        JsonNode status = json(get("/v1/status"));
        hold.set(false);

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(queued.path("status").asText()).isEqualTo("queued");
        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(second.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(status.path("totals").path("requests_throttled").asLong()).isEqualTo(1);
        assertThat(status.path("queue").path("ingests").asLong()).isEqualTo(1);
        assertThat(outcome(json(first).path("ingest_id").asText()).path("records_in").asLong()).isEqualTo(100);
    }

    @Test
    @DisplayName("OPS-1: healthz, status, and clear errors for unknown paths and ids")
    void healthStatusAndErrors() throws Exception {
        start();
        assertThat(get("/healthz").statusCode()).isEqualTo(200);
        JsonNode status = json(get("/v1/status"));
        assertThat(status.path("state").asText()).isEqualTo("running");
        assertThat(status.path("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
        assertThat(status.has("records_per_second")).isTrue();
        assertThat(get("/v1/ingests/abc").statusCode()).isEqualTo(400);
        assertThat(get("/v1/ingests/123456").statusCode()).isEqualTo(404);
        HttpResponse<String> nothing = get("/v2/nothing");
        assertThat(nothing.statusCode()).isEqualTo(404);
        assertThat(json(nothing).path("error").asText()).contains("POST /v1/cdrs");
        assertThat(RuntimeInfo.read(dataDir)).hasValueSatisfying(i -> assertThat(i.port()).isEqualTo(rt.port()));
    }

    private Path drop(String name, byte[] content) throws IOException {
        Path part = rt.config().inboxDir().resolve(name + ".part");
        Files.write(part, content);
        return Files.move(part, rt.config().inboxDir().resolve(name));
    }

    private JsonNode files() throws Exception {
        return json(get("/v1/files")).path("files");
    }

    @Test
    @DisplayName("OBJ-1, OBJ-2: an inbox file is processed once; the same content dropped again is a duplicate; a bad object fails with its reason")
    void inboxProcessesOnceAndFailsBadObjects() throws Exception {
        start();
        byte[] content = body(asterisk, 0, 3000).getBytes(UTF_8);
        drop("cdr-a.csv", content);
        await("cdr-a.csv to be processed", () -> Files.exists(rt.config().processedDir().resolve("cdr-a.csv")));
        drop("cdr-a-again.csv", content);
        drop("notes.bin", "hello".getBytes(UTF_8));
        drop("garbage.csv", "hello,world\nfoo,bar\n".getBytes(UTF_8));
        Files.write(rt.config().inboxDir().resolve("still-writing.csv.part"), content);
        await("three more files to be handled", () -> {
            try {
                return files().size() == 4;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        JsonNode rows = files();
        JsonNode a = find(rows, "cdr-a.csv");
        JsonNode again = find(rows, "cdr-a-again.csv");
        assertThat(a.path("status").asText()).isEqualTo("processed");
        assertThat(a.path("records_in").asLong()).isEqualTo(3000);
        assertThat(a.path("accepted").asLong() + a.path("rejected").asLong() + a.path("duplicates").asLong()).isEqualTo(3000);
        assertThat(again.path("status").asText()).isEqualTo("duplicate");
        assertThat(again.path("content_hash").asText()).isEqualTo(a.path("content_hash").asText());
        assertThat(again.path("accepted").asLong()).isZero();
        assertThat(again.path("duplicates").asLong()).isEqualTo(3000);
        assertThat(find(rows, "notes.bin").path("error").asText()).contains("extension '.bin' is not a CDR file");
        assertThat(find(rows, "garbage.csv").path("error").asText()).contains("cannot tell the format");
        assertThat(rt.config().processedDir().resolve("cdr-a-again.csv")).exists();
        assertThat(rt.config().failedDir().resolve("notes.bin")).exists();
        assertThat(Files.readString(rt.config().failedDir().resolve("garbage.csv.error.txt"))).contains("cannot tell the format");
        assertThat(rt.config().inboxDir().resolve("still-writing.csv.part")).as("a .part file is never read").exists();
        JsonNode totals = json(get("/v1/status")).path("totals");
        assertThat(totals.path("accepted").asLong()).isEqualTo(a.path("accepted").asLong());
        assertThat(totals.path("files_failed").asLong()).isEqualTo(2);
    }

    private static JsonNode find(JsonNode rows, String name) {
        for (JsonNode r : rows) {
            if (name.equals(r.path("name").asText())) {
                return r;
            }
        }
        throw new AssertionError("no manifest row for " + name + " in " + rows);
    }

    @Test
    @DisplayName("CDR-8: what was logged but not applied when the process stopped is applied at the next start, once")
    void loggedRequestsSurviveARestart() throws Exception {
        // No drain on stop, and a held worker: like a crash after the acknowledgement, before the store applied it.
        start(UpConfig.defaults(dataDir).withPort(0).withInbox(Duration.ofMillis(50), Duration.ofMillis(150))
                .withDrainTimeout(Duration.ZERO));
        hold.set(true);
        String id = json(post("text/csv", body(asterisk, 0, 200))).path("ingest_id").asText();
        rt.stop();
        rt = null;
        hold.set(false);
        start();
        JsonNode done = outcome(id);
        assertThat(done.path("records_in").asLong()).isEqualTo(200);
        assertThat(done.path("accepted").asLong()).isPositive();
        assertThat(json(get("/v1/status")).path("totals").path("ingests_applied").asLong()).isEqualTo(1);
    }

    @Test
    @DisplayName("CDR-11: a stop in the middle of a large inbox file returns after the current chunk; the next start resumes it")
    void stopMidFileResumesAtTheNextStart() throws Exception {
        Path big = CdrGenerator.generate(GeneratorSpec.of(60_000, 500, 2).withSeed(9).withEndDate(LocalDate.of(2026, 11, 20)),
                dataDir.resolveSibling(dataDir.getFileName() + "-gen"), n -> { }).files().get(0);
        start();
        // SIGTERM arriving after the first of the file's two chunks: stop() from another thread, as the shutdown
        // hook calls it; the worker goes on once the stop is under way.
        afterChunk = r -> {
            afterChunk = x -> { };
            new Thread(r::stop, "sigterm").start();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!r.state().equals("stopping") && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
        };
        drop("big.csv", Files.readAllBytes(big));
        await("the worker to stop mid-file", () -> !rt.state().equals("running"));
        rt.stop();
        rt = null;
        assertThat(dataDir.resolve("inbox").resolve("big.csv")).as("an interrupted file stays in the inbox").exists();

        start();
        await("big.csv to be processed", () -> Files.exists(rt.config().processedDir().resolve("big.csv")));
        JsonNode row = find(files(), "big.csv");
        assertThat(row.path("status").asText()).isEqualTo("processed");
        assertThat(row.path("records_in").asLong()).isEqualTo(60_000);
        assertThat(row.path("accepted").asLong() + row.path("rejected").asLong() + row.path("duplicates").asLong()).isEqualTo(60_000);
        long[] chunks = new long[1];
        rt.read(c -> {
            try (var st = c.createStatement(); var rs = st.executeQuery("SELECT chunks_done FROM ingested_files")) {
                rs.next();
                chunks[0] = rs.getLong(1);
            }
            return null;
        });
        assertThat(chunks[0]).isEqualTo(2);
    }

    @Test
    @DisplayName("OBJ-2: a file ingested to the end before a crash took its inbox row is recorded as processed, not as a duplicate")
    void aFileDoneBeforeItsRowIsRecordedAsProcessed() throws Exception {
        start();
        drop("cdr-b.csv", body(asterisk, 0, 1000).getBytes(UTF_8));
        await("cdr-b.csv to be processed", () -> Files.exists(rt.config().processedDir().resolve("cdr-b.csv")));
        long accepted = find(files(), "cdr-b.csv").path("accepted").asLong();
        rt.stop();
        rt = null;
        // What a kill -9 between the file's last commit and its inbox row leaves: the file in the inbox, no row.
        try (io.sluice.local.store.LocalStore store = io.sluice.local.store.LocalStore.open(dataDir);
             var st = store.connection().createStatement()) {
            st.execute("DELETE FROM inbox_files");
        }
        Files.move(dataDir.resolve("processed").resolve("cdr-b.csv"), dataDir.resolve("inbox").resolve("cdr-b.csv"));

        start();
        await("cdr-b.csv to be recorded again", () -> Files.exists(rt.config().processedDir().resolve("cdr-b.csv")));
        JsonNode row = find(files(), "cdr-b.csv");
        assertThat(row.path("status").asText()).isEqualTo("processed");
        assertThat(row.path("accepted").asLong()).isEqualTo(accepted);
        assertThat(row.path("records_in").asLong()).isEqualTo(1000);
    }

    /** Runs the sluice CLI in this JVM, capturing stdout and stderr; returns the exit code. */
    private static int cli(StringBuilder out, StringBuilder err, String... args) {
        java.io.PrintStream stdout = System.out;
        java.io.PrintStream stderr = System.err;
        java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream e = new java.io.ByteArrayOutputStream();
        try {
            System.setOut(new java.io.PrintStream(o, true, UTF_8));
            System.setErr(new java.io.PrintStream(e, true, UTF_8));
            return io.sluice.local.cli.SluiceCli.commandLine().execute(args);
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
            out.append(o.toString(UTF_8));
            err.append(e.toString(UTF_8));
        }
    }

    @Test
    @DisplayName("ANA-2, CDR-3: while sluice up owns the store, 'sluice report' and 'sluice dlq' are answered through it")
    void reportsAndDeadLettersGoThroughTheRunningProcess() throws Exception {
        start();
        String body = body(asterisk, 0, 1000) + "\"only\",\"three\",\"columns\"\n";
        outcome(json(post("text/csv", body)).path("ingest_id").asText());

        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        int report = cli(out, err, "report", "asr-acd", "--data-dir", dataDir.toString(), "--format", "csv");
        assertThat(report).as(err.toString()).isZero();
        assertThat(out.toString()).startsWith("day,route,");
        assertThat(out.toString().lines().count()).isGreaterThan(1);

        out.setLength(0);
        int list = cli(out, err, "dlq", "list", "--data-dir", dataDir.toString(), "--json");
        assertThat(list).as(err.toString()).isZero();
        JsonNode letters = JSON.readTree(out.toString());
        assertThat(letters).hasSize(1);
        assertThat(letters.get(0).path("reason").asText()).isEqualTo("WRONG_COLUMN_COUNT");
        assertThat(letters.get(0).path("line").asLong()).isEqualTo(1001);

        out.setLength(0);
        int show = cli(out, err, "dlq", "show", letters.get(0).path("id").asText(), "--data-dir", dataDir.toString(), "--raw");
        assertThat(show).isZero();
        assertThat(out.toString()).isEqualTo("\"only\",\"three\",\"columns\"");

        int missing = cli(out, err, "dlq", "show", "999", "--data-dir", dataDir.toString());
        assertThat(missing).isEqualTo(2);
        int unknown = cli(out, err, "report", "nope", "--data-dir", dataDir.toString());
        assertThat(unknown).isEqualTo(2);
        HttpResponse<String> viaApi = get("/v1/reports/top-talkers?format=json&limit=5");
        assertThat(viaApi.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(viaApi.body()).size()).isBetween(1, 5);
        // Issue 17: the commands send the data dir's token themselves; a table of all rows through the API streams
        // as csv is asked for instead of being laid out whole.
        out.setLength(0);
        int status = cli(out, err, "status", "--data-dir", dataDir.toString(), "--json");
        assertThat(status).as(err.toString()).isZero();
        assertThat(JSON.readTree(out.toString()).path("state").asText()).isEqualTo("running");
        out.setLength(0);
        int all = cli(out, err, "report", "asr-acd", "--data-dir", dataDir.toString(), "--format", "csv", "--limit", "0");
        assertThat(all).as(err.toString()).isZero();
        assertThat(out.toString().lines().count()).isGreaterThan(1);
    }

    @Test
    @DisplayName("SEC-5: outcomes of HTTP ingests are kept for the retention, then deleted (the records stay)")
    void oldIngestOutcomesArePurged() throws Exception {
        start(UpConfig.defaults(dataDir).withPort(0).withIngestRetention(Duration.ofMillis(300)));
        String id = json(post("text/csv", body(asterisk, 0, 100))).path("ingest_id").asText();
        assertThat(outcome(id).path("records_in").asLong()).isEqualTo(100);
        await("the outcome to be purged", () -> {
            try {
                return get("/v1/ingests/" + id).statusCode() == 404;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(json(get("/v1/ingests/" + id)).path("error").asText()).contains("retention");
        long marks = rt.read(c -> {
            try (var st = c.createStatement(); var rs = st.executeQuery("SELECT count(*) FROM batch_marks WHERE batch_id LIKE 'http:%'")) {
                rs.next();
                return rs.getLong(1);
            }
        });
        assertThat(marks).as("batch marks of applied HTTP batches are purged with their outcomes").isZero();
        assertThat(json(get("/v1/status")).path("totals").path("accepted").asLong()).isPositive();
    }

    @Test
    @DisplayName("CDR-1, OBJ-2: 'sluice ingest' while sluice up owns the store goes through its inbox and reports as usual")
    void ingestGoesThroughTheRunningProcess() throws Exception {
        start();
        Path outside = Files.createDirectories(dataDir.resolveSibling(dataDir.getFileName() + "-outside"));
        Path master = Files.writeString(outside.resolve("Master"), body(asterisk, 0, 800) + "a,b\n", UTF_8);

        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        int first = cli(out, err, "ingest", "--data-dir", dataDir.toString(), "--json", master.toString());
        JsonNode summary = JSON.readTree(out.toString());
        out.setLength(0);
        int again = cli(out, err, "ingest", "--data-dir", dataDir.toString(), "--json", master.toString());
        JsonNode second = JSON.readTree(out.toString());

        assertThat(first).as(err.toString()).isEqualTo(3); // one rejected record
        assertThat(summary.path("records_in").asLong()).isEqualTo(801);
        assertThat(summary.path("rejected").asLong()).isEqualTo(1);
        assertThat(summary.path("accepted").asLong() + summary.path("duplicates").asLong()).isEqualTo(800);
        assertThat(again).isZero();
        assertThat(second.path("files_skipped").asLong()).isEqualTo(1);
        assertThat(second.path("duplicates").asLong()).isEqualTo(801);
        assertThat(master).as("the user's file stays where it was").exists();
        assertThat(rt.config().processedDir().resolve("Master.cdr")).exists();
        assertThat(cli(out, err, "ingest", "--data-dir", dataDir.toString(), "--format", "asterisk", master.toString())).isEqualTo(2);
        err.setLength(0);
        int berlin = cli(out, err, "ingest", "--data-dir", dataDir.toString(), "--source-zone", "Europe/Berlin", master.toString());
        assertThat(berlin).as("files would be read with sluice up's zone, not the one asked for").isEqualTo(1);
        assertThat(err.toString()).contains("--source-zone UTC");
    }

    @Test
    @DisplayName("issue 22 item 10: a second 'sluice up' on a taken port names the 'sluice up' that holds it, not 'another program'")
    void busyPortNamesTheOtherSluiceUp(@org.junit.jupiter.api.io.TempDir Path other) throws Exception {
        start();
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        int code = cli(out, err, "up", "--data-dir", other.toString(), "--port", String.valueOf(rt.port()));
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("another 'sluice up' holds it (pid " + ProcessHandle.current().pid() + ", data dir "
                + dataDir.toAbsolutePath() + ")").doesNotContain("another program");
        try (java.net.ServerSocket plain = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            err.setLength(0);
            assertThat(cli(out, err, "up", "--data-dir", other.toString(), "--port", String.valueOf(plain.getLocalPort()))).isEqualTo(1);
            assertThat(err.toString()).contains("is another program using it?");
        }
    }

    @Test
    @DisplayName("CDR-10: sluice up runs the fraud rules; GET /v1/alerts and 'sluice alerts list' show one alert, sent once, "
            + "however often the body comes")
    void fraudAlertsThroughTheRunningProcess() throws Exception {
        List<io.sluice.core.pipeline.Notifier.Alert> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
        rt = LocalRuntime.start(UpConfig.defaults(dataDir).withPort(0).withInbox(Duration.ofMillis(50), Duration.ofMillis(150)),
                m -> { }, WorkerHooks.NONE, sent::add);
        String body = io.sluice.local.alerts.BurstLines.burst("+12125550100", 12, java.time.LocalDateTime.of(2026, 11, 18, 9, 0), "up");
        JsonNode first = outcome(json(post("text/csv", body)).path("ingest_id").asText());
        assertThat(first.path("accepted").asLong()).isEqualTo(17);
        await("the alert to be sent", () -> !sent.isEmpty());

        JsonNode again = outcome(json(post("text/csv", body)).path("ingest_id").asText());
        assertThat(again.path("duplicates").asLong()).isEqualTo(17);
        JsonNode alerts = json(get("/v1/alerts")).path("alerts");
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.path("subscriber").asText()).isEqualTo("+12125550100");
            assertThat(a.path("rule").asText()).isEqualTo("international-burst");
            assertThat(a.path("evidence").path("calls").asInt()).isEqualTo(10);
        });
        assertThat(json(get("/v1/alerts?rule=usage-spike")).path("alerts")).isEmpty();
        assertThat(get("/v1/alerts?from=yesterday").statusCode()).isEqualTo(400);
        assertThat(sent).singleElement().satisfies(a -> assertThat(a.attributes()).containsEntry("state", "raised"));

        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        assertThat(cli(out, err, "alerts", "list", "--data-dir", dataDir.toString(), "--json")).as(err.toString()).isZero();
        assertThat(JSON.readTree(out.toString())).singleElement()
                .satisfies(a -> assertThat(a.path("window_end").asText()).isEqualTo("2026-11-18T09:18:00Z"));
    }

    @Test
    @DisplayName("CDR-10: an alert the notifier could not take is sent again while sluice up is idle, once")
    void anOwedAlertIsSentWhileIdle() throws Exception {
        List<io.sluice.core.pipeline.Notifier.Alert> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
        rt = LocalRuntime.start(UpConfig.defaults(dataDir).withPort(0).withInbox(Duration.ofMillis(50), Duration.ofMillis(150)),
                m -> { }, WorkerHooks.NONE, a -> {
                    if (refused.getAndIncrement() == 0) {
                        throw new IllegalStateException("webhook down");
                    }
                    sent.add(a);
                });
        String body = io.sluice.local.alerts.BurstLines.burst("+12125550100", 12, java.time.LocalDateTime.of(2026, 11, 18, 9, 0), "idle");
        outcome(json(post("text/csv", body)).path("ingest_id").asText());
        // No more traffic: the worker's idle round sends it.
        await("the owed alert to be sent", () -> !sent.isEmpty());
        assertThat(refused.get()).isGreaterThanOrEqualTo(2);
        assertThat(sent).singleElement().satisfies(a -> assertThat(a.attributes()).containsEntry("rule", "international-burst"));
        assertThat(json(get("/v1/status")).toString()).contains("fraud alerts not sent: webhook down");
    }

    @Test
    @DisplayName("issue 22 item 7: 'sluice records' while sluice up runs asks its API, with the same filters and the same cut")
    void recordsGoThroughTheRunningProcess() throws Exception {
        start();
        JsonNode done = outcome(json(post("text/csv", body(asterisk, 0, 300))).path("ingest_id").asText());
        long accepted = done.path("accepted").asLong();
        assertThat(accepted).isPositive();
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        assertThat(cli(out, err, "records", "--data-dir", dataDir.toString(), "--json", "--limit", "1000")).as(err.toString()).isZero();
        JsonNode all = JSON.readTree(out.toString());
        assertThat((long) all.size()).isEqualTo(accepted);
        assertThat(all).allSatisfy(r -> assertThat(r.path("source").asText()).startsWith("http:"));

        out.setLength(0);
        err.setLength(0);
        assertThat(cli(out, err, "records", "--data-dir", dataDir.toString(), "--limit", "3")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("(the first 3 rows; more exist: 'sluice records --limit 0' shows all)");
        out.setLength(0);
        err.setLength(0);
        assertThat(cli(out, err, "records", "--data-dir", dataDir.toString(), "--disposition", "nope")).isEqualTo(2);
        assertThat(cli(out, err, "records", "--data-dir", dataDir.toString(), "--limit", "0")).as("all, through a paged API").isEqualTo(2);
        assertThat(err.toString()).contains("answers at most 10000 records");

        // dlq list pages the same way through the API: newest first, --offset for the next page (issue 22 item 10).
        StringBuilder bad = new StringBuilder();
        for (int i = 0; i < 7; i++) {
            bad.append("\"only\",\"three\",\"columns ").append(i).append("\"\n");
        }
        outcome(json(post("/v1/cdrs?format=asterisk", "text/csv", bad.toString().getBytes(UTF_8))).path("ingest_id").asText());
        out.setLength(0);
        err.setLength(0);
        assertThat(cli(out, err, "dlq", "list", "--data-dir", dataDir.toString(), "--json", "--limit", "4")).as(err.toString()).isZero();
        JsonNode newest = JSON.readTree(out.toString());
        assertThat(newest).hasSize(4);
        assertThat(newest.get(0).path("line").asLong()).isEqualTo(7);
        assertThat(err.toString()).contains("4 of 7 shown; --offset 4 shows the next page");
        out.setLength(0);
        err.setLength(0);
        assertThat(cli(out, err, "dlq", "list", "--data-dir", dataDir.toString(), "--json", "--offset", "4")).as(err.toString()).isZero();
        assertThat(JSON.readTree(out.toString())).hasSize(3).last().satisfies(d -> assertThat(d.path("line").asLong()).isEqualTo(1));
        out.setLength(0);
        assertThat(cli(out, err, "dlq", "list", "--data-dir", dataDir.toString(), "--json", "--oldest-first", "--offset", "5")).isZero();
        assertThat(JSON.readTree(out.toString())).hasSize(2).first().satisfies(d -> assertThat(d.path("line").asLong()).isEqualTo(6));

        // A report table through the API says it was cut only when rows were left out (top-talkers has at most 20).
        out.setLength(0);
        assertThat(cli(out, err, "report", "busy-hour", "--data-dir", dataDir.toString(), "--limit", "2")).isZero();
        assertThat(out.toString()).contains("(the first 2 rows; more exist: 'sluice report busy-hour --limit 0' shows all)");
        out.setLength(0);
        assertThat(cli(out, err, "report", "busy-hour", "--data-dir", dataDir.toString(), "--limit", "24")).isZero();
        assertThat(out.toString()).doesNotContain("more exist");
    }

    @Test
    @DisplayName("CDR-6: 'sluice profiles import' while sluice up runs is imported by it, and enrichment uses the profiles at once")
    void profilesImportGoesThroughTheRunningProcess() throws Exception {
        start();
        JsonNode before = outcome(json(post("text/csv", body(asterisk, 0, 500))).path("ingest_id").asText());
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        int code = cli(out, err, "profiles", "import", "--data-dir", dataDir.toString(), "--json",
                shared.resolve("csv-profiles.csv").toString());
        JsonNode after = outcome(json(post("text/csv", body(asterisk, 500, 1000))).path("ingest_id").asText());

        assertThat(code).as(err.toString()).isZero();
        long rows = Files.readAllLines(shared.resolve("csv-profiles.csv")).size() - 1; // minus the header
        assertThat(rows).isPositive();
        assertThat(JSON.readTree(out.toString()).path("imported").asLong()).isEqualTo(rows);
        assertThat(before.path("unknown_subscribers").asLong()).isEqualTo(before.path("accepted").asLong());
        assertThat(after.path("unknown_subscribers").asLong()).isLessThan(after.path("accepted").asLong() / 2);
    }

    @Test
    @DisplayName("OPS-1: a taken port fails 'sluice up' before it creates anything; a mistyped --data-dir is named, not read as empty")
    void clearFailuresBeforeAnythingIsCreated() throws Exception {
        Path fresh = dataDir.resolve("never-created");
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            int code = cli(out, err, "up", "--data-dir", fresh.toString(), "--port", Integer.toString(taken.getLocalPort()));
            assertThat(code).isEqualTo(1);
            assertThat(err.toString()).contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()).contains("--port");
        }
        assertThat(fresh).doesNotExist();

        err.setLength(0);
        assertThat(cli(out, err, "report", "asr-acd", "--data-dir", fresh.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("No Sluice data in").contains("check --data-dir");
        assertThat(cli(out, err, "dlq", "list", "--data-dir", fresh.toString())).isEqualTo(1);
        assertThat(fresh).doesNotExist();
    }
}
