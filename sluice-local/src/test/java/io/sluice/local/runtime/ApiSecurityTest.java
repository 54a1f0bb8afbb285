package io.sluice.local.runtime;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.local.generate.CdrGenerator;
import io.sluice.local.generate.GeneratorSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 (SEC-1, SEC-5): the local API answers only the user who started it. Every request here is written byte
 * by byte on a loopback socket, as a browser, a rebinding page or a broken client would send it, so that Host,
 * Origin and truncated bodies are exactly what is tested; each test also checks that nothing of a refused request
 * was stored.
 */
class ApiSecurityTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path shared;
    static String body;

    @TempDir
    Path dataDir;
    private LocalRuntime rt;

    @BeforeAll
    static void generate() throws IOException {
        CdrGenerator.generate(GeneratorSpec.of(200, 50, 1).withSeed(17).withEndDate(LocalDate.of(2026, 11, 20)), shared, n -> { });
        try (Stream<Path> s = Files.list(shared)) {
            Path f = s.filter(p -> p.getFileName().toString().startsWith("cdr-")).findFirst().orElseThrow();
            body = String.join("\n", Files.readAllLines(f, UTF_8).subList(0, 20)) + "\n";
        }
    }

    @AfterEach
    void stop() {
        if (rt != null) {
            rt.stop();
        }
    }

    private void start() throws Exception {
        rt = LocalRuntime.start(UpConfig.defaults(dataDir).withPort(0), m -> { });
    }

    /** An answer: status code, headers as written, body. */
    record Answer(int status, String headers, String body) {
        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    /** Sends {@code head} (request line and headers, CRLF-separated, without the blank line) and {@code content}. */
    private Answer send(String head, byte[] content, boolean truncate) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", rt.port()), 5_000);
            s.setSoTimeout(15_000);
            OutputStream out = s.getOutputStream();
            out.write((head + "\r\nConnection: close\r\n\r\n").getBytes(UTF_8));
            out.write(content);
            out.flush();
            if (truncate) {
                s.shutdownOutput(); // the body ends before its Content-Length
            }
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(UTF_8);
            int split = text.indexOf("\r\n\r\n");
            String headers = split < 0 ? text : text.substring(0, split);
            String rest = split < 0 ? "" : text.substring(split + 4);
            if (headers.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked")) {
                rest = unchunk(rest);
            }
            return new Answer(Integer.parseInt(headers.substring(9, 12)), headers, rest);
        }
    }

    private static String unchunk(String chunked) {
        StringBuilder b = new StringBuilder();
        int i = 0;
        while (i < chunked.length()) {
            int eol = chunked.indexOf("\r\n", i);
            int n = Integer.parseInt(chunked.substring(i, eol).strip(), 16);
            if (n == 0) {
                break;
            }
            b.append(chunked, eol + 2, eol + 2 + n);
            i = eol + 2 + n + 2;
        }
        return b.toString();
    }

    private Answer get(String path, String... headers) throws IOException {
        return send("GET " + path + " HTTP/1.1\r\n" + String.join("\r\n", headers), new byte[0], false);
    }

    private Answer post(String path, String contentType, byte[] content, String... headers) throws IOException {
        String head = "POST " + path + " HTTP/1.1\r\n" + String.join("\r\n", headers)
                + (contentType == null ? "" : "\r\nContent-Type: " + contentType) + "\r\nContent-Length: " + content.length;
        return send(head, content, false);
    }

    private String host() {
        return "Host: 127.0.0.1:" + rt.port();
    }

    private String auth() {
        return "Authorization: Bearer " + rt.token();
    }

    /** What the store holds of HTTP ingests and profiles: nothing of a refused request may be there. */
    private long[] stored() throws Exception {
        return rt.read(c -> {
            try (var st = c.createStatement(); var rs = st.executeQuery(
                    "SELECT (SELECT count(*) FROM http_ingests), (SELECT count(*) FROM profiles)")) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2)};
            }
        });
    }

    @Test
    @DisplayName("SEC-1: without the token every endpoint but /healthz answers 401; a wrong token too; the right one passes")
    void theTokenIsRequired() throws Exception {
        start();
        for (String path : List.of("/v1/status", "/v1/dead-letters", "/v1/reports/top-talkers", "/v1/files", "/v1/ingests/0")) {
            Answer a = get(path, host());
            assertThat(a.status()).as(path).isEqualTo(401);
            assertThat(a.headers()).contains("WWW-Authenticate: Bearer");
            assertThat(a.json().path("error").asText()).contains("api-token").doesNotContain(rt.token());
        }
        assertThat(get("/v1/status", host(), "Authorization: Bearer not-the-token").status()).isEqualTo(401);
        assertThat(get("/v1/status", host(), auth()).status()).isEqualTo(200);
        assertThat(get("/healthz", host()).status()).isEqualTo(200);
        Answer write = post("/v1/cdrs", "text/csv", body.getBytes(UTF_8), host());
        assertThat(write.status()).isEqualTo(401);
        assertThat(stored()[0]).isZero();
    }

    @Test
    @DisplayName("SEC-1: the token file is the owner's only (0600), kept across restarts, replaced by a rotation that locks the old one out")
    void theTokenFile() throws Exception {
        start();
        Path file = dataDir.resolve(ApiToken.FILE);
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
        String first = rt.token();
        assertThat(first).hasSizeGreaterThanOrEqualTo(43); // 256 bits, base64url
        rt.stop();
        start();
        assertThat(rt.token()).isEqualTo(first);
        rt.stop();
        ApiToken.loadOrCreate(dataDir, true); // sluice up --rotate-token
        start();
        assertThat(rt.token()).isNotEqualTo(first);
        assertThat(get("/v1/status", host(), "Authorization: Bearer " + first).status()).isEqualTo(401);
    }

    @Test
    @DisplayName("CSRF: a simple cross-site POST (text/plain, another Origin) and a form post of profiles are refused and store nothing")
    void crossSiteWritesAreRefused() throws Exception {
        start();
        // What a page on another site can send without a preflight: no token (it cannot read it), its own Origin.
        Answer simple = post("/v1/cdrs", "text/plain", body.getBytes(UTF_8), host(), "Origin: http://evil.example");
        assertThat(simple.status()).isEqualTo(403);
        assertThat(simple.headers().toLowerCase(Locale.ROOT)).doesNotContain("access-control-allow");
        Answer form = post("/v1/profiles", "application/x-www-form-urlencoded", "msisdn=%2B14155550100&plan=free".getBytes(UTF_8),
                host(), "Origin: http://evil.example");
        assertThat(form.status()).isEqualTo(403);
        // Even with the token, the documented content types only: text/plain and form types are what pages send.
        assertThat(post("/v1/cdrs", "text/plain", body.getBytes(UTF_8), host(), auth()).status()).isEqualTo(415);
        assertThat(post("/v1/profiles", "application/x-www-form-urlencoded", "a=b".getBytes(UTF_8), host(), auth()).status())
                .isEqualTo(415);
        assertThat(post("/v1/profiles", null, "msisdn,plan,home_country\n+14155550100,free,US\n".getBytes(UTF_8), host(), auth())
                .status()).isEqualTo(415);
        // A preflight gets no CORS approval.
        Answer preflight = send("OPTIONS /v1/cdrs HTTP/1.1\r\n" + host() + "\r\nOrigin: http://evil.example\r\n"
                + "Access-Control-Request-Method: POST", new byte[0], false);
        assertThat(preflight.headers().toLowerCase(Locale.ROOT)).doesNotContain("access-control-allow");
        assertThat(stored()).containsExactly(0, 0);
        // The server's own origin with the token is a normal request.
        assertThat(post("/v1/cdrs", "text/csv", body.getBytes(UTF_8), host(), auth(), "Origin: http://127.0.0.1:" + rt.port())
                .status()).isEqualTo(202);
    }

    @Test
    @DisplayName("DNS rebinding: a request naming another Host is refused before it reads or writes anything, token or not")
    void rebindingHostsAreRefused() throws Exception {
        start();
        for (String h : List.of("evil.example", "evil.example:" + rt.port(), "127.0.0.1.evil.example", "localhost.evil.example")) {
            Answer read = get("/v1/dead-letters", "Host: " + h, auth());
            assertThat(read.status()).as(h).isEqualTo(403);
            assertThat(read.json().path("error").asText()).contains("DNS rebinding");
            assertThat(post("/v1/cdrs", "text/csv", body.getBytes(UTF_8), "Host: " + h, auth()).status()).as(h).isEqualTo(403);
        }
        assertThat(get("/v1/status", "Host: localhost:" + rt.port(), auth()).status()).isEqualTo(200);
        assertThat(get("/v1/status", "Host: [::1]:" + rt.port(), auth()).status()).isEqualTo(200);
        assertThat(stored()[0]).isZero();
    }

    @Test
    @DisplayName("a browser signs in once with /?token=: an HttpOnly, SameSite=Strict cookie; a wrong token gets no cookie")
    void browserSignIn() throws Exception {
        start();
        Answer wrong = get("/?token=nope", host());
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.headers()).doesNotContain("Set-Cookie");
        Answer in = get("/?token=" + rt.token(), host());
        assertThat(in.status()).isEqualTo(200);
        String cookie = in.headers().lines().filter(l -> l.startsWith("Set-Cookie:")).findFirst().orElseThrow();
        assertThat(cookie).contains(ApiGuard.COOKIE + "=" + rt.token()).contains("HttpOnly").contains("SameSite=Strict");
        assertThat(get("/v1/status", host(), "Cookie: " + ApiGuard.COOKIE + "=" + rt.token()).status()).isEqualTo(200);
    }

    @Test
    @DisplayName("a body trickling slower than 4 KiB/s is cut with 408 once the grace has passed; a small body sent at once is taken")
    void slowBodiesAreCut() throws Exception {
        start();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", rt.port()), 5_000);
            s.setSoTimeout(15_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/cdrs HTTP/1.1\r\n" + host() + "\r\n" + auth() + "\r\nContent-Type: text/csv\r\n"
                    + "Content-Length: 100000\r\nConnection: close\r\n\r\n").getBytes(UTF_8));
            long started = System.nanoTime();
            String answer = "";
            // 20 bytes every 250 ms: 80 B/s. Bounded: the server answers after its 2 s grace, or the test stops at 8 s.
            while (System.nanoTime() - started < 8_000_000_000L) {
                try {
                    out.write("\"acme\",\"4155550100\"\n".getBytes(UTF_8));
                    out.flush();
                } catch (IOException closed) {
                    break; // the server answered and closed
                }
                if (s.getInputStream().available() > 0) {
                    break;
                }
                Thread.sleep(250);
            }
            answer = new String(s.getInputStream().readAllBytes(), UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 408").contains("slower than 4 KiB/s");
            assertThat((System.nanoTime() - started) / 1_000_000).isBetween(1_900L, 8_000L);
        }
        assertThat(stored()[0]).as("the cut body stored nothing").isZero();
        Answer small = send("POST /v1/cdrs HTTP/1.1\r\n" + host() + "\r\n" + auth() + "\r\nContent-Type: text/csv\r\nContent-Length: "
                + body.getBytes(UTF_8).length, body.getBytes(UTF_8), false);
        assertThat(small.status()).isEqualTo(202);
    }

    @Test
    @DisplayName("a truncated body is the client's fault: 400, counted as refused, not among last_errors, nothing stored")
    void truncatedBodiesAreClientFaults() throws Exception {
        start();
        byte[] full = body.getBytes(UTF_8);
        for (int i = 0; i < 3; i++) {
            Answer a = send("POST /v1/cdrs HTTP/1.1\r\n" + host() + "\r\n" + auth() + "\r\nContent-Type: text/csv\r\nContent-Length: "
                    + (full.length + 1000), full, true);
            assertThat(a.status()).isEqualTo(400);
            assertThat(a.json().path("error").asText()).contains("request body").doesNotContain("Exception");
        }
        JsonNode status = JSON.readTree(get("/v1/status", host(), auth()).body());
        assertThat(status.path("last_errors")).isEmpty();
        assertThat(status.path("totals").path("requests_refused").asLong()).isEqualTo(3);
        assertThat(stored()[0]).isZero();
    }

    @Test
    @DisplayName("listings are bounded: dead letters at most 1,000 per answer, paged with after=, the maximum stated")
    void deadLettersArePaged() throws Exception {
        start();
        StringBuilder bad = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            bad.append("\"only\",\"three\",\"columns ").append(i).append("\"\n");
        }
        Answer posted = post("/v1/cdrs?format=asterisk", "text/csv", bad.toString().getBytes(UTF_8), host(), auth());
        assertThat(posted.status()).isEqualTo(202);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode page;
        do {
            page = get("/v1/dead-letters?limit=20", host(), auth()).json();
        } while (page.path("total").asLong() < 30 && System.nanoTime() < deadline);
        assertThat(page.path("total").asLong()).isEqualTo(30);
        assertThat(page.path("limit_max").asInt()).isEqualTo(1000);
        assertThat(page.path("dead_letters")).as(page.toString()).hasSize(20);
        JsonNode next = get("/v1/dead-letters?limit=20&after=" + page.path("next_after").asLong(), host(), auth()).json();
        assertThat(next.path("dead_letters")).hasSize(10);
        assertThat(next.path("next_after").isNull()).isTrue();
        assertThat(get("/v1/dead-letters?limit=100000000", host(), auth()).status()).isEqualTo(400);
    }

    @Test
    @DisplayName("request line and headers are bounded (16 KiB): an oversize header gets 431, an oversize URL 414, nothing stored")
    void headersAndUrlsAreBounded() throws Exception {
        start();
        Answer header = get("/v1/status", host(), auth(), "X-Pad: " + "a".repeat(20_000));
        assertThat(header.status()).isEqualTo(431);
        Answer url = get("/v1/dead-letters?reason=" + "a".repeat(20_000), host(), auth());
        assertThat(url.status()).isEqualTo(414);
        assertThat(stored()[0]).isZero();
    }

    @Test
    @DisplayName("IOT-1: with --tls-cert/--tls-key the API is HTTPS only; this machine's commands get a plain loopback port of their own")
    void tls() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(new java.io.File("/usr/bin/openssl").canExecute(), "openssl is not installed");
        Path cert = dataDir.resolveSibling(dataDir.getFileName() + "-cert.pem");
        Path key = dataDir.resolveSibling(dataDir.getFileName() + "-key.pem");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "1", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1").redirectErrorStream(true).start();
        p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0).as("openssl made a certificate").isTrue();
        rt = LocalRuntime.start(UpConfig.defaults(dataDir).withPort(0).withExposure(new UpConfig.Exposure(
                java.util.Optional.of(cert), java.util.Optional.of(key), false, Set.of())), m -> { });

        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(cert)) {
            trust.setCertificateEntry("sluice", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        javax.net.ssl.SSLContext tlsContext = javax.net.ssl.SSLContext.getInstance("TLS");
        tlsContext.init(null, tmf.getTrustManagers(), null);
        java.net.http.HttpClient https = java.net.http.HttpClient.newBuilder().sslContext(tlsContext)
                .connectTimeout(Duration.ofSeconds(5)).build();
        var ok = https.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("https://localhost:" + rt.port() + "/v1/status"))
                .header("Authorization", "Bearer " + rt.token()).timeout(Duration.ofSeconds(10)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(ok.statusCode()).isEqualTo(200);
        // Plain HTTP to the HTTPS port gets no answer of the API.
        int plain;
        try {
            plain = get("/v1/status", host(), auth()).status();
        } catch (IOException | RuntimeException e) {
            plain = -1;
        }
        assertThat(plain).isNotEqualTo(200);
        // sluice-up.json names the loopback port, where the commands of this machine (with the token) are answered.
        RuntimeInfo info = RuntimeInfo.read(dataDir).orElseThrow();
        assertThat(info.host()).isEqualTo("127.0.0.1");
        assertThat(info.port()).isNotEqualTo(rt.port());
        var local = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(info.baseUrl() + "/v1/status")).header("Authorization", "Bearer " + rt.token()).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(local.statusCode()).isEqualTo(200);
    }

    @Test
    @DisplayName("binding beyond loopback needs TLS or an explicit --insecure; sluice up says so and starts nothing")
    void beyondLoopbackNeedsTlsOrInsecure() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        java.io.PrintStream stderr = System.err;
        System.setErr(new java.io.PrintStream(err, true, UTF_8)); // sluice up writes its messages to stderr
        int code;
        try {
            code = io.sluice.local.cli.SluiceCli.commandLine().execute("up", "--host", "0.0.0.0", "--port", "0", "--data-dir",
                    dataDir.toString());
        } finally {
            System.setErr(stderr);
        }
        assertThat(code).isEqualTo(io.sluice.local.cli.ExitCodes.USAGE);
        assertThat(err.toString()).contains("--tls-cert").contains("--insecure");
        assertThat(dataDir.resolve(ApiToken.FILE)).doesNotExist();
    }

    @Test
    @DisplayName("reports are not buffered whole: csv and json stream (no Content-Length); a table is capped at 100,000 rows")
    void reportsStream() throws Exception {
        start();
        // Enough subscriber-days (about 2,000 rows) that the answer outgrows every buffer on the way.
        Path many = CdrGenerator.generate(GeneratorSpec.of(6_000, 2_000, 1).withSeed(18).withEndDate(LocalDate.of(2026, 11, 20)),
                dataDir.resolveSibling(dataDir.getFileName() + "-many"), n -> { }).files().get(0);
        assertThat(post("/v1/cdrs", "text/csv", Files.readAllBytes(many), host(), auth()).status()).isEqualTo(202);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (JSON.readTree(get("/v1/status", host(), auth()).body()).path("totals").path("ingests_applied").asLong() < 1
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        for (String format : List.of("csv", "json")) {
            Answer a = get("/v1/reports/daily-usage?format=" + format + "&limit=0", host(), auth());
            assertThat(a.status()).as(format).isEqualTo(200);
            // Streamed: the length is not known when the answer starts (chunked, or delimited by the connection's close).
            assertThat(a.headers().toLowerCase(Locale.ROOT)).as(format).doesNotContain("content-length");
            assertThat(a.body()).as(format).isNotBlank();
        }
        JsonNode rows = JSON.readTree(get("/v1/reports/daily-usage?format=json&limit=0", host(), auth()).body());
        assertThat(rows.isArray()).isTrue();
        assertThat(rows.size()).isPositive();
        Answer table = get("/v1/reports/daily-usage?format=table&limit=0", host(), auth());
        assertThat(table.status()).isEqualTo(400);
        assertThat(table.json().path("error").asText()).contains("format=csv");
        assertThat(get("/v1/reports/daily-usage?format=table&limit=10", host(), auth()).status()).isEqualTo(200);
    }

    @Test
    @DisplayName("a fault of the server answers 500 with an error id and no exception text; last_errors and the log carry both")
    void serverFaultsAnswerAnIdNotTheException() throws Exception {
        start();
        assertThat(post("/v1/cdrs", "text/csv", body.getBytes(UTF_8), host(), auth()).status()).isEqualTo(202);
        rt.stop(); // writes the archive as Parquet
        rt = null;
        try (Stream<Path> files = Files.walk(dataDir.resolve("archive"))) {
            for (Path f : files.filter(f -> f.toString().endsWith(".parquet")).toList()) {
                Files.write(f, "this is not parquet".getBytes(UTF_8)); // a broken disk, say
            }
        }
        start();
        Answer a = get("/v1/reports/daily-usage?format=table&limit=10", host(), auth());
        assertThat(a.status()).isEqualTo(500);
        String id = a.json().path("error_id").asText();
        assertThat(id).isNotBlank();
        assertThat(a.body()).doesNotContainIgnoringCase("exception").doesNotContainIgnoringCase("parquet");
        JsonNode status = JSON.readTree(get("/v1/status", host(), auth()).body());
        assertThat(status.path("last_errors").toString()).contains(id);
    }

    @Test
    void hostNames() {
        assertThat(ApiGuard.hostName("LocalHost:8787")).isEqualTo("localhost");
        assertThat(ApiGuard.hostName("[::1]:8787")).isEqualTo("[::1]");
        assertThat(ApiGuard.hostName("127.0.0.1")).isEqualTo("127.0.0.1");
        assertThat(ApiGuard.hostName("")).isNull();
        assertThat(ApiGuard.hostName("[::1")).isNull();
    }
}
