package io.sluice.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's contract with scripts: exit codes, {@code --json} output, one-line errors (issue 2). */
class SluiceCliTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream stdout;
    private PrintStream stderr;

    @BeforeEach
    void capture() {
        stdout = System.out;
        stderr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(stdout);
        System.setErr(stderr);
    }

    int run(String... args) {
        out.reset();
        err.reset();
        return SluiceCli.commandLine().execute(args);
    }

    String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    @org.junit.jupiter.api.DisplayName("sluice devices add prints a token once and keeps its hash; list never shows it; revoke; bad ids refused")
    void devices() throws Exception {
        String data = dir.resolve("data").toString();
        assertThat(run("devices", "add", "--data-dir", data, "oven-1")).isZero();
        String token = stdout().strip();
        assertThat(token).hasSize(43);
        assertThat(run("devices", "add", "--data-dir", data, "oven-1")).as("an active device of that id exists").isEqualTo(2);
        assertThat(run("devices", "add", "--data-dir", data, "bad id")).isEqualTo(2);
        assertThat(run("devices", "list", "--data-dir", data, "--json")).isZero();
        assertThat(stdout()).contains("\"device\":\"oven-1\"").contains("\"revoked_at\":null").doesNotContain(token);
        StringBuilder files = new StringBuilder();
        try (var all = java.nio.file.Files.walk(dir.resolve("data"))) {
            for (java.nio.file.Path f : all.filter(java.nio.file.Files::isRegularFile).toList()) {
                files.append(new String(java.nio.file.Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
            }
        }
        assertThat(files.toString()).as("only the hash is stored, in no file of the data dir").doesNotContain(token)
                .contains(io.sluice.local.store.DeviceRegistry.hash(token).substring(0, 16));
        assertThat(run("devices", "revoke", "--data-dir", data, "oven-1")).isZero();
        assertThat(run("devices", "revoke", "--data-dir", data, "oven-1")).isEqualTo(2);
        assertThat(run("devices", "list", "--data-dir", data)).isZero();
        assertThat(stdout()).contains("oven-1").contains("REVOKED");
    }

    @Test
    void generateIngestReportAndDlqEndToEnd() throws Exception {
        String data = dir.resolve("data").toString();
        assertThat(run("generate", "--records", "5000", "--subscribers", "200", "--days", "2", "--end-date", "2026-11-20",
                "--invalid-rate", "0.02", "--duplicate-rate", "0.02", "--out", dir.resolve("in").toString(), "--json")).isZero();
        // Issue 22 item 4: the profiles go beside the CDR folder, not into it, so the folder is CDRs only.
        assertThat(new ObjectMapper().readTree(stdout()).path("profiles").asText()).isEqualTo(dir.resolve("in-profiles.csv").toString());
        assertThat(Files.list(dir.resolve("in")).map(p -> p.getFileName().toString()).toList()).allMatch(n -> n.startsWith("cdr-"));
        assertThat(run("profiles", "import", "--data-dir", data, dir.resolve("in-profiles.csv").toString())).isZero();

        int code = run("ingest", "--json", "--data-dir", data, dir.resolve("in").toString());
        JsonNode summary = new ObjectMapper().readTree(stdout());
        assertThat(code).isEqualTo(ExitCodes.REJECTED); // the generated invalid records
        assertThat(summary.get("records_in").asLong()).isEqualTo(5000);
        assertThat(summary.get("files_failed").asLong()).isZero();
        assertThat(summary.get("files_skipped").asLong()).isZero();
        assertThat(summary.get("records_in").asLong()).isEqualTo(summary.get("accepted").asLong()
                + summary.get("rejected").asLong() + summary.get("duplicates").asLong());
        assertThat(stderr()).contains("rejected ");

        assertThat(run("report", "asr-acd", "--data-dir", data, "--format", "json")).isZero();
        assertThat(new ObjectMapper().readTree(stdout()).isArray()).isTrue();
        assertThat(run("report", "top-talkers", "--data-dir", data, "--format", "csv")).isZero();
        assertThat(stdout().lines().findFirst()).contains("subscriber,calls,answered,minutes,international_minutes");

        assertThat(run("dlq", "list", "--data-dir", data, "--json", "--limit", "500")).isZero();
        JsonNode letters = new ObjectMapper().readTree(stdout());
        assertThat(letters.size()).isEqualTo(summary.get("rejected").asInt());
        long id = letters.get(0).get("id").asLong();
        assertThat(run("dlq", "show", String.valueOf(id), "--data-dir", data)).isZero();
        assertThat(stdout()).contains("reason:").contains("original (");
    }

    @Test
    @DisplayName("issue 22 item 6: the demo's data ends yesterday, its tables say when they are cut, its summary is the ingest "
            + "line, and no requirement id reaches the output")
    void demoAgreesWithItsData() throws Exception {
        String data = dir.resolve("data").toString();
        assertThat(run("demo", "--data-dir", data, "--records", "6000", "--subscribers", "300", "--days", "3")).isZero();
        String out = stdout();
        java.time.LocalDate yesterday = java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(1);
        assertThat(out).contains("Reports cover " + yesterday.minusDays(2) + " to " + yesterday + " (UTC)");
        assertThat(out).containsPattern("(?m)^files 2 \\(skipped 0, failed 0\\)  records in 6000  accepted ");
        assertThat(out).doesNotContain("{\"files\"");
        // top-talkers has 20 rows: 12 are shown, and the cut is said.
        assertThat(out).contains("(the first 12 rows; more exist: 'sluice report top-talkers --limit 0' shows all)");
        assertThat(out).doesNotContainPattern("\\b(ANA|CDR|OBJ|SEC|INF|MON|OPS)-\\d").doesNotContain("issue 16");
        assertThat(run("report", "daily-usage", "--data-dir", data, "--from", yesterday.toString(), "--to", yesterday.toString(),
                "--json")).isZero();
        assertThat(new ObjectMapper().readTree(stdout())).as("the example the demo prints has rows").isNotEmpty();
        assertThat(run("report", "daily-usage", "--data-dir", data, "--from", yesterday.plusDays(1).toString(), "--json")).isZero();
        assertThat(new ObjectMapper().readTree(stdout())).as("no call in the future").isEmpty();

        // generate without --end-date ends yesterday too.
        String data2 = dir.resolve("data2").toString();
        assertThat(run("generate", "--records", "500", "--subscribers", "20", "--days", "1", "--out", dir.resolve("g").toString())).isZero();
        assertThat(run("ingest", "--data-dir", data2, dir.resolve("g").toString())).isZero();
        assertThat(run("records", "--data-dir", data2, "--json", "--limit", "0", "--from", yesterday.toString(), "--to", yesterday.toString()))
                .isZero();
        assertThat(new ObjectMapper().readTree(stdout())).hasSize(500);
    }

    @Test
    @DisplayName("issue 22 item 7: sluice records shows archived records, filtered, newest first, and says when it cut them")
    void recordsShowTheArchive() throws Exception {
        String data = dir.resolve("data").toString();
        assertThat(run("generate", "--records", "3000", "--subscribers", "50", "--days", "2", "--end-date", "2026-11-20",
                "--out", dir.resolve("in").toString(), "--json")).isZero();
        assertThat(run("ingest", "--data-dir", data, dir.resolve("in").toString())).isZero();

        assertThat(run("records", "--data-dir", data, "--limit", "5")).isZero();
        List<String> table = stdout().lines().toList();
        assertThat(table.get(0)).contains("start_time", "caller", "callee", "disposition", "route", "source");
        assertThat(table).filteredOn(l -> l.contains("cdr-0001.csv")).hasSize(5);
        assertThat(table.get(table.size() - 1)).isEqualTo("(the first 5 rows; more exist: 'sluice records --limit 0' shows all)");

        assertThat(run("records", "--data-dir", data, "--json", "--limit", "0", "--from", "2026-11-20")).isZero();
        JsonNode all = new ObjectMapper().readTree(stdout());
        assertThat(all).isNotEmpty().allSatisfy(r -> assertThat(r.path("start_time").asText()).startsWith("2026-11-20"));
        for (int i = 1; i < all.size(); i++) {
            assertThat(all.get(i).path("start_time").asText()).as("newest first").isLessThanOrEqualTo(all.get(i - 1).path("start_time").asText());
        }
        String caller = all.get(0).path("caller").asText();
        assertThat(run("records", "--data-dir", data, "--json", "--limit", "0", "--caller", caller)).isZero();
        JsonNode mine = new ObjectMapper().readTree(stdout());
        assertThat(mine).allSatisfy(r -> assertThat(r.path("caller").asText()).isEqualTo(caller));
        // Counted apart: the aggregates of the same calls (UsageAggregator's path, not the archive's).
        try (io.sluice.local.store.LocalStore s = io.sluice.local.store.LocalStore.openExisting(dir.resolve("data"));
             var st = s.connection().prepareStatement("SELECT sum(calls) FROM usage_daily WHERE msisdn = ?")) {
            st.setString(1, caller);
            try (var rs = st.executeQuery()) {
                rs.next();
                assertThat((long) mine.size()).isEqualTo(rs.getLong(1));
            }
        }
        String prefix = caller.substring(0, 5) + "*";
        assertThat(run("records", "--data-dir", data, "--json", "--limit", "0", "--caller", prefix)).isZero();
        assertThat(new ObjectMapper().readTree(stdout()).size()).isGreaterThanOrEqualTo(mine.size());

        assertThat(run("records", "--data-dir", data, "--disposition", "maybe")).isEqualTo(ExitCodes.USAGE);
        assertThat(stderr().strip()).startsWith("sluice: unknown --disposition 'maybe': one of ANSWERED").doesNotContain("Exception");
        assertThat(run("records", "--data-dir", data, "--caller", "+19999999999")).isZero();
        assertThat(stdout()).isEqualTo("(no record matches)\n");
    }

    @Test
    @DisplayName("issue 16: --freeswitch-template reads a custom mod_cdr_csv template, and a call's route is its gateway")
    void freeSwitchGatewayIsTheRoute() throws Exception {
        String template = "\"${caller_id_name}\",\"${caller_id_number}\",\"${destination_number}\",\"${context}\",\"${start_stamp}\","
                + "\"${answer_stamp}\",\"${end_stamp}\",\"${duration}\",\"${billsec}\",\"${hangup_cause}\",\"${uuid}\",\"${bleg_uuid}\","
                + "\"${accountcode}\",\"${sip_gateway_name}\"";
        StringBuilder b = new StringBuilder();
        String[][] calls = {{"carrier-a", "NORMAL_CLEARING", "20"}, {"carrier-a", "USER_BUSY", "0"}, {"carrier-b", "NORMAL_TEMPORARY_FAILURE", "0"},
            {"", "NORMAL_CLEARING", "10"}};
        for (int i = 0; i < calls.length; i++) {
            boolean answered = !calls[i][2].equals("0");
            b.append(String.join(",", "\"Ann\"", "\"+14155550101\"", "\"+14155550199\"", "\"public\"", "\"2026-11-20 10:0" + i + ":00\"",
                    answered ? "\"2026-11-20 10:0" + i + ":05\"" : "\"\"", "\"2026-11-20 10:0" + i + ":30\"", "\"30\"", "\"" + calls[i][2] + "\"",
                    "\"" + calls[i][1] + "\"", "\"uuid-" + i + "\"", "\"\"", "\"\"", "\"" + calls[i][0] + "\"")).append('\n');
        }
        Path f = Files.writeString(dir.resolve("Master.csv"), b);
        String data = dir.resolve("data").toString();
        // No --format: with the template configured, the format vote knows its width and where its times are.
        assertThat(run("ingest", "--data-dir", data, "--freeswitch-template", template, f.toString())).as(stderr()).isZero();
        assertThat(run("report", "asr-acd", "--data-dir", data, "--json")).isZero();
        JsonNode rows = new ObjectMapper().readTree(stdout());
        java.util.Map<String, Long> attempts = new java.util.TreeMap<>();
        rows.forEach(r -> attempts.put(r.path("route").asText(), r.path("attempts").asLong()));
        assertThat(attempts).containsExactly(java.util.Map.entry("carrier-a", 2L), java.util.Map.entry("carrier-b", 1L),
                java.util.Map.entry("public", 1L));
        assertThat(run("ingest", "--data-dir", data, "--freeswitch-template", "caller_id_number,uuid", f.toString()))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(stderr()).contains("The FreeSWITCH template lacks destination_number").doesNotContain("Exception");
    }

    @Test
    void cleanInputExitsZeroAndMissingInputExitsThreeWithOneLine() throws Exception {
        Path good = dir.resolve("good.csv");
        Files.writeString(good, "\"\",\"2125550100\",\"4155550199\",\"default\",\"\",\"SIP/a-1\",\"SIP/carrier-00000001\",\"Dial\",\"\","
                + "\"2026-11-20 10:00:00\",\"2026-11-20 10:00:05\",\"2026-11-20 10:01:05\",65,60,\"ANSWERED\",\"DOCUMENTATION\",\"1.1\",\"\"\n");
        String data = dir.resolve("data").toString();
        assertThat(run("ingest", "--data-dir", data, good.toString())).isEqualTo(ExitCodes.OK);
        assertThat(run("ingest", "--data-dir", data, dir.resolve("missing.csv").toString())).isEqualTo(ExitCodes.REJECTED);
        assertThat(stderr().strip()).startsWith("sluice: ").contains("missing.csv").contains("no such file").doesNotContain("Exception");
    }

    @Test
    @DisplayName("issue 22: 'sluice ingest -' reads a pipe, a .gz file is read through, an empty file is 0 records and exit 0")
    void pipesGzipAndEmptyFiles() throws Exception {
        String line = "\"\",\"2125550100\",\"4155550199\",\"default\",\"\",\"SIP/a-1\",\"SIP/carrier-00000001\",\"Dial\",\"\","
                + "\"2026-11-20 10:00:0%d\",\"2026-11-20 10:00:05\",\"2026-11-20 10:01:05\",65,60,\"ANSWERED\",\"DOCUMENTATION\",\"1.%d\",\"\"\n";
        String data = dir.resolve("data").toString();
        java.io.InputStream stdin = System.in;
        try {
            System.setIn(new java.io.ByteArrayInputStream((String.format(line, 1, 1) + String.format(line, 2, 2)).getBytes(StandardCharsets.UTF_8)));
            assertThat(run("ingest", "--json", "--data-dir", data, "-")).as(stderr()).isEqualTo(ExitCodes.OK);
        } finally {
            System.setIn(stdin);
        }
        assertThat(new ObjectMapper().readTree(stdout()).get("accepted").asLong()).isEqualTo(2);
        try (var spool = Files.list(dir.resolve("data").resolve("spool"))) {
            assertThat(spool.toList()).as("the spooled pipe is removed after the run").isEmpty();
        }

        Path gz = dir.resolve("Master.csv.1.gz");
        try (var o = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
            o.write((String.format(line, 3, 3) + String.format(line, 4, 4)).getBytes(StandardCharsets.UTF_8));
        }
        assertThat(run("ingest", "--json", "--data-dir", data, gz.toString())).as(stderr()).isEqualTo(ExitCodes.OK);
        assertThat(new ObjectMapper().readTree(stdout()).get("accepted").asLong()).isEqualTo(2);

        // A folder as people keep it: CDRs beside a README and notes; those are passed over with one line each.
        Path folder = Files.createDirectories(dir.resolve("drop"));
        Files.writeString(folder.resolve("Master.csv"), String.format(line, 5, 5));
        Files.writeString(folder.resolve("README.md"), "# CDRs from the PBX\n");
        Files.writeString(folder.resolve("notes.txt"), "Rotated nightly by logrotate. Ask Ann before deleting anything.\n");
        assertThat(run("ingest", "--json", "--data-dir", data, folder.toString())).as(stderr()).isEqualTo(ExitCodes.OK);
        JsonNode f = new ObjectMapper().readTree(stdout());
        assertThat(f.get("accepted").asLong()).isEqualTo(1);
        assertThat(f.get("files_skipped").asLong()).isEqualTo(2);
        assertThat(f.get("files_failed").asLong()).isZero();
        // Named one by one, the same prose file is an error: the user asked for it.
        assertThat(run("ingest", "--data-dir", data, folder.resolve("notes.txt").toString())).isEqualTo(ExitCodes.REJECTED);

        Path empty = Files.writeString(dir.resolve("rotated.csv"), "\n\n");
        assertThat(run("ingest", "--json", "--data-dir", data, empty.toString())).as(stderr()).isEqualTo(ExitCodes.OK);
        assertThat(new ObjectMapper().readTree(stdout()).get("records_in").asLong()).isZero();
        assertThat(run("ingest", "--data-dir", data, empty.toString())).isEqualTo(ExitCodes.OK);
        assertThat(stderr()).contains("rotated.csv: empty, 0 records").doesNotContain("failed 1");
    }

    @Test
    @DisplayName("issue 22 item 1: a wrong --format hints the right one, and --reprocess (dry run first) and dlq replay undo it")
    void aWrongFormatCanBeUndone() throws Exception {
        Path master = dir.resolve("Master.csv");
        Files.copy(io.sluice.core.testing.Samples.file("fafeitsch_asterisk_smallcdr.csv"), master);
        String data = dir.resolve("data").toString();
        assertThat(run("ingest", "--data-dir", data, "--format", "freeswitch", master.toString())).isEqualTo(ExitCodes.REJECTED);
        assertThat(stderr()).contains("hint: ", "looks like asterisk", "sluice ingest --reprocess --format asterisk");
        assertThat(run("ingest", "--data-dir", data, "--format", "asterisk", master.toString())).isZero();
        assertThat(stderr()).contains("already ingested", "--reprocess");

        assertThat(run("ingest", "--data-dir", data, "--reprocess", "--dry-run", "--format", "asterisk", "--json", master.toString())).isZero();
        JsonNode dry = new ObjectMapper().readTree(stdout());
        assertThat(dry.path("dry_run").asBoolean()).isTrue();
        JsonNode file = dry.path("reprocessed").get(0);
        assertThat(file.path("before").path("accepted").asLong()).isZero();
        long records = file.path("before").path("rejected").asLong() + file.path("before").path("duplicates").asLong();
        assertThat(file.path("after").path("accepted").asLong()).isPositive();
        assertThat(file.path("superseded_dead_letters").asLong()).isEqualTo(file.path("before").path("rejected").asLong());
        assertThat(run("dlq", "list", "--data-dir", data, "--json")).isZero();
        assertThat(new ObjectMapper().readTree(stdout())).as("the dry run kept nothing").hasSize((int) file.path("before").path("rejected").asLong());

        assertThat(run("dlq", "replay", "--data-dir", data, "--dry-run")).isZero();
        assertThat(stdout()).startsWith("dry run, nothing changed: would replay ");

        assertThat(run("ingest", "--data-dir", data, "--reprocess", "--format", "asterisk", master.toString())).isZero();
        assertThat(stderr()).contains("before: records in " + records, "withdrew 0 archive rows and ");
        assertThat(stdout()).contains("accepted " + file.path("after").path("accepted").asLong());
        assertThat(run("dlq", "list", "--data-dir", data, "--json")).isZero();
        assertThat(new ObjectMapper().readTree(stdout())).isEmpty();
        assertThat(run("dlq", "replay", "--data-dir", data)).isZero();
        assertThat(stdout()).contains("replayed 0 dead letters", "no dead letters matched");
    }

    @Test
    void usageErrorsExitTwo() {
        assertThat(run("ingest")).isEqualTo(ExitCodes.USAGE);
        // Issue 22: one line saying what is wrong, one saying where to read more; not the whole help.
        assertThat(stderr().lines().toList()).hasSize(2);
        assertThat(stderr()).contains("sluice: Missing required parameter").contains("Try 'sluice ingest --help'")
                .doesNotContain("Usage:");
        assertThat(run("report", "nope")).isEqualTo(ExitCodes.USAGE);
        assertThat(run("ingest", "--no-such-option", "x")).isEqualTo(ExitCodes.USAGE);
        assertThat(stderr()).contains("Unknown option").doesNotContain("Usage:");
    }

    @Test
    @DisplayName("issue 22: dlq list says on stderr when it shows fewer than exist (with --json too); --limit 0 lists all; plurals agree")
    void dlqListSaysWhenCut() throws Exception { // issue 22 item 10: said when cut, newest first, --offset pages
        StringBuilder bad = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            bad.append("\"only\",\"three\",\"columns ").append(i).append("\"\n");
        }
        Path f = Files.writeString(dir.resolve("bad.csv"), bad);
        String data = dir.resolve("data").toString();
        run("ingest", "--format", "asterisk", "--data-dir", data, f.toString());
        assertThat(run("dlq", "list", "--json", "--data-dir", data)).isZero();
        assertThat(new ObjectMapper().readTree(stdout()).size()).isEqualTo(50);
        assertThat(stderr()).contains("50 of 60 shown; --offset 50 shows the next page, --limit 0 lists all");
        JsonNode first = new ObjectMapper().readTree(stdout());
        // Newest first: the last line of the file is the first dead letter listed.
        assertThat(first.get(0).path("line").asLong()).isEqualTo(60);
        assertThat(run("dlq", "list", "--json", "--offset", "50", "--data-dir", data)).isZero();
        JsonNode second = new ObjectMapper().readTree(stdout());
        assertThat(second).hasSize(10);
        assertThat(second.get(9).path("line").asLong()).isEqualTo(1);
        assertThat(stderr()).contains("10 of 60 shown, after skipping 50; --limit 0 lists all");
        assertThat(run("dlq", "list", "--json", "--oldest-first", "--limit", "5", "--offset", "5", "--data-dir", data)).isZero();
        assertThat(new ObjectMapper().readTree(stdout()).get(0).path("line").asLong()).isEqualTo(6);
        assertThat(run("dlq", "list", "--json", "--limit", "0", "--data-dir", data)).isZero();
        assertThat(new ObjectMapper().readTree(stdout()).size()).isEqualTo(60);
        assertThat(stderr()).doesNotContain("shown");
        assertThat(run("dlq", "list", "--limit", "1", "--reason", "WRONG_COLUMN_COUNT", "--data-dir", data)).isZero();
        assertThat(stdout()).contains("60 dead letters");
    }

    @Test
    void helpExplainsExitCodes() {
        assertThat(run("--help")).isZero();
        assertThat(stdout()).contains("Exit codes:").contains("ingest").contains("report").contains("dlq");
    }
}
