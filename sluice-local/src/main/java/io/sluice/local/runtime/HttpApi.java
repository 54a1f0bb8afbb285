package io.sluice.local.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.sluice.core.cdr.CdrFormat;
import io.sluice.core.cdr.CdrFormatDetector;
import io.sluice.core.cdr.RawRecord;
import io.sluice.core.intake.EntryRules;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The HTTP API of 'sluice up' (Javalin on Jetty), on loopback by default:
 * <ul>
 *   <li>{@code POST /v1/cdrs}: a body of CDR lines, JSON lines ({@code application/x-ndjson}) or CSV
 *   ({@code text/csv}, Asterisk or FreeSWITCH, detected or named by {@code ?format=}). Answers 202 with an
 *   ingest id once the body is in the fsynced {@link IngestLog}. The body is screened by the rules of every
 *   entry ({@link EntryRules}): 400 when empty or of no known format, 415 when binary (compressed, UTF-16) or
 *   of another content type; 413 over the body or record-count limits only (SEC-5): a record over the record
 *   limit is a LINE_TOO_LONG dead letter, as in a file; 429 with Retry-After when the backlog is full; 503
 *   while stopping.
 *   <li>{@code GET /v1/ingests/{id}}: queued, or done with accepted, rejected (with reasons), duplicates.
 *   <li>{@code GET /healthz}, {@code GET /v1/status}, {@code GET /v1/files} (the inbox manifest).
 * </ul>
 */
