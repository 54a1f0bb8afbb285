package io.sluice.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.sluice.local.runtime.RuntimeInfo;
import io.sluice.local.store.LocalStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code sluice doctor}: every check, its status and an actionable message naming the path or port (OPS-1). */
class DoctorCommandTest {
    private static final List<String> NAMES = List.of("java", "data dir", "running instance", "store", "disk", "port", "inbox");

    @TempDir
    Path dir;

    private final DoctorRun doctor = new DoctorRun(NAMES);

    private int run(String... args) {
        return doctor.run(args);
    }

    private String out() {
        return doctor.out();
    }

    private List<String[]> lines() {
        return doctor.lines();
    }

    private String[] line(String name) {
        return doctor.line(name);
    }

    private JsonNode json(String... args) throws IOException {
        String[] all = new String[args.length + 1];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--json";
        run(all);
        return new ObjectMapper().readTree(out());
    }

    private static JsonNode check(JsonNode doc, String name) {
        for (JsonNode c : doc.get("checks")) {
            if (c.get("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no check '" + name + "' in " + doc);
    }

    /** A port nothing listens on right now (bound and released). */
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The pid of a process that has exited. */
    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        assertThat(p.waitFor()).isZero();
        long pid = p.pid();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pid %d has exited", pid).isFalse();
        return pid;
    }

    private static void createStore(Path data, String... sql) throws Exception {
        Files.createDirectories(data);
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + data.resolve(LocalStore.DB_FILE).toAbsolutePath());
                Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    private static List<String> listing(Path root) throws IOException {
        try (var files = Files.walk(root)) {
            return files.map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    @DisplayName("OPS-1: on a fresh data dir every check is ok and says what will be created")
    void freshDataDir() throws Exception {
        Path data = dir.resolve("data");
        String port = String.valueOf(freePort());

        assertThat(run("--data-dir", data.toString(), "--port", port)).as(out()).isEqualTo(ExitCodes.OK);
        assertThat(lines()).extracting(r -> r[1]).as(out()).containsExactlyElementsOf(NAMES);
        assertThat(lines()).allSatisfy(r -> assertThat(r[0]).as(String.join(" | ", r)).isEqualTo("ok"));
        assertThat(out()).contains("doctor: 7 checks, 0 failed, 0 warnings");
        String abs = data.toAbsolutePath().toString();
        assertThat(line("data dir")[2]).isEqualTo(abs + " will be created");
        assertThat(line("running instance")[2]).isEqualTo("no sluice up running");
        assertThat(line("store")[2]).contains(data.resolve(LocalStore.DB_FILE).toAbsolutePath().toString()).contains("will be created on first use");
        assertThat(line("port")[2]).isEqualTo("127.0.0.1:" + port + " is free");
        assertThat(line("inbox")[2]).contains(abs + "/inbox", abs + "/processed", abs + "/failed").contains("will be created by sluice up");
        assertThat(data).as("doctor creates nothing").doesNotExist();

        Files.createDirectories(data);
        assertThat(run("--data-dir", data.toString(), "--port", port)).as(out()).isEqualTo(ExitCodes.OK);
        assertThat(line("data dir")).containsExactly("ok", "data dir", abs + " is writable");
        try (var files = Files.list(data)) {
            assertThat(files).as("the write probe leaves nothing behind").isEmpty();
        }
    }

    @Test
    @DisplayName("OPS-1: a data dir that is a regular file fails, naming the path")
    void dataDirIsAFile() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-folder"), "x");

        assertThat(run("--data-dir", file.toString(), "--port", String.valueOf(freePort()))).as(out()).isEqualTo(ExitCodes.FAILED);
        String[] check = line("data dir");
        assertThat(check[0]).isEqualTo("fail");
        assertThat(check[2]).contains(file.toAbsolutePath().toString()).contains("not a folder").contains("--data-dir");
        assertThat(out()).contains("doctor: 7 checks, 1 failed, 0 warnings");
    }

    @Test
    @DisplayName("OPS-1: a port held by another program fails, naming the port and another one to use")
    void portInUse() throws Exception {
        try (ServerSocket held = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = held.getLocalPort();

            assertThat(run("--data-dir", dir.toString(), "--host", "127.0.0.1", "--port", String.valueOf(port)))
                    .as(out()).isEqualTo(ExitCodes.FAILED);
            String[] check = line("port");
            assertThat(check[0]).isEqualTo("fail");
            assertThat(check[2]).startsWith("127.0.0.1:" + port + " is in use by another program").contains("--port ");
            assertThat(check[2]).doesNotEndWith("--port " + port);
            assertThat(lines()).filteredOn(r -> r[0].equals("fail")).hasSize(1);
        }
    }

    @Test
    @DisplayName("issue 22 item 9: the disk check warns when free space is below what the store and the inbox's waiting files "
            + "are likely to need")
    void diskBelowLikelyNeed() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data.resolve("inbox"));
        long free = Files.getFileStore(dir).getUsableSpace();
        // A sparse file: it claims more than the disk has, and takes nothing.
        try (java.io.RandomAccessFile waiting = new java.io.RandomAccessFile(data.resolve("inbox").resolve("big.csv").toFile(), "rw")) {
            waiting.setLength(free / 2 + DoctorCommand.GIB);
        }
        DoctorCommand.Check disk = DoctorCommand.checkDisk(data);
        assertThat(disk.status()).isEqualTo("warn");
        assertThat(disk.message()).contains("the inbox's waiting files", "is likely to need about", "free space or choose another --data-dir");
        Files.delete(data.resolve("inbox").resolve("big.csv"));
        assertThat(DoctorCommand.likelyNeed(data)[2]).isZero();
    }

