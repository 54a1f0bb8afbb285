package io.sluice.local.runtime;

import io.javalin.http.Context;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code GET /healthz}, {@code GET /v1/status} and {@code GET /v1/files} (the inbox manifest): the process itself (OPS-1). */
final class RuntimeRoutes {
    private final LocalRuntime rt;

    RuntimeRoutes(LocalRuntime rt) {
        this.rt = rt;
    }

    /**
     * {@code GET /healthz}, without a token. Asked from this machine it also says which process answers (pid, data dir), so
     * that a second {@code sluice up} on the same port can name it (issue 22); from elsewhere, only the status.
     */
    void health(Context ctx) {
        boolean ok = rt.healthy() && !rt.stopping();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", ok ? "ok" : rt.stopping() ? "stopping" : "degraded");
        m.put("service", "sluice up");
        if (loopback(ctx.req().getRemoteAddr())) {
            m.put("pid", ProcessHandle.current().pid());
            m.put("data_dir", rt.config().dataDir().toAbsolutePath().toString());
        }
        Answers.json(ctx, ok ? 200 : 503, m);
    }

    private static boolean loopback(String address) {
        try {
            return address != null && java.net.InetAddress.getByName(address).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    void status(Context ctx) {
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
        Answers.json(ctx, 200, m);
    }

    void files(Context ctx) throws SQLException {
        int limit = Math.max(1, Math.min(1000, ctx.queryParamAsClass("limit", Integer.class).getOrDefault(100)));
        Answers.json(ctx, 200, Map.of("files", rt.read(c -> Inbox.recent(c, limit))));
    }
}