final class HttpApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Appends waiting for the log writer above which requests are throttled: a bound on memory held by bodies. */
    private static final int MAX_WAITING_APPENDS = 2_000;
    private static final int REJECTIONS_SHOWN = 100;
    /** Set on a request this API answered itself, so the 404 fallback does not replace its answer. */
    private static final String ANSWERED = "sluice.answered";
    /** Request bodies held in memory at once, in KiB: above it, requests get 429 before their body is read. */
    static final int MAX_IN_FLIGHT_KIB = 256 * 1024;

    private final java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(MAX_IN_FLIGHT_KIB);

    private final LocalRuntime rt;
    private final Javalin app;

    private HttpApi(LocalRuntime rt) {
        this.rt = rt;
        UpConfig cfg = rt.config();
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.host = cfg.host();
            config.jetty.port = cfg.port();
            config.http.maxRequestSize = cfg.maxBodyBytes();
            config.routes.post("/v1/cdrs", this::postCdrs);
            config.routes.get("/v1/ingests/{id}", this::getIngest);
            config.routes.get("/healthz", this::health);
            config.routes.get("/v1/status", this::status);
            config.routes.get("/v1/files", this::files);
            config.routes.get("/v1/reports/{name}", this::report);
            config.routes.post("/v1/profiles", this::importProfiles);
            config.routes.get("/v1/dead-letters", this::deadLetters);
            config.routes.get("/v1/dead-letters/{id}", this::deadLetter);
            config.routes.exception(Exception.class, (e, ctx) -> {
                rt.stats().error("http", ctx.method() + " " + ctx.path() + ": " + e);
                json(ctx, 500, Map.of("error", "internal error: " + e.getMessage()));
            });
            config.routes.error(404, ctx -> {
                if (ctx.attribute(ANSWERED) == null) {
                    json(ctx, 404, Map.of("error", "no such resource: " + ctx.method() + " " + ctx.path()
                            + "; see POST /v1/cdrs, GET /v1/ingests/{id}, /v1/status, /v1/files, /v1/reports/{name}, /v1/dead-letters, /healthz"));
                }
            });
        });
    }

    static HttpApi start(LocalRuntime rt) {
        HttpApi api = new HttpApi(rt);
        try {
            api.app.start();
        } catch (RuntimeException e) {
            throw new IllegalStateException("Cannot listen on " + rt.config().host() + ":" + rt.config().port() + ": "
                    + rootMessage(e) + "; is another program using the port? Try --port N or 'sluice doctor'", e);
        }
        return api;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    int port() {
        return app.port();
    }

    void stop() {
        app.stop();
    }

    private static void json(Context ctx, int status, Object body) {
        ctx.attribute(ANSWERED, Boolean.TRUE);
        try {
            ctx.status(status).contentType("application/json").result(JSON.writeValueAsString(body));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void refuse(Context ctx, int status, String message) {
        rt.stats().requestsRefused.incrementAndGet();
        json(ctx, status, Map.of("error", message));
    }

    private void postCdrs(Context ctx) throws IOException, InterruptedException {
        RuntimeStats stats = rt.stats();
        stats.requests.incrementAndGet();
        UpConfig cfg = rt.config();
        if (rt.stopping()) {
            ctx.header("Retry-After", "5");
            refuse(ctx, 503, "sluice up is shutting down; retry against the next instance");
            return;
        }
        Optional<CdrFormat> declared;
        try {
            declared = declaredFormat(ctx);
        } catch (UnknownFormat e) {
            refuse(ctx, 400, e.getMessage());
            return;
        } catch (IllegalArgumentException e) {
            refuse(ctx, 415, e.getMessage());
            return;
        }
        long length = ctx.contentLength();
        if (length > cfg.maxBodyBytes()) {
            refuse(ctx, 413, "body is " + length + " bytes, over the limit of " + cfg.maxBodyBytes() + " bytes per request");
            return;
        }
        // Bodies held in memory (read, waiting for the log's fsync) are bounded in bytes, whatever the thread count.
        int kib = (int) Math.min(MAX_IN_FLIGHT_KIB, ((length >= 0 ? length : cfg.maxBodyBytes()) + 1023) / 1024);
        if (!inFlight.tryAcquire(kib)) {
            stats.requestsThrottled.incrementAndGet();
            ctx.header("Retry-After", "1");
            json(ctx, 429, Map.of("error", "overloaded: " + MAX_IN_FLIGHT_KIB / 1024 + " MiB of request bodies are in flight; retry after 1 s"));
            return;
        }
        try {
            accept(ctx, declared);
        } finally {
            inFlight.release(kib);
        }
    }

    private void accept(Context ctx, Optional<CdrFormat> declared) throws IOException, InterruptedException {
        RuntimeStats stats = rt.stats();
        UpConfig cfg = rt.config();
        byte[] body;
        try (InputStream in = ctx.req().getInputStream()) {
            body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, cfg.maxBodyBytes() + 1));
        }
        // What no retry can fix comes first (413, 400), then the throttle, which a retry can.
        if (body.length > cfg.maxBodyBytes()) {
            refuse(ctx, 413, "body is over the limit of " + cfg.maxBodyBytes() + " bytes per request");
            return;
        }
        // The rules every entry applies (EntryRules): an empty or unreadable body is refused whole, like a file.
        EntryRules.Screening screening = EntryRules.screen(body, declared, cfg.pipeline().maxRecordBytes());
        if (screening instanceof EntryRules.Refuse refuse) {
            switch (refuse.kind()) {
                case EMPTY -> refuse(ctx, 400, "empty body: no records");
                case BINARY -> refuse(ctx, 415, "the body is " + refuse.reason().replaceFirst("^not a text file: (it is )?", "")
                        + "; send uncompressed UTF-8 text");
                case UNKNOWN_FORMAT -> refuse(ctx, 400, refuse.reason().replace("its first", "the body's first")
                        + "; add ?format=asterisk, ?format=freeswitch or ?format=jsonl");
            }
            return;
        }
        CdrFormat format = ((EntryRules.Take) screening).format();
        // Records as the applier will frame them: a quoted newline does not make two, an over-long record is one
        // (it becomes a LINE_TOO_LONG dead letter, as in a file), blank lines are none.
        int records = countRecords(body, format, cfg.pipeline().maxRecordBytes());
        if (records == 0) {
            refuse(ctx, 400, "empty body: no records");
            return;
        }
        if (records > cfg.maxRecordsPerRequest()) {
            refuse(ctx, 413, "body has " + records + " records, over the limit of " + cfg.maxRecordsPerRequest()
                    + " per request; split it");
            return;
        }
        // The backlog of logged, not yet applied requests is bounded: the local "throttle". (The body is read first so
        // the client, still sending, sees the 429 rather than a reset connection.)
        if (rt.applier().backlogBytes() > cfg.maxBacklogBytes() || rt.log().waitingAppends() > MAX_WAITING_APPENDS) {
            stats.requestsThrottled.incrementAndGet();
            ctx.header("Retry-After", "1");
            json(ctx, 429, Map.of("error", "overloaded: " + rt.applier().backlogBytes() + " bytes wait to be applied; retry after 1 s"));
            return;
        }
        long id;
        try {
            id = rt.log().append(BodyFormat.encode(format), body).get(30, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            stats.error("http", "the ingest log did not confirm a write within 30 s");
            ctx.header("Retry-After", "5");
            refuse(ctx, 503, "the ingest log did not confirm the write within 30 s (disk stalled?); the request may still be "
                    + "applied: resending it is safe, its records would count as duplicates, not twice");
            return;
        } catch (ExecutionException e) {
            stats.error("http", "cannot log a request: " + e.getCause());
            refuse(ctx, 503, "cannot write the request durably (" + e.getCause().getMessage() + "); nothing of it was kept. "
                    + "The ingest log refuses writes after a failure: check the disk and restart sluice up");
            return;
        }
        stats.requestsAccepted.incrementAndGet();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ingest_id", Long.toString(id));
        out.put("records", records);
        out.put("format", format.cliName());
        out.put("status", "queued");
        out.put("status_url", "/v1/ingests/" + id);
        json(ctx, 202, out);
    }

    /** A ?format= that names no format: the request is wrong (400), not its media type. */
    private static final class UnknownFormat extends IllegalArgumentException {
        UnknownFormat(String message) {
            super(message);
        }
    }

    /** The format named by ?format= or implied by the content type; empty for CSV to be detected. */
    private static Optional<CdrFormat> declaredFormat(Context ctx) {
        String param = ctx.queryParam("format");
        if (param != null && !param.isBlank()) {
            return switch (param.toLowerCase(Locale.ROOT)) {
                case "asterisk" -> Optional.of(CdrFormat.ASTERISK);
                case "freeswitch" -> Optional.of(CdrFormat.FREESWITCH);
                case "jsonl" -> Optional.of(CdrFormat.JSONL);
                default -> throw new UnknownFormat("format '" + param + "' is unknown: use asterisk, freeswitch or jsonl");
            };
        }
        String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
        int semi = type.indexOf(';');
        type = (semi < 0 ? type : type.substring(0, semi)).trim();
        return switch (type) {
            case "application/x-ndjson", "application/jsonl", "application/x-jsonlines", "application/json-lines" ->
                    Optional.of(CdrFormat.JSONL);
            case "text/csv", "application/csv", "text/plain" -> Optional.empty();
            default -> throw new IllegalArgumentException("content type '" + type + "' is not supported: send text/csv "
                    + "(Asterisk or FreeSWITCH CDR lines) or application/x-ndjson (Sluice JSON lines, one object per line"
                    + (type.equals("application/json") ? "; a JSON document is not taken" : "") + ")");
        };
    }

    /** The records of a body as {@link LogApplier} frames them. */
    static int countRecords(byte[] body, CdrFormat format, int maxRecordBytes) {
        return EntryRules.frameAll(body, "request", format, maxRecordBytes).size();
    }

    private void getIngest(Context ctx) throws SQLException {
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            json(ctx, 400, Map.of("error", "'" + ctx.pathParam("id") + "' is not an ingest id (a number from POST /v1/cdrs)"));
            return;
        }
        // Read the positions first: an id below 'consumed' then is certainly in http_ingests when we look.
        long consumed = rt.applier().consumed();
        long end = rt.log().durableEnd();
        Map<String, Object> found = rt.read(c -> {
            try (PreparedStatement p = c.prepareStatement("""
                    SELECT format, received_at, processed_at, records_in, accepted, rejected, duplicates, unknown_subscribers
                    FROM http_ingests WHERE id = ?""")) {
                p.setLong(1, id);
                try (ResultSet rs = p.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("ingest_id", Long.toString(id));
                    m.put("status", "done");
                    m.put("format", rs.getString(1));
                    m.put("received_at", rs.getTimestamp(2).toInstant().toString());
                    m.put("processed_at", rs.getTimestamp(3).toInstant().toString());
                    m.put("records_in", rs.getLong(4));
                    m.put("accepted", rs.getLong(5));
                    m.put("rejected", rs.getLong(6));
                    m.put("duplicates", rs.getLong(7));
                    m.put("unknown_subscribers", rs.getLong(8));
                    return m;
                }
            }
        });
        if (found != null) {
            found.put("rejections", rt.read(c -> rejections(c, id)));
            json(ctx, 200, found);
        } else if (id >= consumed && id < end) {
            json(ctx, 200, Map.of("ingest_id", Long.toString(id), "status", "queued"));
        } else {
            json(ctx, 404, Map.of("error", "no ingest " + id + " (unknown, or its outcome is older than --ingest-retention-days)"));
        }
    }

    private static List<Map<String, Object>> rejections(java.sql.Connection c, long id) throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement(
                "SELECT id, line, reason, detail FROM dead_letters WHERE source = ? ORDER BY line LIMIT " + REJECTIONS_SHOWN)) {
            p.setString(1, LogApplier.source(id));
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("dead_letter_id", rs.getLong(1));
                    m.put("line", rs.getLong(2));
                    m.put("reason", rs.getString(3));
                    m.put("detail", rs.getString(4));
                    out.add(m);
                }
            }
        }
        return out;
    }

    private void health(Context ctx) {
        boolean ok = rt.healthy() && !rt.stopping();
        json(ctx, ok ? 200 : 503, Map.of("status", ok ? "ok" : rt.stopping() ? "stopping" : "degraded"));
    }

    private void status(Context ctx) {
        RuntimeStats s = rt.stats();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("state", rt.state());
        m.put("healthy", rt.healthy());
        m.put("pid", ProcessHandle.current().pid());
        m.put("started_at", s.startedAt.toString());
        m.put("uptime_seconds", Duration.between(s.startedAt, Instant.now()).toSeconds());
        m.put("data_dir", rt.config().dataDir().toAbsolutePath().toString());
        Map<String, Object> queue = new LinkedHashMap<>();
        queue.put("ingests", Math.max(0, rt.log().entriesWritten() - s.ingestsApplied.get()));
        queue.put("bytes", rt.applier().backlogBytes());
        queue.put("bytes_limit", rt.config().maxBacklogBytes());
        queue.put("inbox_files", rt.inbox().waiting());
        m.put("queue", queue);
        m.put("inbox", Map.of("dir", rt.config().inboxDir().toAbsolutePath().toString(),
                "extensions", rt.config().inboxExtensions().stream().sorted().toList(),
                "source_zone", rt.config().pipeline().sourceZone().getId(),
                "default_country", rt.config().pipeline().defaultCountry()));
        m.put("records_per_second", Math.round(s.recordsPerSecond()));
        Map<String, Object> totals = new LinkedHashMap<>();
        totals.put("requests", s.requests.get());
        totals.put("requests_accepted", s.requestsAccepted.get());
        totals.put("requests_throttled", s.requestsThrottled.get());
        totals.put("requests_refused", s.requestsRefused.get());
        totals.put("ingests_applied", s.ingestsApplied.get());
        totals.put("records_in", s.recordsIn.get());
        totals.put("accepted", s.accepted.get());
        totals.put("rejected", s.rejected.get());
        totals.put("duplicates", s.duplicates.get());
        totals.put("unknown_subscribers", s.unknownSubscribers.get());
        totals.put("files_processed", s.filesProcessed.get());
        totals.put("files_duplicate", s.filesDuplicate.get());
        totals.put("files_failed", s.filesFailed.get());
        m.put("totals", totals);
        m.put("last_errors", s.lastErrors().stream().map(e -> Map.of("at", e.at().toString(), "where", e.where(),
                "message", e.message())).toList());
        json(ctx, 200, m);
    }

    private void files(Context ctx) throws SQLException {
        int limit = Math.max(1, Math.min(1000, ctx.queryParamAsClass("limit", Integer.class).getOrDefault(100)));
        json(ctx, 200, Map.of("files", rt.read(c -> Inbox.recent(c, limit))));
    }

    /**
     * {@code GET /v1/reports/{name}?from=&to=&limit=&format=table|csv|json}: a standard report over the archive, printed
     * as {@code sluice report} prints it; how {@code sluice report} works while this process owns the store.
     */
    private void report(Context ctx) throws Exception {
        String name = ctx.pathParam("name");
        if (!io.sluice.core.report.ReportCatalog.NAMES.contains(name)) {
            json(ctx, 404, Map.of("error", "unknown report '" + name + "'; choose one of "
                    + String.join(", ", io.sluice.core.report.ReportCatalog.NAMES)));
            return;
        }
        java.time.LocalDate from;
        java.time.LocalDate to;
        io.sluice.local.report.ReportPrinter.Format format;
        int limit;
        try {
            from = java.time.LocalDate.parse(Optional.ofNullable(ctx.queryParam("from")).orElse("1990-01-01"));
            to = java.time.LocalDate.parse(Optional.ofNullable(ctx.queryParam("to")).orElse("2199-12-31"));
            format = io.sluice.local.report.ReportPrinter.Format.valueOf(Optional.ofNullable(ctx.queryParam("format")).orElse("json"));
            limit = Integer.parseInt(Optional.ofNullable(ctx.queryParam("limit")).orElse("0"));
        } catch (RuntimeException e) {
            json(ctx, 400, Map.of("error", "bad parameter (from=" + ctx.queryParam("from") + ", to=" + ctx.queryParam("to") + ", limit="
                    + ctx.queryParam("limit") + ", format=" + ctx.queryParam("format") + "): use from/to=YYYY-MM-DD, limit=N, "
                    + "format=table|csv|json"));
            return;
        }
        if (to.isBefore(from) || limit < 0) {
            json(ctx, 400, Map.of("error", "to is before from, or limit is negative"));
            return;
        }
        io.sluice.local.report.ReportResult result;
        try (java.sql.Connection c = rt.newReader()) {
            result = new io.sluice.local.report.ReportRunner(rt.archive(), c).run(name, from, to, limit);
        }
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        try (java.io.PrintStream out = new java.io.PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8)) {
            io.sluice.local.report.ReportPrinter.print(result, format, out);
        }
        ctx.attribute(ANSWERED, Boolean.TRUE);
        ctx.status(200).contentType(switch (format) {
            case json -> "application/json";
            case csv -> "text/csv; charset=utf-8";
            case table -> "text/plain; charset=utf-8";
        }).header("X-Sluice-Rows", Integer.toString(result.rows().size())).result(buf.toByteArray());
    }

    /** {@code GET /v1/dead-letters?reason=&limit=}: the dead letters, oldest first, with their original bytes (base64). */
    private void deadLetters(Context ctx) throws SQLException {
        Optional<String> reason = Optional.ofNullable(ctx.queryParam("reason")).filter(r -> !r.isBlank());
        int limit;
        try {
            limit = Integer.parseInt(Optional.ofNullable(ctx.queryParam("limit")).orElse("50"));
        } catch (NumberFormatException e) {
            json(ctx, 400, Map.of("error", "limit must be a number"));
            return;
        }
        Map<String, Object> out = rt.read(c -> {
            io.sluice.local.store.DeadLetterQueries q = new io.sluice.local.store.DeadLetterQueries(c);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("total", q.count(reason));
            m.put("dead_letters", q.list(reason, Math.max(0, limit)).stream().map(HttpApi::deadLetterJson).toList());
            return m;
        });
        json(ctx, 200, out);
    }

    private void deadLetter(Context ctx) throws SQLException {
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            json(ctx, 400, Map.of("error", "'" + ctx.pathParam("id") + "' is not a dead letter id"));
            return;
        }
        var found = rt.read(c -> new io.sluice.local.store.DeadLetterQueries(c).find(id));
        if (found.isEmpty()) {
            json(ctx, 404, Map.of("error", "no dead letter with id " + id));
        } else {
            json(ctx, 200, deadLetterJson(found.get()));
        }
    }

    static Map<String, Object> deadLetterJson(io.sluice.local.store.DeadLetterQueries.DeadLetter d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", d.id());
        m.put("batch_id", d.batchId());
        m.put("source", d.source());
        m.put("line", d.line());
        m.put("reason", d.reason());
        m.put("detail", d.detail());
        m.put("original_base64", java.util.Base64.getEncoder().encodeToString(d.original()));
        m.put("received_at", String.valueOf(d.receivedAt()));
        return m;
    }

    /** Largest profiles CSV accepted by {@code POST /v1/profiles}. */
    static final long MAX_PROFILES_BYTES = 2L << 30;

    /**
     * {@code POST /v1/profiles?default_country=CC}: a profiles CSV (msisdn,plan,home_country[,status]), imported by the
     * worker between batches; enrichment uses the new profiles from the next batch on. How {@code sluice profiles
     * import} works while this process owns the store.
     */
    private void importProfiles(Context ctx) throws Exception {
        if (rt.stopping()) {
            json(ctx, 503, Map.of("error", "sluice up is shutting down"));
            return;
        }
        if (ctx.contentLength() > MAX_PROFILES_BYTES) {
            json(ctx, 413, Map.of("error", "profiles body over " + MAX_PROFILES_BYTES + " bytes"));
            return;
        }
        String country = Optional.ofNullable(ctx.queryParam("default_country")).orElse(rt.config().pipeline().defaultCountry());
        String name = Optional.ofNullable(ctx.queryParam("name")).filter(n -> !n.isBlank()).orElse("the request body");
        java.nio.file.Path tmp = java.nio.file.Files.createTempFile(java.nio.file.Files.createDirectories(
                rt.config().dataDir().resolve("tmp")), "profiles-", ".csv");
        try {
            try (InputStream in = ctx.req().getInputStream()) {
                long n = java.nio.file.Files.copy(in, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                if (n > MAX_PROFILES_BYTES) {
                    json(ctx, 413, Map.of("error", "profiles body over " + MAX_PROFILES_BYTES + " bytes"));
                    return;
                }
            }
            io.sluice.local.store.ProfileImporter.Result r;
            try {
                r = rt.onWorker(() -> {
                    io.sluice.local.store.ProfileImporter.Result result = new io.sluice.local.store.ProfileImporter(rt.pipeline().store(),
                            new io.sluice.core.cdr.PhoneNumberNormalizer(country, 100_000)).importCsv(tmp);
                    rt.pipeline().profilesChanged();
                    return result;
                });
            } catch (IllegalArgumentException e) {
                json(ctx, 400, Map.of("error", e.getMessage().replace(tmp.toString(), name)));
                return;
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("rows", r.rows());
            out.put("imported", r.imported());
            out.put("rejected", r.problems().size());
            out.put("problems", r.problems().stream().limit(100).map(p -> p.replace(tmp.toString(), name)).toList());
            json(ctx, 200, out);
        } finally {
            java.nio.file.Files.deleteIfExists(tmp);
        }
    }
}
