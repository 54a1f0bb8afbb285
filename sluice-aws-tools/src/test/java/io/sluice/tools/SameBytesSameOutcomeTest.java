package io.sluice.tools;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.aws.Backoff;
import io.sluice.aws.archive.FolderArchive;
import io.sluice.aws.dynamodb.DynamoDbDeadLetters;
import io.sluice.aws.dynamodb.DynamoDbErrorLog;
import io.sluice.aws.dynamodb.DynamoDbFraudState;
import io.sluice.aws.dynamodb.DynamoDbLedger;
import io.sluice.aws.dynamodb.DynamoDbInputManifest;
import io.sluice.aws.dynamodb.DynamoDbProfileStore;
import io.sluice.aws.dynamodb.DynamoTables;
import io.sluice.aws.dynamodb.TableSchemas;
import io.sluice.aws.dynamodb.WriteMeter;
import io.sluice.aws.handlers.CdrObjectHandler;
import io.sluice.aws.handlers.CdrStreamHandler;
import io.sluice.aws.handlers.Wiring;
import io.sluice.aws.objects.FolderObjectSource;
import io.sluice.core.contracts.ArchiveColumns;
import io.sluice.core.contracts.FunctionEnvironment;
import io.sluice.core.pipeline.CdrPipelineConfig;
import io.sluice.local.generate.CdrGenerator;
import io.sluice.local.generate.GeneratorSpec;
import io.sluice.local.ingest.IngestJob;
import io.sluice.local.ingest.IngestListener;
import io.sluice.local.ingest.IngestSummary;
import io.sluice.local.ingest.LocalCdrPipeline;
import io.sluice.local.runtime.LocalRuntime;
import io.sluice.local.runtime.UpConfig;
import io.sluice.local.store.LocalStore;
import io.sluice.local.store.ParquetArchive;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Issue 15 item 2 (CDR-1, CDR-3, CDR-5, OBJ-1, ANA-2): the same bytes through all five entries, on both homes,
 * give the same outcome. The local home: {@code sluice ingest} (IngestJob), the inbox and {@code POST /v1/cdrs}
 * of a running {@code sluice up}, each into a fresh DuckDB store. The AWS home: the real Lambda handlers
 * (CdrStreamHandler on a Kinesis event, CdrObjectHandler on an EventBridge "Object Created" event) over the
 * DynamoDB adapters on DynamoDB Local and the folder archive, as {@code sluice invoke} runs them.
 *
 * <p>Every figure is read from where that entry keeps it (its own report, the stores' rows), never derived from
 * the others it is compared with: counts from each entry's answer, dead letters from each dead-letter store,
 * archive rows from the Parquet files or the Firehose-shaped rows, aggregates from the DuckDB views or the
 * DynamoDB items.
 */
class SameBytesSameOutcomeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final CdrPipelineConfig CONFIG = UpConfig.defaults(Path.of(".")).pipeline();
    /** The archive columns compared: all but {@code source}, which names the entry (a path, http:N, kinesis:..., s3://...). */
    private static final List<String> COMPARED = ArchiveColumns.COLUMNS.keySet().stream().filter(c -> !c.equals("source")).toList();

    @TempDir
    static Path dir;
    private static byte[] corpus;
    private static AmazonDynamoDBLocal dynamoLocal;
    private static DynamoDbClient dynamo;

    /** What one entry made of the corpus. */
    record Outcome(long recordsIn, long accepted, long rejected, long duplicates, List<String> deadLetters,
                   List<String> archive, Map<String, List<Long>> usage, Map<String, List<Long>> routes, List<String> alerts) {
    }

    @BeforeAll
    static void setUp() throws IOException {
        // Generated calls with the generator's own defects (bad dates, wrong column counts, broken quoting, ...) and
        // duplicates, then the edges issue 15 names: an over-long record, a line with a NUL byte, a line of no
        // format, the same call with CRLF, an invalid line twice.
        Path gen = dir.resolve("gen");
        CdrGenerator.generate(GeneratorSpec.of(400, 60, 2).withSeed(15).withRates(0.05, 0.05).withFiles(1)
                .withEndDate(LocalDate.of(2026, 11, 20)), gen, n -> { });
        Path file;
        try (Stream<Path> s = Files.list(gen)) {
            file = s.filter(p -> p.getFileName().toString().startsWith("cdr-")).findFirst().orElseThrow();
        }
        List<String> lines = Files.readAllLines(file, UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < lines.size(); i++) {
            out.write((lines.get(i) + "\n").getBytes(UTF_8));
            if (i == 10) {
                out.write(("\"acme\",\"" + "9".repeat(70 * 1024) + "\"\n").getBytes(UTF_8)); // over the 64 KiB record limit
            }
            if (i == 20) {
                byte[] nul = (lines.get(3) + "\n").getBytes(UTF_8);
                nul[12] = 0;
                out.write(nul);
            }
            if (i == 30) {
                out.write("hello world, this is no CDR\n".getBytes(UTF_8));
            }
            if (i == 40) {
                out.write((lines.get(5) + "\r\n").getBytes(UTF_8)); // the same call as line 6, with CRLF
            }
        }
        out.write("\"acme\",\"only three\",\"columns\"\n".getBytes(UTF_8));
        out.write("\"acme\",\"only three\",\"columns\"\n".getBytes(UTF_8));
        corpus = out.toByteArray();

        dynamoLocal = DynamoDBEmbedded.create(dir.resolve("dynamodb.db").toFile(), true);
        dynamo = dynamoLocal.dynamoDbClient();
    }

    @AfterAll
    static void tearDown() {
        if (dynamoLocal != null) {
            dynamoLocal.shutdown();
        }
    }

    @Test
    @DisplayName("issue 15: file, inbox, HTTP, Kinesis and S3 give the same counts, dead letters, archive rows and aggregates")
    void fiveEntriesOneOutcome() throws Exception {
        Map<String, Outcome> outcomes = allEntries("plain", corpus, "calls.csv");
        Outcome file = outcomes.get("1 sluice ingest");
        // The corpus has every kind of record the issue names, and the figures are not trivially equal.
        assertThat(file.accepted()).isGreaterThan(300);
        assertThat(file.duplicates()).isGreaterThanOrEqualTo(2);
        assertThat(file.deadLetters()).anyMatch(d -> d.contains("|LINE_TOO_LONG|")).anyMatch(d -> d.contains("|NOT_TEXT|"))
                .anyMatch(d -> d.contains("|WRONG_COLUMN_COUNT|"));
        // Conservation on each entry, each term counted on its own; and the stores hold what the counts say.
        outcomes.forEach((entry, o) -> {
            assertThat(o.recordsIn()).as(entry + ": records in = accepted + rejected + duplicates")
                    .isEqualTo(o.accepted() + o.rejected() + o.duplicates());
            assertThat((long) o.archive().size()).as(entry + ": archive rows = accepted").isEqualTo(o.accepted());
            assertThat((long) o.deadLetters().size()).as(entry + ": dead letters = rejected").isEqualTo(o.rejected());
            assertThat(o.usage().values().stream().mapToLong(v -> v.get(0)).sum()).as(entry + ": calls in usage = accepted")
                    .isEqualTo(o.accepted());
        });
        outcomes.forEach((entry, o) -> {
            assertThat(List.of(o.recordsIn(), o.accepted(), o.rejected(), o.duplicates())).as(entry + " counts")
                    .isEqualTo(List.of(file.recordsIn(), file.accepted(), file.rejected(), file.duplicates()));
            assertThat(o.deadLetters()).as(entry + " dead letters (line, reason, original bytes)").isEqualTo(file.deadLetters());
            assertThat(o.archive()).as(entry + " archive rows").isEqualTo(file.archive());
            assertThat(o.usage()).as(entry + " daily usage").isEqualTo(file.usage());
            assertThat(o.routes()).as(entry + " route hours").isEqualTo(file.routes());
            assertThat(o.alerts()).as(entry + " fraud alerts").isEqualTo(file.alerts());
        });
    }

    /**
     * Issue 21 (CDR-10): labelled fraud of each kind through the five entries raises the same alerts on both homes,
     * the same rule code over DuckDbFraudState and DynamoDbFraudState: subscriber, rule, window, when it first held
     * and until when, cleared or not, and the evidence. Each home's alerts are read from its own store.
     */
    @Test
    @DisplayName("issue 21: labelled fraud through file, inbox, HTTP, Kinesis and S3 raises the same alerts with the same evidence")
    void fiveEntriesOneSetOfFraudAlerts() throws Exception {
        Path gen = dir.resolve("fraud-gen");
        CdrGenerator.generate(GeneratorSpec.of(5_000, 60, 8).withSeed(21).withRates(0.01, 0.01).withFiles(1).withFraudRate(0.05)
                .withEndDate(LocalDate.of(2026, 11, 20)), gen, n -> { });
        byte[] bytes;
        try (Stream<Path> files = Files.list(gen)) {
            bytes = Files.readAllBytes(files.filter(f -> f.getFileName().toString().startsWith("cdr-")).findFirst().orElseThrow());
        }
        Map<String, Outcome> outcomes = allEntries("fraud", bytes, "fraud.csv");
        Outcome file = outcomes.get("1 sluice ingest");
        // Every rule raised something, so the comparison below compares alerts of each kind.
        assertThat(file.alerts()).as("alerts of sluice ingest").anyMatch(a -> a.contains("|international-burst|"))
                .anyMatch(a -> a.contains("|short-call-flood|")).anyMatch(a -> a.contains("|usage-spike|"));
        outcomes.forEach((entry, o) -> {
            assertThat(List.of(o.recordsIn(), o.accepted(), o.rejected(), o.duplicates())).as(entry + " counts")
                    .isEqualTo(List.of(file.recordsIn(), file.accepted(), file.rejected(), file.duplicates()));
            assertThat(o.alerts()).as(entry + " fraud alerts").isEqualTo(file.alerts());
        });
    }

    /** Every alert {@code state} holds for the subscribers of {@code usage}, each one line, sorted. */
    private static List<String> alerts(io.sluice.core.fraud.FraudState state, Map<String, List<Long>> usage) {
        java.util.Set<String> subscribers = new java.util.TreeSet<>();
        usage.keySet().forEach(k -> subscribers.add(k.substring(0, k.indexOf('|'))));
        List<String> out = new ArrayList<>();
        for (String rule : io.sluice.core.fraud.FraudRules.RULE_NAMES) {
            for (io.sluice.core.fraud.FraudAlert a : state.alerts(subscribers, rule, Long.MIN_VALUE, Long.MAX_VALUE)) {
                out.add(String.join("|", a.id(), a.rule(), String.valueOf(a.windowStart()), String.valueOf(a.windowEnd()),
                        String.valueOf(a.firstHeld()), String.valueOf(a.heldUntil()), String.valueOf(a.closesAt()),
                        String.valueOf(a.cleared()), a.evidence().toString()));
            }
        }
        return sorted(out);
    }

    /** The bytes through the five entries, each on a fresh home of its own. */
    private Map<String, Outcome> allEntries(String run, byte[] bytes, String fileName) throws Exception {
        Map<String, Outcome> outcomes = new TreeMap<>();
        outcomes.put("1 sluice ingest", viaIngest(run, bytes, fileName));
        outcomes.put("2 inbox", viaInbox(run, bytes, fileName));
        outcomes.put("3 POST /v1/cdrs", viaHttp(run, bytes));
        outcomes.put("4 Kinesis (CdrStreamHandler)", viaKinesis(run, bytes));
        outcomes.put("5 S3 (CdrObjectHandler)", viaS3(run, bytes, fileName));
        return outcomes;
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"gz", "zst"})
    @DisplayName("issue 22: the corpus gzipped or zstd-compressed gives every entry the outcome of the plain corpus (compressed input "
            + "on every entry, both homes)")
    void compressedOnEveryEntry(String kind) throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (java.io.OutputStream out = kind.equals("gz") ? new GZIPOutputStream(gz) : new com.github.luben.zstd.ZstdOutputStream(gz)) {
            out.write(corpus);
        }
        Outcome plain = viaIngest(kind + "-baseline", corpus, "calls.csv");
        allEntries(kind, gz.toByteArray(), "calls.csv." + kind).forEach((entry, o) -> {
            assertThat(List.of(o.recordsIn(), o.accepted(), o.rejected(), o.duplicates())).as(entry + " counts")
                    .isEqualTo(List.of(plain.recordsIn(), plain.accepted(), plain.rejected(), plain.duplicates()));
            assertThat(o.deadLetters()).as(entry + " dead letters").isEqualTo(plain.deadLetters());
            assertThat(o.archive()).as(entry + " archive rows").isEqualTo(plain.archive());
            assertThat(o.usage()).as(entry + " daily usage").isEqualTo(plain.usage());
        });
    }

    @Test
    @DisplayName("issue 15: a binary input (a zip archive) is refused whole by every entry that takes whole inputs, and is one dead letter on a stream")
    void binaryInputIsRefusedWhole() throws Exception {
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(zip)) {
            out.putNextEntry(new java.util.zip.ZipEntry("calls.csv"));
            out.write(corpus);
        }
        byte[] bytes = zip.toByteArray();

        Path data = dir.resolve("zip-ingest");
        Path f = data.resolve("calls.csv");
        Files.createDirectories(data);
        Files.write(f, bytes);
        List<String> failures = new ArrayList<>();
        try (LocalStore store = LocalStore.open(data)) {
            IngestSummary s = new IngestJob(new LocalCdrPipeline(store, CONFIG), Optional.empty(), 1000, 0, new IngestListener() {
                @Override
                public void fileFailed(String path, String reason) {
                    failures.add(reason);
                }
            }).run(List.of(f));
            assertThat(s.filesFailed()).isEqualTo(1);
            assertThat(s.recordsIn()).isZero();
        }
        assertThat(failures).singleElement().asString().contains("zip archive");

        UpConfig up = UpConfig.defaults(dir.resolve("zip-up")).withPort(0).withInbox(Duration.ofMillis(50), Duration.ofMillis(150));
        try (LocalRuntime rt = LocalRuntime.start(up, m -> { })) {
            HttpResponse<String> r = post(rt, up, bytes);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(415);
            assertThat(JSON.readTree(r.body()).path("error").asText()).contains("zip archive");
            Files.write(up.inboxDir().resolve("calls.csv"), bytes);
            Path error = up.failedDir().resolve("calls.csv.error.txt");
            await("the inbox to refuse the file", () -> Files.exists(error));
            assertThat(Files.readString(error)).contains("zip archive");
        }

        Path s3 = dir.resolve("zip-s3");
        Map<String, Long> metrics = s3(s3, "zip-s3-", bytes, "calls.csv");
        assertThat(metrics).containsEntry("ObjectsRejected", 1L).containsEntry("RecordsIn", 0L);

        Outcome kinesis = kinesis(dir.resolve("zip-kinesis"), "zip-k-", bytes);
        assertThat(kinesis.recordsIn()).isEqualTo(1);
        assertThat(kinesis.deadLetters()).singleElement().asString().startsWith("1|NOT_TEXT|");
    }

    // --- the local home -------------------------------------------------------------------------------------

    private Outcome viaIngest(String run, byte[] bytes, String fileName) throws Exception {
        Path data = dir.resolve(run + "-ingest");
        Files.createDirectories(data);
        Path f = data.resolve(fileName);
        Files.write(f, bytes);
        IngestSummary s;
        try (LocalStore store = LocalStore.open(data)) {
            // Small chunks, so the corpus spans chunks and a duplicate meets its original across a chunk boundary.
            s = new IngestJob(new LocalCdrPipeline(store, CONFIG), Optional.empty(), 97, IngestJob.DEFAULT_EXPORT_ROWS,
                    new IngestListener() { }).run(List.of(f));
        }
        assertThat(s.filesFailed()).isZero();
        return local(data, s.recordsIn(), s.accepted(), s.rejected(), s.duplicates());
    }

    private Outcome viaInbox(String run, byte[] bytes, String fileName) throws Exception {
        UpConfig up = UpConfig.defaults(dir.resolve(run + "-inbox")).withPort(0).withInbox(Duration.ofMillis(50), Duration.ofMillis(150));
        try (LocalRuntime rt = LocalRuntime.start(up, m -> { })) {
            Path part = up.inboxDir().resolve("." + fileName + ".part");
            Files.write(part, bytes);
            Files.move(part, up.inboxDir().resolve(fileName));
            await("the inbox to process " + fileName, () -> Files.exists(up.processedDir().resolve(fileName))
                    || Files.exists(up.failedDir().resolve(fileName)));
        }
        long[] counts = new long[4];
        try (LocalStore store = LocalStore.openExisting(up.dataDir());
             Statement st = store.connection().createStatement();
             ResultSet rs = st.executeQuery("SELECT status, records_in, accepted, rejected, duplicates, error FROM inbox_files")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).as(rs.getString(6)).isEqualTo("processed");
            for (int i = 0; i < 4; i++) {
                counts[i] = rs.getLong(i + 2);
            }
            assertThat(rs.next()).isFalse();
        }
        return local(up.dataDir(), counts[0], counts[1], counts[2], counts[3]);
    }

    private Outcome viaHttp(String run, byte[] bytes) throws Exception {
        UpConfig up = UpConfig.defaults(dir.resolve(run + "-http")).withPort(0);
        JsonNode done;
        try (LocalRuntime rt = LocalRuntime.start(up, m -> { })) {
            HttpResponse<String> r = post(rt, up, bytes);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            JsonNode ack = JSON.readTree(r.body());
            String id = ack.path("ingest_id").asText();
            JsonNode[] last = new JsonNode[1];
            await("ingest " + id, () -> {
                try {
                    last[0] = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + rt.port()
                            + "/v1/ingests/" + id)).header("Authorization", bearer(up)).GET().build(),
                            HttpResponse.BodyHandlers.ofString()).body());
                    return "done".equals(last[0].path("status").asText());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            });
            done = last[0];
            // The acknowledgement counts records as the applier frames them, not lines.
            assertThat(ack.path("records").asLong()).isEqualTo(done.path("records_in").asLong());
        }
        return local(up.dataDir(), done.path("records_in").asLong(), done.path("accepted").asLong(),
                done.path("rejected").asLong(), done.path("duplicates").asLong());
    }

    /** The API token of the instance's data dir (issue 17), as the sluice commands read it. */
    private static String bearer(UpConfig up) {
        return "Bearer " + io.sluice.local.runtime.ApiToken.read(up.dataDir()).orElseThrow();
    }

    private static HttpResponse<String> post(LocalRuntime rt, UpConfig up, byte[] body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + rt.port() + "/v1/cdrs")).header("Authorization", bearer(up))
                .header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** What a local store holds, read from its own tables and Parquet files. */
    private static Outcome local(Path dataDir, long in, long accepted, long rejected, long duplicates) throws SQLException {
        try (LocalStore store = LocalStore.openExisting(dataDir)) {
            Connection c = store.connection();
            List<String> dead = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT line, reason, original FROM dead_letters")) {
                while (rs.next()) {
                    dead.add(deadLetter(rs.getLong(1), rs.getString(2), rs.getBytes(3)));
                }
            }
            ParquetArchive archive = new ParquetArchive(store);
            String rows = (archive.hasFiles() ? "SELECT * EXCLUDE (dt) FROM " + archive.readExpression() + " UNION ALL " : "")
                    + "SELECT * EXCLUDE (dt) FROM (" + archive.pendingSelect() + ")";
            List<String> archived = rows(c, "(" + rows + ")");
            Map<String, List<Long>> usage = new TreeMap<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT msisdn, day::VARCHAR, calls, answered, seconds, intl_calls, intl_seconds FROM usage_daily")) {
                while (rs.next()) {
                    usage.put(rs.getString(1) + "|" + rs.getString(2), List.of(rs.getLong(3), rs.getLong(4), rs.getLong(5),
                            rs.getLong(6), rs.getLong(7)));
                }
            }
            Map<String, List<Long>> routes = new TreeMap<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT route, strftime(hour, '%Y-%m-%dT%H'), attempts, answered, seconds FROM route_hourly")) {
                while (rs.next()) {
                    routes.put(rs.getString(1) + "|" + rs.getString(2), List.of(rs.getLong(3), rs.getLong(4), rs.getLong(5)));
                }
            }
            return new Outcome(in, accepted, rejected, duplicates, sorted(dead), archived, usage, routes,
                    alerts(new io.sluice.local.store.DuckDbFraudState(store), usage));
        }
    }

    // --- the AWS home ---------------------------------------------------------------------------------------

    private Outcome viaKinesis(String run, byte[] bytes) throws Exception {
        return kinesis(dir.resolve(run + "-kinesis"), run + "-k-", bytes);
    }

    /** The corpus as one Kinesis record's data (a producer forwarding a file's lines), through CdrStreamHandler. */
    private static Outcome kinesis(Path home, String prefix, byte[] data) throws Exception {
        ObjectNode event = JSON.createObjectNode();
        ArrayNode records = event.putArray("Records");
        ObjectNode r = records.addObject();
        ObjectNode k = r.putObject("kinesis");
        k.put("kinesisSchemaVersion", "1.0").put("partitionKey", "pbx-1").put("sequenceNumber", "4965793486105288331745")
                .put("data", Base64.getEncoder().encodeToString(data)).put("approximateArrivalTimestamp", 1793697419.512);
        r.put("eventSource", "aws:kinesis").put("eventVersion", "1.0").put("eventID", "shardId-000000000000:4965793486105288331745")
                .put("eventName", "aws:kinesis:record").put("invokeIdentityArn", "arn:aws:iam::123456789012:role/sluice")
                .put("awsRegion", "eu-west-1").put("eventSourceARN", "arn:aws:kinesis:eu-west-1:123456789012:stream/sluice-cdr");
        Aws aws = new Aws(home, prefix);
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        new CdrStreamHandler(aws.wiring, new PrintStream(log, true, UTF_8))
                .handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(event)), response, null);
        assertThat(response.toString(UTF_8)).isEqualTo("{\"batchItemFailures\":[]}");
        Map<String, Long> m = metrics(log);
        return aws.outcome(m.get("RecordsIn"), m.get("Accepted"), m.get("Rejected"), m.get("Duplicates"));
    }

    private Outcome viaS3(String run, byte[] bytes, String fileName) throws Exception {
        Path home = dir.resolve(run + "-s3");
        Map<String, Long> m = s3(home, run + "-s3-", bytes, fileName);
        assertThat(m).containsEntry("ObjectsProcessed", 1L);
        return new Aws(home, run + "-s3-").outcome(m.get("RecordsIn"), m.get("Accepted"), m.get("Rejected"), m.get("Duplicates"));
    }

    /** The bytes as an object in a bucket, announced by an EventBridge "Object Created" event to CdrObjectHandler. */
    private static Map<String, Long> s3(Path home, String prefix, byte[] data, String fileName) throws Exception {
        String bucket = "sluice-cdr-incoming-123456789012";
        String key = "incoming/2026/11/" + fileName;
        Path object = home.resolve("s3").resolve(bucket).resolve(key);
        Files.createDirectories(object.getParent());
        Files.write(object, data);
        ObjectNode event = (ObjectNode) JSON.readTree("""
                {"version":"0","id":"6f9c2d41-8a3b-2e7f-c015-4b8d9e0a1c3f","detail-type":"Object Created","source":"aws.s3",
                 "account":"123456789012","time":"2026-11-03T09:30:05Z","region":"eu-west-1","resources":[],
                 "detail":{"version":"0","bucket":{"name":""},"object":{},"reason":"PutObject"}}""");
        ((ObjectNode) event.path("detail").path("bucket")).put("name", bucket);
        ((ObjectNode) event.path("detail").path("object")).put("key", key).put("size", data.length)
                .put("etag", HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(data)))
                .put("sequencer", "0069087A1D5C2B3E41");
        Aws aws = new Aws(home, prefix);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        new CdrObjectHandler(aws.wiring, new PrintStream(log, true, UTF_8))
                .handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(event)), new ByteArrayOutputStream(), null);
        return metrics(log);
    }

    /** The counts of the handler's one EMF log line (the figures CloudWatch would get). */
    private static Map<String, Long> metrics(ByteArrayOutputStream log) throws IOException {
        List<String> lines = log.toString(UTF_8).lines().filter(l -> l.contains("\"_aws\"")).toList();
        assertThat(lines).as(log.toString(UTF_8)).hasSize(1);
        JsonNode line = JSON.readTree(lines.get(0));
        Map<String, Long> m = new TreeMap<>();
        line.fields().forEachRemaining(e -> {
            if (e.getValue().isNumber()) {
                m.put(e.getKey(), e.getValue().asLong());
            }
        });
        return m;
    }

    /** One AWS home: the handlers' wiring over DynamoDB Local tables with their own prefix and a folder archive. */
    private static final class Aws {
        final Path home;
        final DynamoTables tables;
        final Wiring wiring;

        Aws(Path home, String prefix) {
            this.home = home;
            this.tables = DynamoTables.prefixed(prefix);
            if (!dynamo.listTables().tableNames().contains(tables.usage())) {
                TableSchemas.createAll(dynamo, tables);
            }
            WriteMeter meter = new WriteMeter();
            this.wiring = Wiring.of(CONFIG, new DynamoDbProfileStore(dynamo, tables.profiles()),
                    new DynamoDbLedger(dynamo, tables.usage(), meter), new FolderArchive(home.resolve("archive")),
                    new DynamoDbDeadLetters(dynamo, tables.deadLetters(), Backoff.standard(), 8, meter),
                    new DynamoDbInputManifest(dynamo, tables.manifests()), new FolderObjectSource(home.resolve("s3")),
                    new DynamoDbErrorLog(dynamo, tables.errors(), new SecureRandom()), meter,
                    FunctionEnvironment.DEFAULT_MAX_OBJECT_BYTES, "sluice-" + prefix + "fn",
                    // The rules the local homes run (CONFIG's), over their DynamoDB state; alerts stored, not sent.
                    CONFIG.fraudRules(), new DynamoDbFraudState(dynamo, tables.fraud(), java.time.Clock.systemUTC(), meter), null);
        }

        /** What this home holds: DynamoDB items and the archive's Firehose-shaped JSON rows, read back. */
        Outcome outcome(long in, long accepted, long rejected, long duplicates) throws Exception {
            List<String> dead = new ArrayList<>();
            Map<String, List<Long>> usage = new TreeMap<>();
            Map<String, List<Long>> routes = new TreeMap<>();
            for (Map<String, AttributeValue> item : dynamo.scanPaginator(b -> b.tableName(tables.deadLetters()).consistentRead(true)).items()) {
                dead.add(deadLetter(Long.parseLong(item.get("line").n()), item.get("reason").s(), item.get("original").b().asByteArray()));
            }
            for (Map<String, AttributeValue> item : dynamo.scanPaginator(b -> b.tableName(tables.usage()).consistentRead(true)).items()) {
                String pk = item.get("pk").s();
                String sk = item.get("sk").s();
                if (pk.startsWith("sub#") && sk.startsWith("day#")) {
                    usage.put(pk.substring(4) + "|" + sk.substring(4), numbers(item, "calls", "answered", "seconds", "intl_calls", "intl_seconds"));
                } else if (pk.startsWith("route#") && sk.startsWith("hour#")) {
                    routes.put(pk.substring(6) + "|" + sk.substring(5), numbers(item, "attempts", "answered", "seconds"));
                }
            }
            List<String> archived;
            try (Connection c = DriverManager.getConnection("jdbc:duckdb:")) {
                Path archive = home.resolve("archive");
                boolean any;
                try (Stream<Path> files = Files.exists(archive) ? Files.walk(archive) : Stream.empty()) {
                    any = files.anyMatch(p -> p.toString().endsWith(".jsonl"));
                }
                String columns = ArchiveColumns.COLUMNS.entrySet().stream()
                        .map(e -> "'" + e.getKey() + "': '" + duckType(e.getValue()) + "'")
                        .collect(Collectors.joining(", ", "{'dt': 'VARCHAR', ", "}"));
                archived = any ? rows(c, "(SELECT * EXCLUDE (dt) FROM read_json('" + archive.toAbsolutePath() + "/dt=*/*.jsonl', "
                        + "format = 'newline_delimited', columns = " + columns + "))") : List.of();
            }
            return new Outcome(in, accepted, rejected, duplicates, sorted(dead), archived, usage, routes,
                    alerts(new DynamoDbFraudState(dynamo, tables.fraud(), java.time.Clock.systemUTC(), new WriteMeter()), usage));
        }
    }

    private static List<Long> numbers(Map<String, AttributeValue> item, String... names) {
        List<Long> out = new ArrayList<>();
        for (String n : names) {
            AttributeValue v = item.get(n);
            out.add(v == null ? 0L : Long.parseLong(v.n()));
        }
        return out;
    }

    private static String duckType(String hive) {
        return switch (hive) {
            case "timestamp" -> "TIMESTAMP";
            case "int" -> "INTEGER";
            case "bigint" -> "BIGINT";
            case "boolean" -> "BOOLEAN";
            default -> "VARCHAR";
        };
    }

    // --- shared -----------------------------------------------------------------------------------------------

    /** The compared archive columns of every row of {@code from}, each row one string, sorted. */
    private static List<String> rows(Connection c, String from) throws SQLException {
        String row = COMPARED.stream().map(col -> "coalesce(CAST(" + col + " AS VARCHAR), '<null>')")
                .collect(Collectors.joining(" || '|' || "));
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT " + row + " FROM " + from + " AS t")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return sorted(out);
    }

    private static String deadLetter(long line, String reason, byte[] original) {
        return line + "|" + reason + "|" + Base64.getEncoder().encodeToString(original);
    }

    private static List<String> sorted(List<String> in) {
        List<String> out = new ArrayList<>(in);
        out.sort(null);
        return out;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
