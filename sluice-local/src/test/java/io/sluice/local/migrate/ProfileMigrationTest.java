package io.sluice.local.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.local.cli.ExitCodes;
import io.sluice.local.cli.SluiceCli;
import io.sluice.local.store.LocalStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20 (MIG-1, CDR-6): {@code sluice migrate profiles} and {@code sluice migrate verify} against a real MariaDB
 * server: a full load with bad rows kept by key and reason, a resume after kill -9 that neither loses nor repeats a
 * row, and a verification that finds a row changed at the source. Every figure checked is counted on its own side:
 * the source's rows by SQL on MariaDB, the store's profiles by SQL on DuckDB, the dead letters by their file.
 */
class ProfileMigrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path shared;
    private static MariaDbServer db;

    @TempDir
    Path dir;
    private Path passwordFile;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream stdout;
    private PrintStream stderr;

    @BeforeAll
    static void startMariaDb() throws Exception {
        db = MariaDbServer.start(shared.resolve("mariadb"));
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            // Column names other than the profile's fields, so --columns maps them; the key is the primary key.
            s.execute("CREATE TABLE subscribers(id INT PRIMARY KEY, phone VARCHAR(32) NULL, tariff VARCHAR(32), country VARCHAR(8), "
                    + "state VARCHAR(16))");
        }
        insert("subscribers", 1, 3_000);
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("UPDATE subscribers SET phone = 'not-a-number' WHERE id = 7");
            s.execute("UPDATE subscribers SET phone = NULL WHERE id = 8");
            s.execute("UPDATE subscribers SET state = 'zombie' WHERE id = 9");
            s.execute("UPDATE subscribers SET country = 'USA' WHERE id = 10");
            s.execute("CREATE TABLE big LIKE subscribers");
        }
        insert("big", 1, 200_000);
    }

    /** Rows {@code from..to}: US numbers written without a country code, plans, home countries, statuses. */
    private static void insert(String table, int from, int to) throws Exception {
        String[] plans = {"prepaid", "postpaid", "business"};
        String[] countries = {"US", "GB", "de"};
        String[] states = {"active", "suspended", "barred", ""};
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement p = c.prepareStatement("INSERT INTO " + table + " VALUES (?, ?, ?, ?, ?)")) {
                for (int i = from; i <= to; i++) {
                    p.setInt(1, i);
                    p.setString(2, "(415) " + (2_000_000 + i) / 10_000 + "-" + String.format("%04d", (2_000_000 + i) % 10_000));
                    p.setString(3, plans[i % 3]);
                    p.setString(4, countries[i % 3]);
                    p.setString(5, states[i % 4]);
                    p.addBatch();
                    if (i % 5_000 == 0) {
                        p.executeBatch();
                    }
                }
                p.executeBatch();
            }
            c.commit();
        }
    }

    @AfterAll
    static void stopMariaDb() {
        if (db != null) {
            db.close();
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        passwordFile = dir.resolve("password");
        Files.writeString(passwordFile, MariaDbServer.PASSWORD + "\n");
        stdout = System.out;
        stderr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void tearDown() {
        System.setOut(stdout);
        System.setErr(stderr);
    }

    private List<String> args(String command, String table, Path dataDir, String... more) {
        List<String> a = new ArrayList<>(List.of("migrate", command, "--source", db.url(), "--user", "sluice", "--password-file",
                passwordFile.toString(), "--table", table, "--columns", "msisdn=phone,plan=tariff,home_country=country,status=state",
                "--key", "id", "--data-dir", dataDir.toString()));
        a.addAll(List.of(more));
        return a;
    }

    private int run(List<String> args) {
        out.reset();
        err.reset();
        return SluiceCli.commandLine().execute(args.toArray(String[]::new));
    }

    private static long sourceRows(String table) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The store's profiles, read by SQL from DuckDB: msisdn -> plan|home_country|status. */
    private static Map<String, String> storeProfiles(Path dataDir) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (LocalStore store = LocalStore.openExisting(dataDir); Statement s = store.connection().createStatement();
             ResultSet rs = s.executeQuery("SELECT msisdn, plan, home_country, status FROM profiles")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2) + "|" + rs.getString(3) + "|" + rs.getString(4));
            }
        }
        return out;
    }

    @Test
    void aFullLoadMigratesTheGoodRowsKeepsTheBadOnesByKeyAndVerifies() throws Exception {
        Path data = dir.resolve("data");
        int code = run(args("profiles", "subscribers", data, "--batch", "700", "--json"));
        assertThat(code).as(err.toString()).isEqualTo(ExitCodes.REJECTED); // rows were rejected
        JsonNode summary = JSON.readTree(out.toString());
        assertThat(summary.path("source_rows").asLong()).isEqualTo(sourceRows("subscribers")).isEqualTo(3_000);
        assertThat(summary.path("rejected").asLong()).isEqualTo(4);
        assertThat(summary.path("migrated").asLong()).isEqualTo(2_996);
        assertThat(summary.path("seconds").asDouble()).isPositive();
        // The store holds what the summary says, normalized: E.164, upper-case country, an empty status is active.
        Map<String, String> profiles = storeProfiles(data);
        assertThat(profiles).hasSize(2_996).containsEntry("+14152000001", "postpaid|GB|suspended")
                .containsEntry("+14152000003", "prepaid|US|" + "active");
        assertThat(profiles.get("+14152000002")).isEqualTo("business|DE|barred");
        // Each bad row is a dead letter with its key, reason and original values.
        List<JsonNode> dead = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(summary.path("dead_letters").asText()))) {
            dead.add(JSON.readTree(line));
        }
        assertThat(dead).extracting(d -> d.path("key").asText() + ": " + d.path("reason").asText()).containsExactly(
                "7: msisdn 'not-a-number' is not a phone number", "8: missing msisdn",
                "9: unknown status 'zombie' (active, suspended, barred)", "10: home_country 'USA' is not a two-letter country");
        assertThat(dead.get(0).path("row").path("phone").asText()).isEqualTo("not-a-number");
        // The verification after the load: both sides' counts and checksums agree.
        JsonNode verify = summary.path("verify");
        assertThat(verify.path("matches").asBoolean()).as(verify.toString()).isTrue();
        assertThat(verify.path("source_profiles").asLong()).isEqualTo(2_996);
        assertThat(verify.path("target_profiles").asLong()).isEqualTo(2_996);
        assertThat(verify.path("rejected_rows").asLong()).isEqualTo(4);
        assertThat(verify.path("source_checksum").asText()).isEqualTo(verify.path("target_checksum").asText());

        // Run again: it resumes after the last key, reads nothing new, and counts nothing twice.
        assertThat(run(args("profiles", "subscribers", data, "--json"))).isEqualTo(ExitCodes.REJECTED);
        JsonNode again = JSON.readTree(out.toString());
        assertThat(again.path("resumed_after").asText()).isEqualTo("3000");
        assertThat(List.of(again.path("source_rows").asLong(), again.path("migrated").asLong(), again.path("rejected").asLong()))
                .containsExactly(3_000L, 2_996L, 4L);
        assertThat(Files.readAllLines(Path.of(again.path("dead_letters").asText()))).hasSize(4);
    }

    @Test
    void aChangeAtTheSourceIsFoundByKey() throws Exception {
        Path data = dir.resolve("data");
        run(args("profiles", "subscribers", data, "--no-verify"));
        assertThat(run(args("verify", "subscribers", data))).as(out.toString() + err).isEqualTo(ExitCodes.OK);
        assertThat(out.toString()).contains("they match");
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("UPDATE subscribers SET tariff = 'gold' WHERE id = 42");
        }
        try {
            assertThat(run(args("verify", "subscribers", data, "--json"))).isEqualTo(ExitCodes.REJECTED);
            JsonNode v = JSON.readTree(out.toString());
            assertThat(v.path("matches").asBoolean()).isFalse();
            assertThat(v.path("mismatches").asLong()).isEqualTo(1);
            assertThat(v.path("source_checksum").asText()).isNotEqualTo(v.path("target_checksum").asText());
            JsonNode m = v.path("listed").path(0);
            assertThat(m.path("key").asText()).isEqualTo("42");
            assertThat(m.path("source").asText()).isEqualTo("+14152000042|gold|US|barred");
            assertThat(m.path("store").asText()).isEqualTo("+14152000042|prepaid|US|barred");
            // The result is saved beside the checkpoint.
            JsonNode saved = JSON.readTree(data.resolve("migrate").resolve("profiles-subscribers.verify.json").toFile());
            assertThat(saved.path("mismatches").asLong()).isEqualTo(1);
        } finally {
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                s.execute("UPDATE subscribers SET tariff = 'prepaid' WHERE id = 42");
            }
        }
    }

    /**
     * While {@code sluice up} owns the store, the migration writes through its API (one owner of the store) and the
     * verification reads through it; the running pipeline enriches with the migrated profiles.
     */
    @Test
    void whileSluiceUpRunsTheProfilesGoThroughItsApi() throws Exception {
        io.sluice.local.runtime.UpConfig up = io.sluice.local.runtime.UpConfig.defaults(dir.resolve("up")).withPort(0);
        // It holds the DuckDB file: a migration that opened the store itself would fail on its lock.
        try (io.sluice.local.runtime.LocalRuntime rt = io.sluice.local.runtime.LocalRuntime.start(up, m -> { })) {
            assertThat(rt.port()).isPositive();
            int code = run(args("profiles", "subscribers", up.dataDir(), "--batch", "1000", "--json"));
            assertThat(code).as(err.toString()).isEqualTo(ExitCodes.REJECTED);
            JsonNode s = JSON.readTree(out.toString());
            assertThat(List.of(s.path("source_rows").asLong(), s.path("migrated").asLong(), s.path("rejected").asLong()))
                    .containsExactly(3_000L, 2_996L, 4L);
            assertThat(s.path("verify").path("matches").asBoolean()).as(s.path("verify").toString()).isTrue();
            assertThat(s.path("verify").path("target_profiles").asLong()).isEqualTo(2_996);
        }
        assertThat(storeProfiles(up.dataDir())).hasSize(2_996).containsEntry("+14152000001", "postpaid|GB|suspended");
    }

    /**
     * MIG-3: after the load, {@code --follow} applies the table's inserts, updates (a changed number moves the profile)
     * and deletes from the binary log in commit order, a change made after the load included; stopped (SIGTERM, as
     * Ctrl-C) and started again, it applies exactly the changes made meanwhile: none missed, none replayed.
     */
    @Test
    void changesAfterTheLoadAreFollowedAndARestartNeitherMissesNorReplays() throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE cdc LIKE subscribers");
        }
        insert("cdc", 1, 100);
        Path data = dir.resolve("data");
        assertThat(run(args("profiles", "cdc", data, "--no-verify"))).as(err.toString()).isEqualTo(ExitCodes.OK);
        sql("UPDATE cdc SET tariff = 'gold' WHERE id = 5"); // after the load: the follow starts where the load began

        Process p = follow(data, "first");
        sql("INSERT INTO cdc VALUES (101, '4152000101', 'prepaid', 'US', 'active')");
        sql("UPDATE cdc SET phone = '4159990006' WHERE id = 6");
        sql("DELETE FROM cdc WHERE id = 7");
        sql("INSERT INTO cdc VALUES (102, '4152000102', 'prepaid', 'US', 'zombie')");
        JsonNode first = stopWhenCaughtUp(p, data, "first");
        assertThat(List.of(first.path("follow_transactions").asLong(), first.path("follow_upserts").asLong(),
                first.path("follow_deletes").asLong(), first.path("follow_rejected").asLong())).containsExactly(5L, 3L, 2L, 1L);
        Map<String, String> profiles = storeProfiles(data);
        assertThat(profiles).hasSize(100).containsEntry("+14152000005", "gold|DE|suspended")
                .containsEntry("+14152000101", "prepaid|US|active").containsKey("+14159990006")
                .doesNotContainKeys("+14152000006", "+14152000007", "+14152000102");
        assertThat(Files.readString(data.resolve("migrate").resolve("profiles-cdc.rejected.jsonl")))
                .contains("\"key\":\"102\"").contains("unknown status 'zombie'");

        sql("UPDATE cdc SET tariff = 'silver' WHERE id = 8");
        sql("DELETE FROM cdc WHERE id = 9");
        JsonNode second = stopWhenCaughtUp(follow(data, "second"), data, "second");
        assertThat(List.of(second.path("follow_transactions").asLong(), second.path("follow_upserts").asLong(),
                second.path("follow_deletes").asLong())).containsExactly(2L, 1L, 1L);
        assertThat(storeProfiles(data)).hasSize(99).containsEntry("+14152000008", "silver|DE|active").doesNotContainKey("+14152000009");
    }

    private static void sql(String statement) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    private Process follow(Path data, String name) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "--enable-native-access=ALL-UNNAMED", SluiceCli.class.getName()));
        cmd.addAll(args("profiles", "cdc", data, "--no-verify", "--follow", "--json"));
        return new ProcessBuilder(cmd).redirectOutput(dir.resolve(name + ".out").toFile()).redirectError(dir.resolve(name + ".err").toFile()).start();
    }

    /** Waits until the follower's saved offset is the end of the binary log, stops it with SIGTERM, and reads its totals. */
    private JsonNode stopWhenCaughtUp(Process p, Path data, String name) throws Exception {
        Path offset = data.resolve("migrate").resolve("profiles-cdc.follow.json");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            String end;
            try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
                rs.next();
                end = rs.getString(1) + ":" + rs.getLong(2);
            }
            String at = null;
            if (Files.exists(offset)) {
                try {
                    JsonNode n = JSON.readTree(offset.toFile());
                    at = n.path("binlog_file").asText() + ":" + n.path("binlog_position").asLong();
                } catch (java.io.IOException replaced) {
                    at = null;
                }
            }
            if (end.equals(at)) {
                break;
            }
            assertThat(p.isAlive()).as(name + " follower died: " + Files.readString(dir.resolve(name + ".err"))).isTrue();
            assertThat(System.nanoTime()).as(name + " follower did not catch up with " + end + " (at " + at + ")").isLessThan(deadline);
            Thread.sleep(20);
        }
        p.destroy(); // SIGTERM, as Ctrl-C: the follower stops after the change it applies and says what it did
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        List<String> lines = Files.readAllLines(dir.resolve(name + ".out"));
        assertThat(lines).as(Files.readString(dir.resolve(name + ".err"))).isNotEmpty();
        return JSON.readTree(lines.get(lines.size() - 1));
    }

    /** A migration killed with SIGKILL mid-way, then started again: every row migrated once, the store matches. */
    @Test
    void aRunKilledMidWayResumesAfterTheLastCommittedKey() throws Exception {
        Path data = dir.resolve("data");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "--enable-native-access=ALL-UNNAMED", SluiceCli.class.getName()));
        cmd.addAll(args("profiles", "big", data, "--batch", "500", "--json"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("killed.log").toFile()).start();
        Path checkpoint = data.resolve("migrate").resolve("profiles-big.checkpoint.json");
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        long readAtKill = 0;
        while (p.isAlive() && System.nanoTime() < deadline) {
            if (Files.exists(checkpoint)) {
                try {
                    readAtKill = JSON.readTree(checkpoint.toFile()).path("source_rows").asLong();
                } catch (java.io.IOException moving) {
                    readAtKill = 0; // replaced while read: look again
                }
                if (readAtKill >= 20_000) {
                    break;
                }
            }
            Thread.sleep(5);
        }
        assertThat(p.isAlive()).as("the migration is still running when killed: " + Files.readString(dir.resolve("killed.log"))).isTrue();
        p.destroyForcibly(); // SIGKILL
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        long committed = JSON.readTree(checkpoint.toFile()).path("source_rows").asLong();
        assertThat(committed).isBetween(20_000L, 199_500L);

        assertThat(run(args("profiles", "big", data, "--batch", "500", "--json"))).as(err.toString()).isEqualTo(ExitCodes.OK);
        JsonNode s = JSON.readTree(out.toString());
        assertThat(s.path("resumed_after").asLong()).isEqualTo(committed); // keys are 1..n: the last committed key is the count
        assertThat(s.path("source_rows").asLong()).isEqualTo(sourceRows("big")).isEqualTo(200_000);
        assertThat(s.path("migrated").asLong()).isEqualTo(200_000);
        assertThat(s.path("rejected").asLong()).isZero();
        assertThat(storeProfiles(data)).hasSize(200_000);
        assertThat(s.path("verify").path("matches").asBoolean()).as(s.path("verify").toString()).isTrue();
    }
}
