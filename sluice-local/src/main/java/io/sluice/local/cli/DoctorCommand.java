package io.sluice.local.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.local.runtime.RuntimeInfo;
import io.sluice.local.store.LocalStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileStore;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sluice doctor}: checks, before {@code sluice up} or any other command runs, that everything it needs is
 * there, and says what to do about anything that is not (OPS-1). Read-only: it creates nothing and never opens
 * the store for writing.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {
            "Check that everything sluice needs is there, before 'sluice up' or any other command runs.",
            "Prints one line per check (java, data dir, running instance, store, disk, port, inbox): ok, warn or fail, "
                + "and what to do.",
            "Changes nothing: the store is opened read-only, or not at all while 'sluice up' owns it.",
            "With --deployed FILE it checks instead an AWS deployment's outputs file (every output there, one environment "
                + "suffix, one region and account, the workflow ARN), offline: no AWS call, no local check."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {DoctorCommand.HELP_OK, DoctorCommand.HELP_FAILED, ExitCodes.HELP_USAGE})
public final class DoctorCommand implements Callable<Integer> {
    /** The address {@code sluice up} listens on unless told otherwise. */
    public static final String DEFAULT_HOST = io.sluice.local.runtime.UpConfig.DEFAULT_HOST;
    /** The port {@code sluice up} listens on unless told otherwise. */
    public static final int DEFAULT_PORT = io.sluice.local.runtime.UpConfig.DEFAULT_PORT;

    static final String HELP_OK = ExitCodes.OK + ":No check failed (warnings allowed).";
    static final String HELP_FAILED = ExitCodes.FAILED + ":At least one check failed; its line says what to do.";

    public static final String OK = "ok";
    public static final String WARN = "warn";
    public static final String FAIL = "fail";
    /** The one check of {@code --deployed} when no extension checks deployments. */
    static final String DEPLOYED = "deployed";

    static final long MIB = 1L << 20;
    static final long GIB = 1L << 30;
    /** Below this much free space the data dir's disk fails the check. */
    static final long MIN_FREE = 512 * MIB;
    /** Below this much free space the data dir's disk is a warning. */
    static final long LOW_FREE = 2 * GIB;
    static final Duration HEALTHZ_TIMEOUT = Duration.ofSeconds(2);
    static final List<String> FOLDERS = List.of("inbox", "processed", "failed");
    static final String NOT_CHECKED = "not checked: the data dir cannot be used (see above)";

    /** One check's outcome: {@code status} is {@code ok}, {@code warn} or {@code fail}. */
    public record Check(String name, String status, String message) {
        public static Check ok(String name, String message) {
            return new Check(name, OK, message);
        }

        public static Check warn(String name, String message) {
            return new Check(name, WARN, message);
        }

        public static Check fail(String name, String message) {
            return new Check(name, FAIL, message);
        }
    }

    @Spec
    CommandSpec spec;

    @Mixin
    DataDirOption data;

    @Option(names = "--host", defaultValue = DEFAULT_HOST, paramLabel = "HOST",
            description = "The address 'sluice up' is to listen on. Default: ${DEFAULT-VALUE}.")
    String host;

    @Option(names = "--port", defaultValue = "" + DEFAULT_PORT, paramLabel = "PORT",
            description = "The port 'sluice up' is to listen on. Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--deployed", paramLabel = "FILE",
            description = "Check the outputs file of an AWS deployment ('npx aws-cdk deploy --all --outputs-file FILE') "
                + "instead of this machine; reads only the file. Also takes what 'aws cloudformation describe-stacks "
                + "--stack-name S' prints; repeat the option to read several files as one deployment.")
    List<Path> deployed;

