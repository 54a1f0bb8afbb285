package io.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * HTTP load generator for {@code sluice up}, run as a separate process:
 * <pre>
 * java -cp ... io.sluice.bench.HttpLoad --data-dir DIR | --url URL --input FILE [--content-type text/csv]
 *     [--batch 500] [--concurrency 8] [--seconds 60] [--warmup 5] [--out result.json]
 *     [--pid PID] [--timeout 30] [--drain-timeout 0]
 * </pre>
 * Cuts FILE (or the {@code cdr-*} files of a folder) into request bodies of {@code --batch} lines, then
 * {@code --concurrency} platform threads each send {@code POST /v1/cdrs} in a closed loop until the deadline.
 * A 429 is counted as throttled, the worker sleeps its Retry-After (at most 1 s) and sends the same body again;
 * any other answer than 202, or an exception, is an error. Figures cover requests answered within the measured
 * window (after the warm-up); throttled and errors count the whole run, warm-up included. Every second the
 * server's RSS ({@code /proc/PID/status}) and queue ({@code GET /v1/status}) are sampled and a progress line is
 * printed to stderr. The result is one JSON object on stdout (and in {@code --out}). Exit 0 when there were
 * no errors and at least one request succeeded, 1 otherwise, 2 for a usage error.
 */
public final class HttpLoad {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SECOND = 1_000_000_000L;
    private static final int MAX_ERROR_SAMPLES = 5;

    private HttpLoad() {
    }

    // ---------------------------------------------------------------- options

    private static final class Options {
        Path dataDir;
        String url;
        Path input;
        String contentType;
        int batch = 500;
        int concurrency = 8;
        int seconds = 60;
        int warmup = 5;
        Path out;
        long pid = -1;
        int timeoutSeconds = 30;
        int drainTimeout = 0;
    }

    private static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    private static final String USAGE = """
            usage: HttpLoad (--data-dir DIR | --url URL) --input FILE|DIR [--content-type text/csv|application/x-ndjson]
                            [--batch 500] [--concurrency 8] [--seconds 60] [--warmup 5] [--out result.json]
                            [--pid PID] [--timeout 30] [--drain-timeout 0]
              --data-dir       sluice up's data dir: base URL and server pid from <dir>/sluice-up.json
              --url            base URL, e.g. http://127.0.0.1:8787 (wins over sluice-up.json's host/port)
              --input          CDR file, one record per line (or a folder: its cdr-* files)
              --content-type   default text/csv, application/x-ndjson for *.jsonl / *.ndjson
              --pid            server pid for RSS sampling when sluice-up.json is not used
              --timeout        per-request timeout in seconds (default 30)
              --drain-timeout  after the run, wait up to S seconds for queue.ingests to reach 0 (default 0: don't)
            """;

