package io.sluice.local.runtime;

import io.javalin.http.Context;
import io.sluice.core.cdr.CdrFormat;
import io.sluice.core.intake.EntryRules;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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
 * {@code POST /v1/cdrs} and {@code GET /v1/ingests/{id}}: a body screened by the rules of every entry
 * ({@link EntryRules}), bounded in memory and backlog, acknowledged once it is in the fsynced {@link IngestLog},
 * and its outcome once the worker applied it (CDR-1, CDR-3, SEC-5).
 */
final class CdrRoutes {
    /** Appends waiting for the log writer above which requests are throttled: a bound on memory held by bodies. */
    private static final int MAX_WAITING_APPENDS = 2_000;
    private static final int REJECTIONS_SHOWN = 100;
    /** Request bodies held in memory at once, in KiB: above it, requests get 429 before their body is read. */
    static final int MAX_IN_FLIGHT_KIB = 256 * 1024;

    private final java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(MAX_IN_FLIGHT_KIB);
    private final LocalRuntime rt;

    CdrRoutes(LocalRuntime rt) {
        this.rt = rt;
    }

    private void refuse(Context ctx, int status, String message) {
        rt.stats().requestsRefused.incrementAndGet();
        Answers.json(ctx, status, Map.of("error", message));
    }

    void postCdrs(Context ctx) throws IOException, InterruptedException {
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
            ClientFault.discard(ctx); // so that the sender reads the answer instead of a reset
            refuse(ctx, 413, "body is " + length + " bytes, over the limit of " + cfg.maxBodyBytes() + " bytes per request");
            return;
        }
        // Bodies held in memory (read, waiting for the log's fsync) are bounded in bytes, whatever the thread count.
        int kib = (int) Math.min(MAX_IN_FLIGHT_KIB, ((length >= 0 ? length : cfg.maxBodyBytes()) + 1023) / 1024);
        if (!inFlight.tryAcquire(kib)) {
            stats.requestsThrottled.incrementAndGet();
            ctx.header("Retry-After", "1");
            Answers.json(ctx, 429, Map.of("error", "overloaded: " + MAX_IN_FLIGHT_KIB / 1024 + " MiB of request bodies are in flight; retry after 1 s"));
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
        byte[] body = ClientFault.read(ctx, cfg.maxBodyBytes());
        // What no retry can fix comes first (413, 400), then the throttle, which a retry can.
        if (body.length > cfg.maxBodyBytes()) {
            refuse(ctx, 413, "body is over the limit of " + cfg.maxBodyBytes() + " bytes per request");
            return;
        }
        // gzip or zstd, by Content-Encoding or by its magic bytes, as on every entry (Compression, issue 22); the limits apply to
        // what it decompresses to.
        String encoding = ctx.header("Content-Encoding") == null ? "" : ctx.header("Content-Encoding").strip().toLowerCase(Locale.ROOT);
        if (!encoding.isEmpty() && !encoding.equals("gzip") && !encoding.equals("zstd") && !encoding.equals("identity")) {
            refuse(ctx, 415, "Content-Encoding '" + encoding + "' is not taken: send gzip, zstd or none");
            return;
        }
        if (encoding.equals("gzip") && !io.sluice.core.intake.Compression.isGzip(body)
                || encoding.equals("zstd") && !io.sluice.core.intake.Compression.isZstd(body)) {
            refuse(ctx, 400, "the body is declared " + encoding + " (Content-Encoding) but does not begin with its magic bytes");
            return;
        }
        try {
            body = io.sluice.core.intake.Compression.text(body, cfg.maxBodyBytes());
        } catch (io.sluice.core.intake.Compression.Bomb e) {
            refuse(ctx, 413, e.getMessage() + " (--max-body " + cfg.maxBodyBytes() + " bytes, after decompression)");
            return;
        } catch (IOException e) {
            refuse(ctx, 400, "the compressed body cannot be decompressed: "
                    + (e.getMessage() == null ? "it ends early (" + e.getClass().getSimpleName() + ")" : e.getMessage()));
            return;
        }
        // The rules every entry applies (EntryRules): an empty or unreadable body is refused whole, like a file.
        EntryRules.Screening screening = EntryRules.screen(body, declared, cfg.pipeline());
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
            Answers.json(ctx, 429, Map.of("error", "overloaded: " + rt.applier().backlogBytes() + " bytes wait to be applied; retry after 1 s"));
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
        Answers.json(ctx, 202, out);
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
            // Not text/plain nor a form type: those are the "simple" requests any web page can send (issue 17).
            case "text/csv", "application/csv" -> Optional.empty();
            default -> throw new IllegalArgumentException("content type '" + type + "' is not supported: send text/csv "
                    + "(Asterisk or FreeSWITCH CDR lines) or application/x-ndjson (Sluice JSON lines, one object per line"
                    + (type.equals("application/json") ? "; a JSON document is not taken" : "") + ")");
        };
    }

    /** The records of a body as {@link LogApplier} frames them. */
    static int countRecords(byte[] body, CdrFormat format, int maxRecordBytes) {
        return EntryRules.frameAll(body, "request", format, maxRecordBytes).size();
    }

    void getIngest(Context ctx) throws SQLException {
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            Answers.json(ctx, 400, Map.of("error", "'" + ctx.pathParam("id") + "' is not an ingest id (a number from POST /v1/cdrs)"));
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
            Answers.json(ctx, 200, found);
        } else if (id >= consumed && id < end) {
            Answers.json(ctx, 200, Map.of("ingest_id", Long.toString(id), "status", "queued"));
        } else {
            Answers.json(ctx, 404, Map.of("error", "no ingest " + id + " (unknown, or its outcome is older than --ingest-retention-days)"));
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
}