    @Option(names = "--json", description = "Print one JSON object {\"ok\":..,\"checks\":[{\"name\":..,\"status\":..,\"message\":..}]} instead of text.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        List<Check> checks = deployed != null && !deployed.isEmpty() ? deployedChecks(deployed) : run();
        boolean failed = checks.stream().anyMatch(c -> FAIL.equals(c.status()));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(toJson(checks, !failed));
        } else {
            // One name column for all lines, as wide as the longest name (--deployed's output names are long).
            int width = checks.stream().mapToInt(c -> c.name().length()).max().orElse(1);
            for (Check c : checks) {
                out.println(line(c, width));
            }
            long fails = checks.stream().filter(c -> FAIL.equals(c.status())).count();
            long warns = checks.stream().filter(c -> WARN.equals(c.status())).count();
            out.printf("doctor: %d checks, %d failed, %d warnings%n", checks.size(), fails, warns);
        }
        out.flush();
        return failed ? ExitCodes.FAILED : ExitCodes.OK;
    }

    /** All checks, in order. The store and port checks depend on whether a live {@code sluice up} was found. */
    List<Check> run() {
        Path dir = data.dataDir.toAbsolutePath().normalize();
        List<Check> checks = new ArrayList<>();
        checks.add(checkJava());
        Check dataDir = checkDataDir(dir);
        checks.add(dataDir);
        // What lies inside a data dir that cannot be used says nothing: say so rather than "will be created".
        boolean usable = !FAIL.equals(dataDir.status());
        Optional<RuntimeInfo> info = RuntimeInfo.read(dir);
        RuntimeInfo live = info.filter(RuntimeInfo::processAlive).orElse(null);
        checks.add(checkRunningInstance(dir, info));
        checks.add(usable ? checkStore(dir, live) : Check.ok("store", NOT_CHECKED));
        checks.add(checkDisk(dir));
        checks.add(checkPort(live));
        checks.add(usable ? checkFolders(dir) : Check.ok("inbox", NOT_CHECKED));
        return checks;
    }

    /**
     * {@code --deployed}: the checks of the extension that checks deployments ({@code sluice-aws-tools}), or one failed
     * check saying where to find it.
     */
    static List<Check> deployedChecks(List<Path> files) {
        for (SluiceExtension extension : SluiceExtension.installed()) {
            Optional<List<Check>> checks = extension.checkDeployment(files);
            if (checks.isPresent()) {
                return checks.get();
            }
        }
        return List.of(Check.fail(DEPLOYED, AwsToolsMissing.message("'doctor --deployed'")));
    }

    static String line(Check c, int nameWidth) {
        return String.format(Locale.ROOT, "%-5s %-" + Math.max(1, nameWidth) + "s %s", c.status(), c.name(), c.message());
    }

    static String toJson(List<Check> checks, boolean ok) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode o = mapper.createObjectNode();
        o.put("ok", ok);
        ArrayNode a = o.putArray("checks");
        for (Check c : checks) {
            a.addObject().put("name", c.name()).put("status", c.status()).put("message", c.message());
        }
        return mapper.writeValueAsString(o);
    }

    // 1. java

    static Check checkJava() {
        int feature = Runtime.version().feature();
        String home = System.getProperty("java.home");
        if (feature >= 21) {
            return Check.ok("java", "Java " + feature + " (" + home + ")");
        }
        return Check.fail("java", "Java " + feature + " (" + home + ") is too old: sluice needs Java 21 or later; "
                + "install a JDK >= 21 and put it first on PATH or set JAVA_HOME");
    }

    // 2. data dir

    static Check checkDataDir(Path dir) {
        String name = "data dir";
        if (Files.isDirectory(dir)) {
            String problem = writeProblem(dir);
            return problem == null ? Check.ok(name, dir + " is writable")
                    : Check.fail(name, "cannot write to " + dir + ": " + problem + "; choose another --data-dir or fix permissions");
        }
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return Check.fail(name, dir + " exists but is not a folder: move it away or choose another --data-dir");
        }
        Path ancestor = nearestExisting(dir);
        if (ancestor == null) {
            return Check.fail(name, "cannot create " + dir + ": none of its parent folders exists; choose another --data-dir");
        }
        if (!Files.isDirectory(ancestor)) {
            return Check.fail(name, "cannot create " + dir + ": " + ancestor + " is a file, not a folder; choose another --data-dir");
        }
        String problem = writeProblem(ancestor);
        return problem == null ? Check.ok(name, dir + " will be created")
                : Check.fail(name, "cannot create " + dir + ": cannot write to " + ancestor + ": " + problem
                        + "; choose another --data-dir or fix permissions");
    }

    // 3. running instance

    static Check checkRunningInstance(Path dir, Optional<RuntimeInfo> info) {
        String name = "running instance";
        Path file = dir.resolve(RuntimeInfo.FILE);
        if (info.isEmpty()) {
            if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                return Check.warn(name, "cannot read " + file + " (damaged?); the next 'sluice up' replaces it, or delete it");
            }
            return Check.ok(name, "no sluice up running");
        }
        RuntimeInfo r = info.get();
        if (!r.processAlive()) {
            return Check.warn(name, "stale " + file + " left by pid " + r.pid() + ", which is not running (killed?); "
                    + "the next 'sluice up' replaces it");
        }
        String url = r.baseUrl() + "/healthz";
        String problem = healthzProblem(url);
        if (problem == null) {
            return Check.ok(name, "sluice up is running (pid " + r.pid() + ") at " + r.baseUrl()
                    + "; other commands reach the store through it");
        }
        return Check.warn(name, "sluice up (pid " + r.pid() + ", " + file + ") is running but " + url + " " + problem
                + ": it may still be starting or be stuck; wait and try again, or stop it (kill " + r.pid() + ") and start it again");
    }

    /** Null when {@code url} answers 200 within {@link #HEALTHZ_TIMEOUT}, else what went wrong. */
    static String healthzProblem(String url) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(HEALTHZ_TIMEOUT).build();
        CompletableFuture<HttpResponse<Void>> f = null;
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(HEALTHZ_TIMEOUT).GET().build();
            f = client.sendAsync(req, HttpResponse.BodyHandlers.discarding());
            int status = f.get(HEALTHZ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).statusCode();
            return status == 200 ? null : "answered HTTP " + status;
        } catch (java.util.concurrent.TimeoutException e) {
            return "did not answer within " + HEALTHZ_TIMEOUT.toSeconds() + " s";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "was not asked (interrupted)";
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return "did not answer (" + describe(cause) + ")";
        } catch (IllegalArgumentException e) {
            return "is not a valid URL (" + e.getMessage() + ")";
        } finally {
            if (f != null) {
                f.cancel(true);
            }
            client.shutdownNow();
        }
    }

    // 4. store

    static Check checkStore(Path dir, RuntimeInfo live) {
        String name = "store";
        Path db = dir.resolve(LocalStore.DB_FILE);
        if (!Files.exists(db, LinkOption.NOFOLLOW_LINKS)) {
            return Check.ok(name, db + " will be created on first use");
        }
        if (live != null) {
            return Check.ok(name, db + " is owned by the running sluice up (pid " + live.pid() + ")");
        }
        if (!Files.isRegularFile(db)) {
            return Check.fail(name, db + " is not a file: move it away or choose another --data-dir");
        }
        Properties props = new Properties();
        props.setProperty("duckdb.read_only", "true");
        int version;
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + db, props);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT max(version) FROM schema_version")) {
            version = rs.next() ? rs.getInt(1) : 0;
        } catch (SQLException e) {
            String m = String.valueOf(e.getMessage());
            // The path may contain anything, "lock" included: judge the message without it.
            String without = m.replace(db.toString(), "");
            if (without.contains("schema_version") && without.contains("does not exist")
                    || without.contains("not a valid DuckDB database")) {
                return Check.fail(name, db + " is not a sluice store: move it away or choose another --data-dir");
            }
            if (without.toLowerCase(Locale.ROOT).contains("lock")) {
                Matcher pid = Pattern.compile("PID (\\d+)").matcher(without);
                return Check.fail(name, db + " is locked by another process" + (pid.find() ? " (pid " + pid.group(1) + ")" : "")
                        + ": stop it or use another --data-dir");
            }
            return Check.fail(name, "cannot open " + db + ": " + firstLine(m));
        }
        int known = LocalStore.SCHEMA_VERSION;
        if (version == known) {
            return Check.ok(name, db + ": schema v" + version);
        }
        if (version < known) {
            return Check.ok(name, db + ": schema v" + version + ", will be upgraded to v" + known + " when sluice opens it");
        }
        return Check.fail(name, db + ": schema v" + version + " is newer than this sluice understands (v" + known + "): upgrade sluice");
    }

    // 5. disk

    static Check checkDisk(Path dir) {
        String name = "disk";
        Path p = nearestExisting(dir);
        if (p == null) {
            return Check.warn(name, "cannot tell the free space for " + dir + ": no part of the path exists");
        }
        long free;
        FileStore store;
        try {
            store = Files.getFileStore(p);
            free = store.getUsableSpace();
        } catch (IOException e) {
            return Check.warn(name, "cannot tell the free space for " + dir + ": " + describe(e));
        }
        String mount = mountOf(store, p);
        if (free < MIN_FREE) {
            return Check.fail(name, "only " + free / MIB + " MiB free on " + mount + " (holding " + dir + "): "
                    + "free space or choose another --data-dir");
        }
        String gib = String.format(Locale.ROOT, "%.1f GiB", free / (double) GIB);
        long[] need = likelyNeed(dir);
        if (free < need[0]) {
            return Check.warn(name, "only " + gib + " free on " + mount + " (holding " + dir + "), and the store ("
                    + size(need[1]) + ") with the inbox's waiting files (" + size(need[2]) + ") is likely to need about "
                    + size(need[0]) + ": a checkpoint can rewrite the store, and a file takes about twice its size while it is "
                    + "ingested; free space or choose another --data-dir");
        }
        if (free < LOW_FREE) {
            return Check.warn(name, "only " + gib + " free on " + mount + " (holding " + dir + "): large ingests may run out; "
                    + "free space or choose another --data-dir");
        }
        return Check.ok(name, gib + " free on " + mount + " (holding " + dir + ")");
    }

    /**
     * Free space the data dir is likely to need soon, issue 22: {@link #MIN_FREE}, plus the store's size (a checkpoint
     * can write it again), plus twice the files waiting in the inbox (staged rows and dedup marks, then Parquet). Returns
     * {need, store bytes, inbox bytes}.
     */
    static long[] likelyNeed(Path dir) {
        long db = 0;
        long inbox = 0;
        try {
            Path f = dir.resolve(io.sluice.local.store.LocalStore.DB_FILE);
            if (Files.isRegularFile(f)) {
                db = Files.size(f);
            }
            Path in = dir.resolve("inbox");
            if (Files.isDirectory(in)) {
                try (var files = Files.list(in)) {
                    for (Path p : files.filter(Files::isRegularFile).toList()) {
                        inbox += Files.size(p);
                    }
                }
            }
        } catch (IOException e) {
            // what could be measured is the estimate
        }
        return new long[] {MIN_FREE + db + 2 * inbox, db, inbox};
    }

    private static String size(long bytes) {
        return bytes >= GIB ? String.format(Locale.ROOT, "%.1f GiB", bytes / (double) GIB) : bytes / MIB + " MiB";
    }

    /** The mount point of {@code store} when the platform tells it ("/ (/dev/vda)" on Linux), else the path. */
    private static String mountOf(FileStore store, Path p) {
        String s = store.toString();
        return s == null || s.isBlank() ? p.toString() : s;
    }

    // 6. port

    Check checkPort(RuntimeInfo live) {
        String name = "port";
        String hp = hostPort(host, port);
        if (live != null && live.port() == port) {
            return Check.ok(name, hp + " is in use by the running sluice up (pid " + live.pid() + ")");
        }
        if (port < 1 || port > 65535) {
            return Check.fail(name, "port " + port + " is out of range: start with --port between 1 and 65535, e.g. " + DEFAULT_PORT);
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            return Check.fail(name, "unknown host '" + host + "': start with --host " + DEFAULT_HOST + " or another address of this machine");
        }
        String problem = bindProblem(address, port);
        if (problem == null) {
            return Check.ok(name, hp + " is free");
        }
        if (problem.contains("in use")) {
            int other = freePortAfter(address, port);
            return Check.fail(name, hp + " is in use by another program: stop it or start with --port "
                    + (other > 0 ? String.valueOf(other) : "N (another free port)"));
        }
        if (problem.contains("assign")) {
            return Check.fail(name, host + " is not an address of this machine (" + problem + "): start with --host " + DEFAULT_HOST
                    + " or 0.0.0.0");
        }
        if (problem.contains("ermission")) {
            return Check.fail(name, "cannot listen on " + hp + " (" + problem + "): start with --port above 1023, e.g. " + DEFAULT_PORT);
        }
        return Check.fail(name, "cannot listen on " + hp + ": " + problem);
    }

    /** Null when a server socket can bind {@code address:port}, else why not (lower case "in use", "assign", ...). */
    static String bindProblem(InetAddress address, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(address, port));
            return null;
        } catch (BindException e) {
            String m = String.valueOf(e.getMessage());
            return m.toLowerCase(Locale.ROOT).contains("already in use") ? "address already in use" : m;
        } catch (IOException | SecurityException e) {
            return describe(e);
        }
    }

    /** The first of the next 20 ports that is free, or -1. */
    private static int freePortAfter(InetAddress address, int port) {
        for (int p = port + 1; p <= Math.min(65535, port + 20); p++) {
            if (bindProblem(address, p) == null) {
                return p;
            }
        }
        return -1;
    }

    static String hostPort(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    // 7. inbox

    static Check checkFolders(Path dir) {
        String name = "inbox";
        List<String> problems = new ArrayList<>();
        List<String> ready = new ArrayList<>();
        List<String> absent = new ArrayList<>();
        for (String folder : FOLDERS) {
            Path f = dir.resolve(folder);
            if (!Files.exists(f, LinkOption.NOFOLLOW_LINKS)) {
                absent.add(f.toString());
            } else if (!Files.isDirectory(f)) {
                problems.add(f + " is a file, not a folder: move it away so sluice up can create the folder");
            } else {
                String problem = writeProblem(f);
                if (problem == null) {
                    ready.add(f.toString());
                } else {
                    problems.add("cannot write to " + f + ": " + problem + "; fix its permissions or choose another --data-dir");
                }
            }
        }
        if (!problems.isEmpty()) {
            return Check.fail(name, String.join("; ", problems));
        }
        List<String> parts = new ArrayList<>();
        if (!ready.isEmpty()) {
            parts.add(String.join(", ", ready) + (ready.size() == 1 ? " is" : " are") + " writable");
        }
        if (!absent.isEmpty()) {
            parts.add(String.join(", ", absent) + " will be created by sluice up");
        }
        return Check.ok(name, String.join("; ", parts));
    }

    // helpers

    /** Null when a file can be created and deleted in {@code dir}, else why not. */
    static String writeProblem(Path dir) {
        Path probe = null;
        try {
            probe = Files.createTempFile(dir, ".sluice-doctor-", ".tmp");
            Files.delete(probe);
            probe = null;
            return null;
        } catch (AccessDeniedException e) {
            return "permission denied";
        } catch (IOException | SecurityException e) {
            return describe(e);
        } finally {
            if (probe != null) {
                try {
                    Files.deleteIfExists(probe);
                } catch (IOException e) {
                    // nothing more to do; the problem is already reported
                }
            }
        }
    }

    /** {@code p} itself or its nearest ancestor that exists, or null. */
    static Path nearestExisting(Path p) {
        Path a = p;
        while (a != null && !Files.exists(a)) {
            a = a.getParent();
        }
        return a;
    }

    public static String describe(Throwable e) {
        if (e instanceof FileSystemException fse) {
            // Its message is only the path; the reason, or else the kind of exception, says what went wrong.
            if (fse.getReason() != null) {
                return fse.getReason().toLowerCase(Locale.ROOT);
            }
            if (e instanceof AccessDeniedException) {
                return "permission denied";
            }
            if (e instanceof java.nio.file.NoSuchFileException) {
                return "files cannot be created there";
            }
            return e.getClass().getSimpleName();
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : firstLine(m);
    }

    public static String firstLine(String m) {
        if (m == null) {
            return "";
        }
        int nl = m.indexOf('\n');
        return (nl < 0 ? m : m.substring(0, nl)).strip();
    }
}