    private static Options parse(String[] args) throws UsageException {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                throw new UsageException("");
            }
            String name = a;
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            }
            if (value == null) {
                throw new UsageException("missing value for " + name);
            }
            switch (name) {
                case "--data-dir" -> o.dataDir = Path.of(value);
                case "--url" -> o.url = value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
                case "--input" -> o.input = Path.of(value);
                case "--content-type" -> o.contentType = value;
                case "--batch" -> o.batch = positive(name, value);
                case "--concurrency" -> o.concurrency = positive(name, value);
                case "--seconds" -> o.seconds = positive(name, value);
                case "--warmup" -> o.warmup = nonNegative(name, value);
                case "--out" -> o.out = Path.of(value);
                case "--pid" -> o.pid = positive(name, value);
                case "--timeout" -> o.timeoutSeconds = positive(name, value);
                case "--drain-timeout" -> o.drainTimeout = nonNegative(name, value);
                default -> throw new UsageException("unknown option " + name);
            }
        }
        if (o.dataDir == null && o.url == null) {
            throw new UsageException("give --data-dir or --url");
        }
        if (o.input == null) {
            throw new UsageException("give --input");
        }
        if (o.contentType == null) {
            String n = o.input.getFileName() == null ? "" : o.input.getFileName().toString().toLowerCase(Locale.ROOT);
            o.contentType = n.endsWith(".jsonl") || n.endsWith(".ndjson") ? "application/x-ndjson" : "text/csv";
        }
        return o;
    }

    private static int positive(String name, String value) throws UsageException {
        int v = nonNegative(name, value);
        if (v == 0) {
            throw new UsageException(name + " must be > 0");
        }
        return v;
    }

    private static int nonNegative(String name, String value) throws UsageException {
        try {
            int v = Integer.parseInt(value);
            if (v < 0) {
                throw new UsageException(name + " must be >= 0");
            }
            return v;
        } catch (NumberFormatException e) {
            throw new UsageException(name + " needs a number, got '" + value + "'");
        }
    }

    // ---------------------------------------------------------------- small growable arrays

    /** A growable long[]; not thread-safe. */
    static final class LongArray {
        private long[] a;
        private int n;

        LongArray(int capacity) {
            a = new long[Math.max(16, capacity)];
        }

        void add(long v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, a.length * 2);
            }
            a[n++] = v;
        }

        int size() {
            return n;
        }

        void addAll(LongArray other) {
            if (n + other.n > a.length) {
                a = Arrays.copyOf(a, Math.max(a.length * 2, n + other.n));
            }
            System.arraycopy(other.a, 0, a, n, other.n);
            n += other.n;
        }

        long[] sorted() {
            long[] s = Arrays.copyOf(a, n);
            Arrays.sort(s);
            return s;
        }
    }

    /** A growable byte[]; not thread-safe. */
    private static final class ByteBuf {
        private byte[] a;
        private int n;

        ByteBuf(int capacity) {
            a = new byte[Math.max(64, capacity)];
        }

        void append(byte[] src, int off, int len) {
            if (n + len > a.length) {
                a = Arrays.copyOf(a, Math.max(a.length * 2, n + len));
            }
            System.arraycopy(src, off, a, n, len);
            n += len;
        }

        void append(ByteBuf other) {
            append(other.a, 0, other.n);
        }

        boolean isBlank() {
            for (int i = 0; i < n; i++) {
                byte b = a[i];
                if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                    return false;
                }
            }
            return true;
        }

        boolean endsWithNewline() {
            return n > 0 && a[n - 1] == '\n';
        }

        byte[] toArray() {
            return Arrays.copyOf(a, n);
        }

        void clear() {
            n = 0;
        }
    }

    // ---------------------------------------------------------------- input

    record Bodies(List<byte[]> bodies, int[] lines, long totalLines, long droppedLines, long bytes) {
    }

    /** Input files: the file itself, or a folder's {@code cdr-*} files in name order. */
    private static List<Path> inputFiles(Path input) throws IOException {
        if (!Files.isDirectory(input)) {
            return List.of(input);
        }
        try (Stream<Path> s = Files.list(input)) {
            List<Path> files = s.filter(p -> p.getFileName().toString().startsWith("cdr-") && Files.isRegularFile(p))
                    .sorted().toList();
            if (files.isEmpty()) {
                throw new IOException("no cdr-* files in " + input);
            }
            return files;
        }
    }

    /**
     * Streams the input into bodies of {@code batch} non-blank lines each (every line ends with '\n'). A trailing
     * partial batch is kept only when the input has no full batch, so every request carries the same count.
     */
    static Bodies readBodies(List<Path> files, int batch) throws IOException {
        List<byte[]> bodies = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        ByteBuf line = new ByteBuf(1024);
        ByteBuf body = new ByteBuf(batch * 320);
        byte[] buf = new byte[1 << 16];
        int inBody = 0;
        long total = 0;
        long bytes = 0;
        for (Path f : files) {
            try (InputStream in = Files.newInputStream(f)) {
                int r;
                while ((r = in.read(buf)) > 0) {
                    int start = 0;
                    for (int i = 0; i < r; i++) {
                        if (buf[i] == '\n') {
                            line.append(buf, start, i + 1 - start);
                            start = i + 1;
                            if (!line.isBlank()) {
                                body.append(line);
                                total++;
                                if (++inBody == batch) {
                                    bodies.add(body.toArray());
                                    counts.add(inBody);
                                    bytes += body.n;
                                    body.clear();
                                    inBody = 0;
                                }
                            }
                            line.clear();
                        }
                    }
                    line.append(buf, start, r - start);
                }
            }
            if (!line.isBlank()) { // last line of a file without a final newline
                if (!line.endsWithNewline()) {
                    line.append(new byte[] {'\n'}, 0, 1);
                }
                body.append(line);
                total++;
                if (++inBody == batch) {
                    bodies.add(body.toArray());
                    counts.add(inBody);
                    bytes += body.n;
                    body.clear();
                    inBody = 0;
                }
            }
            line.clear();
        }
        long dropped = 0;
        if (inBody > 0) {
            if (bodies.isEmpty()) {
                bodies.add(body.toArray());
                counts.add(inBody);
                bytes += body.n;
            } else {
                dropped = inBody;
            }
        }
        int[] lines = counts.stream().mapToInt(Integer::intValue).toArray();
        return new Bodies(bodies, lines, total, dropped, bytes);
    }

    // ---------------------------------------------------------------- server side probes

    record Target(String baseUrl, long pid) {
    }

    /** The API token of the server's data dir ({@code <data-dir>/api-token}, issue 17), sent with every request. */
    private static volatile String authorization;

    private static HttpRequest.Builder authorized(HttpRequest.Builder b) {
        return authorization == null ? b : b.header("Authorization", authorization);
    }

    private static Target target(Options o) throws IOException {
        String url = o.url;
        long pid = o.pid;
        if (o.dataDir != null) {
            Path tokenFile = o.dataDir.resolve("api-token");
            if (Files.isRegularFile(tokenFile)) {
                authorization = "Bearer " + Files.readString(tokenFile).strip();
            }
            Path f = o.dataDir.resolve("sluice-up.json");
            if (Files.isRegularFile(f)) {
                JsonNode n = JSON.readTree(f.toFile());
                if (pid <= 0 && n.path("pid").asLong(-1) > 0) {
                    pid = n.path("pid").asLong();
                }
                if (url == null) {
                    String host = n.path("host").asText("127.0.0.1");
                    int port = n.path("port").asInt(-1);
                    if (port <= 0) {
                        throw new IOException(f + " names no port");
                    }
                    if (host.isEmpty() || host.equals("0.0.0.0") || host.equals("::")) {
                        host = "127.0.0.1";
                    } else if (host.contains(":") && !host.startsWith("[")) {
                        host = "[" + host + "]";
                    }
                    url = "http://" + host + ":" + port;
                }
            } else if (url == null) {
                throw new IOException(f + " not found: is 'sluice up --data-dir " + o.dataDir + "' running?");
            }
        }
        return new Target(url, pid);
    }

    /** Resident set size of {@code pid} in KiB (VmRSS, or {@code field}), -1 when unknown. */
    static long procStatusKiB(long pid, String field) {
        if (pid <= 0) {
            return -1;
        }
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (l.startsWith(field + ":")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** The status answer's queue figures (-1 when absent) and totals (null when absent); null when no answer. */
    record Status(long queueIngests, long queueBytes, JsonNode totals) {
    }

    private static Status status(HttpClient client, String baseUrl) {
        try {
            HttpResponse<byte[]> r = client.send(authorized(HttpRequest.newBuilder(URI.create(baseUrl + "/v1/status")))
                    .version(HttpClient.Version.HTTP_1_1).timeout(Duration.ofMillis(900)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                return null;
            }
            JsonNode n = JSON.readTree(r.body());
            JsonNode q = n.path("queue");
            long ingests = q.path("ingests").isNumber() ? q.path("ingests").asLong() : -1;
            long bytes = q.path("bytes").isNumber() ? q.path("bytes").asLong() : -1;
            JsonNode totals = n.has("totals") ? n.get("totals") : null;
            return new Status(ingests, bytes, totals);
        } catch (IOException | RuntimeException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    // ---------------------------------------------------------------- workers

    /** Shared state of a run: counters for the per-second lines, the body cursor, error samples. */
    private static final class Run {
        final HttpClient client;
        final HttpRequest[] requests;
        final int[] lines;
        final long measureStart;
        final long end;
        final AtomicLong nextBody = new AtomicLong();
        final AtomicLong sent = new AtomicLong();       // every request sent, retries included
        final AtomicLong okRequests = new AtomicLong(); // 202 answers, whole run
        final AtomicLong okRecords = new AtomicLong();
        final AtomicLong throttled = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicLong recordsMismatch = new AtomicLong();
        final List<String> errorSamples = new ArrayList<>();

        Run(HttpClient client, HttpRequest[] requests, int[] lines, long measureStart, long end) {
            this.client = client;
            this.requests = requests;
            this.lines = lines;
            this.measureStart = measureStart;
            this.end = end;
        }

        void error(String message) {
            errors.incrementAndGet();
            synchronized (errorSamples) {
                if (errorSamples.size() < MAX_ERROR_SAMPLES) {
                    errorSamples.add(message);
                }
            }
        }
    }

    private static final class Worker implements Runnable {
        private final Run run;
        /** Latencies (ns) answered within the measured window; read by main only after join. */
        final LongArray measured = new LongArray(1 << 12);
        long measuredRequests;
        long measuredRecords;
        /** Latencies (ns) since the monitor last took them; guarded by this. */
        private LongArray interval = new LongArray(256);

        Worker(Run run) {
            this.run = run;
        }

        synchronized LongArray takeInterval() {
            LongArray taken = interval;
            interval = new LongArray(Math.max(256, taken.size()));
            return taken;
        }

        @Override
        public void run() {
            HttpRequest[] requests = run.requests;
            while (System.nanoTime() < run.end && !Thread.currentThread().isInterrupted()) {
                int i = (int) (run.nextBody.getAndIncrement() % requests.length);
                if (!send(i)) {
                    return;
                }
            }
        }

        /** Sends body i until it is accepted, fails, or the run is over; false when interrupted. */
        private boolean send(int i) {
            while (true) {
                long t0 = System.nanoTime();
                HttpResponse<String> r;
                try {
                    run.sent.incrementAndGet();
                    r = run.client.send(run.requests[i], HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                } catch (IOException | RuntimeException e) {
                    run.error(describe(e));
                    return pause(100); // a refused connection must not spin
                }
                long t1 = System.nanoTime();
                int code = r.statusCode();
                if (code == 202) {
                    int records = run.lines[i];
                    long answered = answeredRecords(r.body());
                    if (answered >= 0 && answered != records) {
                        run.recordsMismatch.incrementAndGet();
                    }
                    run.okRequests.incrementAndGet();
                    run.okRecords.addAndGet(records);
                    long latency = t1 - t0;
                    synchronized (this) {
                        interval.add(latency);
                    }
                    if (t1 >= run.measureStart && t1 <= run.end) {
                        measured.add(latency);
                        measuredRequests++;
                        measuredRecords += records;
                    }
                    return true;
                }
                if (code == 429) {
                    run.throttled.incrementAndGet();
                    long waitMs = retryAfterMillis(r);
                    long left = (run.end - System.nanoTime()) / 1_000_000;
                    if (left <= 0) {
                        return true;
                    }
                    if (!pause(Math.min(waitMs, left))) {
                        return false;
                    }
                    if (System.nanoTime() >= run.end) {
                        return true;
                    }
                    continue; // the same body again
                }
                String body = r.body() == null ? "" : r.body().strip();
                run.error("HTTP " + code + ": " + (body.length() > 300 ? body.substring(0, 300) + "..." : body));
                return true;
            }
        }

        /** Exception class and message, with the cause's where the exception has none (ConnectException). */
        private static String describe(Throwable e) {
            StringBuilder sb = new StringBuilder(e.getClass().getSimpleName());
            Throwable t = e;
            while (t != null && t.getMessage() == null && t.getCause() != null && t.getCause() != t) {
                t = t.getCause();
                sb.append(" <- ").append(t.getClass().getSimpleName());
            }
            if (t != null && t.getMessage() != null) {
                sb.append(": ").append(t.getMessage());
            }
            return sb.toString();
        }

        private static long retryAfterMillis(HttpResponse<?> r) {
            String v = r.headers().firstValue("Retry-After").orElse("").trim();
            try {
                double s = Double.parseDouble(v);
                return Math.max(10, Math.min(1000, (long) (s * 1000)));
            } catch (NumberFormatException e) {
                return 1000; // absent, or an HTTP date: the cap
            }
        }

        private static boolean pause(long millis) {
            try {
                Thread.sleep(millis);
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        /** The "records" field of a 202 answer, -1 when absent; a cheap scan, no JSON tree per request. */
        private static long answeredRecords(String body) {
            if (body == null) {
                return -1;
            }
            int k = body.indexOf("\"records\"");
            if (k < 0) {
                return -1;
            }
            int p = body.indexOf(':', k + 9);
            if (p < 0) {
                return -1;
            }
            p++;
            while (p < body.length() && Character.isWhitespace(body.charAt(p))) {
                p++;
            }
            long v = 0;
            int digits = 0;
            while (p < body.length() && Character.isDigit(body.charAt(p))) {
                v = v * 10 + (body.charAt(p++) - '0');
                digits++;
            }
            return digits == 0 ? -1 : v;
        }
    }

    // ---------------------------------------------------------------- main

    public static void main(String[] args) {
        Options o;
        try {
            o = parse(args);
        } catch (UsageException e) {
            if (!e.getMessage().isEmpty()) {
                System.err.println("HttpLoad: " + e.getMessage());
            }
            System.err.print(USAGE);
            System.exit(e.getMessage().isEmpty() ? 0 : 2);
            return;
        }
        try {
            System.exit(run(o));
        } catch (IOException e) {
            System.err.println("HttpLoad: " + e.getMessage());
            System.exit(1);
        } catch (InterruptedException e) {
            System.err.println("HttpLoad: interrupted");
            System.exit(1);
        }
    }

    private static int run(Options o) throws IOException, InterruptedException {
        Target target = target(o);
        List<Path> files = inputFiles(o.input);
        long readStart = System.nanoTime();
        Bodies b = readBodies(files, o.batch);
        if (b.bodies().isEmpty()) {
            throw new IOException("no records in " + o.input);
        }
        System.err.printf(Locale.ROOT, "HttpLoad: %s -> %d bodies of %d lines (%,d records, %.1f MiB, %d trailing lines left out) in %.1f s%n",
                o.input, b.bodies().size(), b.lines()[0], b.totalLines() - b.droppedLines(), b.bytes() / 1048576.0,
                b.droppedLines(), (System.nanoTime() - readStart) / 1e9);
        System.err.printf(Locale.ROOT, "HttpLoad: POST %s/v1/cdrs (%s), concurrency %d, warm-up %d s, measured %d s, server pid %s%n",
                target.baseUrl(), o.contentType, o.concurrency, o.warmup, o.seconds, target.pid() > 0 ? target.pid() : "unknown (no RSS)");

        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        URI ingest = URI.create(target.baseUrl() + "/v1/cdrs");
        HttpRequest[] prepared = new HttpRequest[b.bodies().size()];
        for (int i = 0; i < prepared.length; i++) {
            prepared[i] = authorized(HttpRequest.newBuilder(ingest)).version(HttpClient.Version.HTTP_1_1)
                    .timeout(Duration.ofSeconds(o.timeoutSeconds)).header("Content-Type", o.contentType)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(b.bodies().get(i))).build();
        }

        long rssBefore = procStatusKiB(target.pid(), "VmRSS");
        Status before = status(client, target.baseUrl());

        long start = System.nanoTime();
        long measureStart = start + o.warmup * SECOND;
        long end = measureStart + o.seconds * SECOND;
        Run run = new Run(client, prepared, b.lines(), measureStart, end);
        Worker[] workers = new Worker[o.concurrency];
        Thread[] threads = new Thread[o.concurrency];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(run);
            threads[i] = new Thread(workers[i], "load-" + i);
            threads[i].start();
        }

        // One line per second until the deadline; samples in the measured window make the RSS and queue figures.
        LongArray rssSamples = new LongArray(o.seconds + 1);
        long queueMaxIngests = -1;
        long queueMaxBytes = -1;
        long statusFailures = 0;
        long lastSent = 0;
        long lastRecords = 0;
        long lastThrottled = 0;
        long lastErrors = 0;
        for (int tick = 1; ; tick++) {
            long at = start + tick * SECOND;
            long now = System.nanoTime();
            if (at > end) {
                break;
            }
            if (at > now) {
                Thread.sleep((at - now) / 1_000_000, (int) ((at - now) % 1_000_000));
            }
            long sent = run.sent.get();
            long records = run.okRecords.get();
            long throttled = run.throttled.get();
            long errors = run.errors.get();
            LongArray last = new LongArray(256);
            for (Worker w : workers) {
                last.addAll(w.takeInterval());
            }
            long rss = procStatusKiB(target.pid(), "VmRSS");
            Status s = status(client, target.baseUrl());
            boolean measuring = at > measureStart;
            if (measuring && rss >= 0) {
                rssSamples.add(rss);
            }
            if (s == null) {
                statusFailures++;
            } else if (measuring) {
                queueMaxIngests = Math.max(queueMaxIngests, s.queueIngests());
                queueMaxBytes = Math.max(queueMaxBytes, s.queueBytes());
            }
            long[] sorted = last.sorted();
            StringBuilder line = new StringBuilder(160);
            line.append(String.format(Locale.ROOT, "t=%ds%s  sent/s=%d  records/s=%d  p99(last s)=%s ms  rss=%s MiB  queue=%s",
                    tick, measuring ? "" : " (warm-up)", sent - lastSent, records - lastRecords,
                    sorted.length == 0 ? "-" : String.format(Locale.ROOT, "%.1f", percentile(sorted, 0.99) / 1e6),
                    rss < 0 ? "?" : String.valueOf(rss / 1024), queueText(s)));
            if (throttled != lastThrottled) {
                line.append("  throttled=").append(throttled - lastThrottled);
            }
            if (errors != lastErrors) {
                line.append("  errors=").append(errors - lastErrors);
            }
            System.err.println(line);
            lastSent = sent;
            lastRecords = records;
            lastThrottled = throttled;
            lastErrors = errors;
        }

        for (Thread t : threads) {
            t.join(Math.max(1000L, (o.timeoutSeconds + 5) * 1000L));
            if (t.isAlive()) {
                t.interrupt();
                t.join(5000);
            }
        }
        long rssEnd = procStatusKiB(target.pid(), "VmRSS");
        Status after = status(client, target.baseUrl());

        // Optional: how long the server needs to work off what it queued.
        Double drainSeconds = null;
        Status drained = after;
        if (o.drainTimeout > 0 && after != null && after.queueIngests() >= 0) {
            long drainStart = System.nanoTime();
            long drainEnd = drainStart + o.drainTimeout * SECOND;
            Status s = after;
            while (true) {
                if (s != null && s.queueIngests() == 0) {
                    drainSeconds = (System.nanoTime() - drainStart) / 1e9;
                    break;
                }
                if (System.nanoTime() >= drainEnd) {
                    break;
                }
                Thread.sleep(1000);
                s = status(client, target.baseUrl());
                System.err.printf(Locale.ROOT, "drain t=%ds  queue=%s  rss=%s MiB%n", (System.nanoTime() - drainStart) / SECOND,
                        queueText(s), procStatusKiB(target.pid(), "VmRSS") < 0 ? "?" : procStatusKiB(target.pid(), "VmRSS") / 1024);
                if (s != null) {
                    drained = s;
                }
            }
            if (drainSeconds == null) {
                System.err.printf("HttpLoad: the queue did not drain within %d s%n", o.drainTimeout);
            }
        }

        // Figures.
        LongArray all = new LongArray(1 << 12);
        long requests = 0;
        long records = 0;
        for (Worker w : workers) {
            all.addAll(w.measured);
            requests += w.measuredRequests;
            records += w.measuredRecords;
        }
        long[] lat = all.sorted();
        double seconds = (end - measureStart) / 1e9;
        long bodiesUsed = run.nextBody.get();
        boolean cycled = bodiesUsed > prepared.length;
        long errors = run.errors.get();

        ObjectNode result = JSON.createObjectNode();
        result.put("seconds", round(seconds, 3));
        result.put("batch", o.batch);
        result.put("concurrency", o.concurrency);
        result.put("requests", requests);
        result.put("records", records);
        result.put("records_per_second", round(records / seconds, 1));
        result.put("requests_per_second", round(requests / seconds, 2));
        ObjectNode l = result.putObject("latency_ms");
        l.put("p50", lat.length == 0 ? null : round(percentile(lat, 0.50) / 1e6, 3));
        l.put("p90", lat.length == 0 ? null : round(percentile(lat, 0.90) / 1e6, 3));
        l.put("p99", lat.length == 0 ? null : round(percentile(lat, 0.99) / 1e6, 3));
        l.put("max", lat.length == 0 ? null : round(lat[lat.length - 1] / 1e6, 3));
        result.put("throttled", run.throttled.get());
        result.put("errors", errors);
        ArrayNode samples = result.putArray("error_samples");
        synchronized (run.errorSamples) {
            run.errorSamples.forEach(samples::add);
        }
        ObjectNode rss = result.putObject("rss_mib");
        if (rssSamples.size() > 0) {
            long[] rs = rssSamples.sorted();
            rss.put("min", rs[0] / 1024);
            rss.put("max", rs[rs.length - 1] / 1024);
            rss.put("first", rssSamples.a[0] / 1024);
            rss.put("last", rssSamples.a[rssSamples.size() - 1] / 1024);
        } else {
            rss.putNull("min");
            rss.putNull("max");
            rss.putNull("first");
            rss.putNull("last");
        }
        if (queueMaxIngests >= 0) {
            result.put("queue_max_ingests", queueMaxIngests);
        } else {
            result.putNull("queue_max_ingests");
        }
        // Beyond the headline figures: context for reading them.
        result.put("warmup_seconds", o.warmup);
        result.put("content_type", o.contentType);
        result.put("url", target.baseUrl());
        result.put("input", o.input.toString());
        result.put("distinct_bodies", prepared.length);
        result.put("bodies_sent", bodiesUsed);
        result.put("cycled", cycled);
        result.put("requests_sent", run.sent.get());
        result.put("requests_accepted_total", run.okRequests.get());
        result.put("records_accepted_total", run.okRecords.get());
        result.put("records_mismatch", run.recordsMismatch.get());
        if (queueMaxBytes >= 0) {
            result.put("queue_max_bytes", queueMaxBytes);
        }
        if (after != null && after.queueIngests() >= 0) {
            result.put("queue_end_ingests", after.queueIngests());
        }
        if (o.drainTimeout > 0) {
            if (drainSeconds != null) {
                result.put("drain_seconds", round(drainSeconds, 1));
            } else {
                result.putNull("drain_seconds");
            }
        }
        result.put("status_failures", statusFailures);
        if (rssBefore >= 0) {
            result.put("rss_mib_before", rssBefore / 1024);
        }
        if (rssEnd >= 0) {
            result.put("rss_mib_end", rssEnd / 1024);
        }
        long hwm = procStatusKiB(target.pid(), "VmHWM");
        if (hwm >= 0) {
            result.put("rss_mib_peak", hwm / 1024);
        }
        if (target.pid() > 0) {
            result.put("server_pid", target.pid());
        }
        if (before != null && before.totals() != null) {
            result.set("server_totals_before", before.totals());
        }
        Status last = drained != null ? drained : after;
        if (last != null && last.totals() != null) {
            result.set("server_totals_after", last.totals());
        }

        String text = JSON.writeValueAsString(result);
        System.out.println(text);
        if (o.out != null) {
            Path parent = o.out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(o.out, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result) + "\n");
        }
        System.err.printf(Locale.ROOT, "HttpLoad: %d distinct bodies, %d sent: %s%n", prepared.length, bodiesUsed,
                cycled ? "cycled (repeats count as duplicates on the server)" : "no body sent twice");
        if (errors > 0) {
            System.err.printf("HttpLoad: %d errors%n", errors);
            return 1;
        }
        if (requests == 0) {
            System.err.println("HttpLoad: no request was accepted in the measured window");
            return 1;
        }
        return 0;
    }

    /** Nearest-rank percentile of a sorted, non-empty array. */
    static long percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
    }

    private static double round(double v, int decimals) {
        double f = Math.pow(10, decimals);
        return Math.round(v * f) / f;
    }

    private static String queueText(Status s) {
        if (s == null) {
            return "?";
        }
        if (s.queueIngests() < 0 && s.queueBytes() < 0) {
            return "-";
        }
        String q = s.queueIngests() < 0 ? "?" : String.valueOf(s.queueIngests());
        return s.queueBytes() < 0 ? q : String.format(Locale.ROOT, "%s (%.1f MiB)", q, s.queueBytes() / 1048576.0);
    }
}
