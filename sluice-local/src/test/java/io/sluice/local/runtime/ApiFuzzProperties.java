package io.sluice.local.runtime;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Issue 17, item 6: generated requests (methods, paths with tricks in ids, queries, headers, content types, bodies,
 * with and without the token, with foreign Hosts and Origins) against the real server: none gets a 5xx, and none
 * that is refused stores anything. Bounded: 600 tries on loopback, each on its own connection with a 15 s timeout.
 */
class ApiFuzzProperties {
    private static Path dataDir;
    private static LocalRuntime rt;

    @BeforeContainer
    static void start() throws Exception {
        dataDir = Files.createTempDirectory("sluice-fuzz");
        rt = LocalRuntime.start(UpConfig.defaults(dataDir).withPort(0), m -> { });
    }

    @AfterContainer
    static void stop() {
        if (rt != null) {
            rt.stop();
        }
    }

    record Request(String method, String path, String host, String origin, boolean token, String contentType, byte[] body) {
        @Override
        public String toString() {
            return method + " " + path + " Host=" + host + " Origin=" + origin + " token=" + token + " type=" + contentType
                    + " body=" + body.length + " bytes";
        }
    }

    @Provide
    Arbitrary<Request> requests() {
        Arbitrary<String> method = Arbitraries.of("GET", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "HEAD");
        Arbitrary<String> path = Arbitraries.of("/", "/healthz", "/v1/cdrs", "/v1/status", "/v1/files", "/v1/ingests/",
                "/v1/ingests/0", "/v1/ingests/-1", "/v1/ingests/99999999999999999999", "/v1/ingests/abc", "/v1/dead-letters",
                "/v1/dead-letters/", "/v1/dead-letters/1", "/v1/dead-letters/..%2F..%2Fetc%2Fpasswd", "/v1/dead-letters/%00",
                "/v1/reports/top-talkers", "/v1/reports/daily-usage", "/v1/reports/..", "/v1/reports/%2e%2e", "/v1/profiles",
                "/v1/nothing", "//v1/status", "/v1/status/", "/v1/cdrs?format=asterisk", "/v1/cdrs?format=cisco");
        Arbitrary<String> query = Arbitraries.of("", "?limit=-1", "?limit=0", "?limit=abc", "?limit=2147483648", "?after=-5",
                "?from=2026-13-40", "?from=2026-11-01&to=2026-10-01", "?format=xml", "?format=table", "?reason=NOPE",
                "?limit=1000&after=9223372036854775807", "?token=wrong", "?default_country=ZZ", "?name=%0d%0aX-Y:1");
        // Mostly a valid envelope (this server's Host, no Origin, the token), so that most tries reach the routes.
        Arbitrary<String> host = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(8, Arbitraries.of("127.0.0.1", "localhost", "[::1]")),
                net.jqwik.api.Tuple.of(2, Arbitraries.of("evil.example", "127.0.0.1.evil.example", "")));
        Arbitrary<String> origin = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(8, Arbitraries.just("")),
                net.jqwik.api.Tuple.of(2, Arbitraries.of("null", "http://evil.example", "http://127.0.0.1", "file://")));
        Arbitrary<Boolean> token = Arbitraries.frequency(net.jqwik.api.Tuple.of(8, true), net.jqwik.api.Tuple.of(2, false));
        Arbitrary<String> type = Arbitraries.of("", "text/csv", "text/csv; charset=utf-8", "application/x-ndjson", "text/plain",
                "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json", "*/*", "text/csv;;;");
        Arbitrary<byte[]> body = Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(2048),
                Arbitraries.of("\"acme\",\"4155550100\",\"4155551100\"\n", "{\"src\":1}\n", "msisdn,plan,home_country\n+14155550100,x,US\n",
                        "\"unclosed\n\"quote", "\u0000\u0001\u0002", "").map(s -> s.getBytes(UTF_8)));
        return Combinators.combine(method, path.flatMap(p -> query.map(q -> p.contains("?") ? p : p + q)), host, origin,
                token, type, body).as(Request::new);
    }

    @Property(tries = 600, edgeCases = net.jqwik.api.EdgeCasesMode.NONE)
    void noClientInputGetsAServerErrorNorStoresWhenRefused(@ForAll("requests") Request r) throws Exception {
        awaitApplied(); // an earlier accepted body is applied by the worker later: not this request's doing
        long[] before = stored();
        int status = send(r);
        assertThat(status).as(r.toString()).isLessThan(500);
        if (status >= 300) {
            assertThat(stored()).as("a refused request stores nothing: " + r).isEqualTo(before);
        }
    }

    /** Waits (bounded) until every logged request has been applied. */
    private static void awaitApplied() throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (rt.stats().ingestsApplied.get() < rt.log().entriesWritten() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    private static long[] stored() throws Exception {
        return rt.read(c -> {
            try (var st = c.createStatement(); var rs = st.executeQuery(
                    "SELECT (SELECT count(*) FROM http_ingests), (SELECT count(*) FROM profiles), (SELECT count(*) FROM dead_letters)")) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
            }
        });
    }

    /** The status code of {@code r}, sent as raw bytes on a fresh loopback connection. */
    private static int send(Request r) throws IOException {
        StringBuilder head = new StringBuilder(r.method() + " " + r.path() + " HTTP/1.1\r\n");
        head.append("Host: ").append(r.host().isEmpty() ? "" : r.host() + ":" + rt.port()).append("\r\n");
        if (!r.origin().isEmpty()) {
            head.append("Origin: ").append(r.origin()).append("\r\n");
        }
        if (r.token()) {
            head.append("Authorization: Bearer ").append(rt.token()).append("\r\n");
        }
        if (!r.contentType().isEmpty()) {
            head.append("Content-Type: ").append(r.contentType()).append("\r\n");
        }
        head.append("Content-Length: ").append(r.body().length).append("\r\nConnection: close\r\n\r\n");
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", rt.port()), 5_000);
            s.setSoTimeout(15_000);
            OutputStream out = s.getOutputStream();
            out.write(head.toString().getBytes(UTF_8));
            out.write(r.body());
            out.flush();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int n;
            while (all.size() < 12 && (n = s.getInputStream().read(buf)) > 0) {
                all.write(buf, 0, n);
            }
            String line = all.toString(UTF_8);
            return Integer.parseInt(line.substring(9, 12));
        }
    }
}