    @Test
    @DisplayName("OPS-1: an unknown --host fails the port check")
    void unknownHost() {
        assertThat(run("--data-dir", dir.toString(), "--host", "no-such-host.invalid")).as(out()).isEqualTo(ExitCodes.FAILED);
        assertThat(line("port")[0]).isEqualTo("fail");
        assertThat(line("port")[2]).contains("unknown host 'no-such-host.invalid'").contains("--host");
    }

    @Test
    @DisplayName("OPS-1: a sluice-up.json left by a dead process is a warning naming it as stale; warnings still exit 0")
    void staleRuntimeFile() throws Exception {
        long pid = deadPid();
        new RuntimeInfo(pid, "127.0.0.1", 1, Instant.now()).write(dir);

        assertThat(run("--data-dir", dir.toString(), "--port", String.valueOf(freePort()))).as(out()).isEqualTo(ExitCodes.OK);
        String[] check = line("running instance");
        assertThat(check[0]).isEqualTo("warn");
        assertThat(check[2]).contains("stale", dir.resolve(RuntimeInfo.FILE).toAbsolutePath().toString(), "pid " + pid, "not running");
        assertThat(out()).contains("doctor: 7 checks, 0 failed, 1 warnings");
    }

    @Test
    @DisplayName("OPS-1: a live sluice up answering /healthz owns the store and its port: neither is touched, both ok")
    void liveInstance() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.createContext("/healthz", ex -> {
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        server.start();
        try {
            int port = server.getAddress().getPort();
            long pid = ProcessHandle.current().pid();
            new RuntimeInfo(pid, "127.0.0.1", port, Instant.now()).write(dir);
            // Not a database: opening it would fail, so an ok proves doctor left it alone.
            Files.writeString(dir.resolve(LocalStore.DB_FILE), "locked by the running process");

            assertThat(run("--data-dir", dir.toString(), "--port", String.valueOf(port))).as(out()).isEqualTo(ExitCodes.OK);
            assertThat(line("running instance")).containsExactly("ok", "running instance",
                    "sluice up is running (pid " + pid + ") at http://127.0.0.1:" + port + "; other commands reach the store through it");
            assertThat(line("store")[0]).isEqualTo("ok");
            assertThat(line("store")[2]).contains("owned by the running sluice up (pid " + pid + ")");
            assertThat(line("port")[0]).isEqualTo("ok");
            assertThat(line("port")[2]).contains("in use by the running sluice up");
        } finally {
            server.stop(0);
        }
    }

    @Test
    @DisplayName("OPS-1: a live process whose /healthz does not answer is a warning")
    void liveInstanceWithoutHealthz() throws Exception {
        int port = freePort();
        new RuntimeInfo(ProcessHandle.current().pid(), "127.0.0.1", port, Instant.now()).write(dir);

        assertThat(run("--data-dir", dir.toString(), "--port", String.valueOf(freePort()))).as(out()).isEqualTo(ExitCodes.OK);
        assertThat(line("running instance")[0]).isEqualTo("warn");
        assertThat(line("running instance")[2]).contains("http://127.0.0.1:" + port + "/healthz", "did not answer");
    }

    @Test
    @DisplayName("OPS-1: a store whose schema is newer than this sluice fails and says to upgrade")
    void newerSchema() throws Exception {
        createStore(dir, "CREATE TABLE schema_version(version INTEGER)", "INSERT INTO schema_version VALUES (99)");

        assertThat(run("--data-dir", dir.toString(), "--port", String.valueOf(freePort()))).as(out()).isEqualTo(ExitCodes.FAILED);
        String[] check = line("store");
        assertThat(check[0]).isEqualTo("fail");
        assertThat(check[2]).contains(dir.resolve(LocalStore.DB_FILE).toAbsolutePath().toString())
                .contains("schema v99 is newer than this sluice understands (v" + LocalStore.SCHEMA_VERSION + "): upgrade sluice");
    }

    @Test
    @DisplayName("OPS-1: a store made by this sluice is ok with its schema version, and doctor does not change it")
    void currentSchema() throws Exception {
        LocalStore.open(dir).close();
        Path db = dir.resolve(LocalStore.DB_FILE);
        byte[] before = Files.readAllBytes(db);
        List<String> filesBefore = listing(dir);

        assertThat(run("--data-dir", dir.toString(), "--port", String.valueOf(freePort()))).as(out()).isEqualTo(ExitCodes.OK);
        assertThat(line("store")).containsExactly("ok", "store",
                db.toAbsolutePath() + ": schema v" + LocalStore.SCHEMA_VERSION);
        assertThat(Files.readAllBytes(db)).as("the store file is unchanged").isEqualTo(before);
        assertThat(listing(dir)).as("no file added or removed").isEqualTo(filesBefore);
        LocalStore.open(dir).close();
    }

    @Test
    @DisplayName("OPS-1: an older schema is ok and will be upgraded; a DuckDB file without schema_version is not a sluice store")
    void olderSchemaAndForeignDatabase() throws Exception {
        Path older = dir.resolve("older");
        createStore(older, "CREATE TABLE schema_version(version INTEGER)", "INSERT INTO schema_version VALUES (0)");
        assertThat(run("--data-dir", older.toString(), "--port", String.valueOf(freePort()))).as(out()).isEqualTo(ExitCodes.OK);
        assertThat(line("store")[2]).endsWith("schema v0, will be upgraded to v" + LocalStore.SCHEMA_VERSION + " when sluice opens it");

        Path foreign = dir.resolve("foreign");
        createStore(foreign, "CREATE TABLE something(x INTEGER)");
        assertThat(run("--data-dir", foreign.toString(), "--port", String.valueOf(freePort()))).as(out()).isEqualTo(ExitCodes.FAILED);
        assertThat(line("store")[0]).isEqualTo("fail");
        assertThat(line("store")[2]).contains(foreign.resolve(LocalStore.DB_FILE).toAbsolutePath().toString()).contains("not a sluice store");
    }

    /** Run in a child JVM: opens the store read-write, as a running sluice would, and holds it until stdin closes. */
    static final class HoldStore {
        public static void main(String[] args) throws Exception {
            try (LocalStore s = LocalStore.open(Path.of(args[0]))) {
                System.out.println(s.dataDir() == null ? "no data dir" : "ready");
                System.out.flush();
                while (System.in.read() >= 0) {
                    // hold the store
                }
            }
        }
    }

    @Test
    @DisplayName("OPS-1: a store held by another process (no sluice-up.json) fails as locked, saying what to do")
    void lockedStore() throws Exception {
        LocalStore.open(dir).close();
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), HoldStore.class.getName(), dir.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            var ready = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream())).readLine();
                } catch (IOException e) {
                    return "error: " + e;
                }
            });
            assertThat(ready.get(60, java.util.concurrent.TimeUnit.SECONDS)).as("the holder opened the store").isEqualTo("ready");

            assertThat(run("--data-dir", dir.toString(), "--port", String.valueOf(freePort()))).as(out()).isEqualTo(ExitCodes.FAILED);
            assertThat(line("store")[0]).isEqualTo("fail");
            assertThat(line("store")[2]).contains(dir.resolve(LocalStore.DB_FILE).toAbsolutePath().toString())
                    .contains("locked by another process (pid " + holder.pid() + ")").endsWith(": stop it or use another --data-dir");
        } finally {
            holder.getOutputStream().close();
            if (!holder.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                holder.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    @DisplayName("OPS-1: a regular file where the inbox folder belongs fails, naming it")
    void inboxIsAFile() throws Exception {
        Path inbox = Files.writeString(dir.resolve("inbox"), "x");
        Files.createDirectories(dir.resolve("processed"));

        assertThat(run("--data-dir", dir.toString(), "--port", String.valueOf(freePort()))).as(out()).isEqualTo(ExitCodes.FAILED);
        assertThat(line("inbox")[0]).isEqualTo("fail");
        assertThat(line("inbox")[2]).contains(inbox.toAbsolutePath() + " is a file, not a folder");
    }

    @Test
    @DisplayName("OPS-1: --json prints one object whose ok is false exactly when a check failed")
    void jsonOutput() throws Exception {
        String port = String.valueOf(freePort());
        JsonNode good = json("--data-dir", dir.resolve("fresh").toString(), "--port", port);
        assertThat(good.get("ok").isBoolean()).isTrue();
        assertThat(good.get("ok").asBoolean()).as(good.toString()).isTrue();
        assertThat(good.get("checks")).hasSize(NAMES.size());
        List<String> names = new ArrayList<>();
        good.get("checks").forEach(c -> {
            names.add(c.get("name").asText());
            assertThat(c.get("status").asText()).isIn("ok", "warn", "fail");
            assertThat(c.get("message").asText()).isNotBlank();
        });
        assertThat(names).containsExactlyElementsOf(NAMES);

        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        JsonNode bad = json("--data-dir", file.toString(), "--port", port);
        assertThat(bad.get("ok").asBoolean()).as(bad.toString()).isFalse();
        assertThat(check(bad, "data dir").get("status").asText()).isEqualTo("fail");
        assertThat(check(bad, "data dir").get("message").asText()).contains(file.toAbsolutePath().toString());
    }

    @Test
    @DisplayName("OPS-1: the defaults are those of 'sluice up': 127.0.0.1:8787")
    void defaults() {
        assertThat(DoctorCommand.DEFAULT_HOST).isEqualTo("127.0.0.1");
        assertThat(DoctorCommand.DEFAULT_PORT).isEqualTo(8787);
        DoctorCommand cmd = new DoctorCommand();
        new CommandLine(cmd).parseArgs();
        assertThat(cmd.host).isEqualTo(DoctorCommand.DEFAULT_HOST);
        assertThat(cmd.port).isEqualTo(DoctorCommand.DEFAULT_PORT);
    }
}
