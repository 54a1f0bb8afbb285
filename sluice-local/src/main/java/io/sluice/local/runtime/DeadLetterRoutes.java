package io.sluice.local.runtime;

import io.javalin.http.Context;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code GET /v1/dead-letters} and {@code GET /v1/dead-letters/{id}}: dead letters with their original bytes (CDR-3). */
final class DeadLetterRoutes {
    private final LocalRuntime rt;

    DeadLetterRoutes(LocalRuntime rt) {
        this.rt = rt;
    }

    /**
     * {@code GET /v1/dead-letters?reason=&limit=&after=}: the dead letters, oldest first, with their original bytes (base64),
     * paged with {@code after=<the last id>}; or with {@code order=newest|oldest&offset=N}, in that order, skipping N.
     * The most dead letters one answer holds (they carry original bytes):
     */
    static final int MAX_LIMIT = 1_000;

    void deadLetters(Context ctx) throws SQLException {
        Optional<String> reason = Optional.ofNullable(ctx.queryParam("reason")).filter(r -> !r.isBlank());
        int limit;
        long after;
        long offset;
        String order = ctx.queryParam("order");
        boolean newest = "newest".equals(order);
        boolean byOffset = order != null;
        try {
            limit = Integer.parseInt(Optional.ofNullable(ctx.queryParam("limit")).orElse("50"));
            after = Long.parseLong(Optional.ofNullable(ctx.queryParam("after")).orElse("0"));
            offset = Long.parseLong(Optional.ofNullable(ctx.queryParam("offset")).orElse("0"));
        } catch (NumberFormatException e) {
            Answers.json(ctx, 400, Map.of("error", "limit, after and offset must be numbers"));
            return;
        }
        if (offset < 0 || ctx.queryParam("order") != null && !newest && !"oldest".equals(ctx.queryParam("order"))) {
            Answers.json(ctx, 400, Map.of("error", "order is newest or oldest, and offset 0 or more"));
            return;
        }
        if (limit < 0 || limit > MAX_LIMIT) {
            Answers.json(ctx, 400, Map.of("error", "limit must be 0.." + MAX_LIMIT + "; page with after=<the last id>"));
            return;
        }
        Map<String, Object> out = rt.read(c -> {
            io.sluice.local.store.DeadLetterQueries q = new io.sluice.local.store.DeadLetterQueries(c);
            // One snapshot for the page and the total, so that they agree while the worker commits.
            c.setAutoCommit(false);
            List<io.sluice.local.store.DeadLetterQueries.DeadLetter> page;
            long total;
            try {
                page = byOffset ? q.ordered(reason, offset, limit, newest) : q.list(reason, after, limit);
                total = q.count(reason);
                c.commit();
            } finally {
                c.setAutoCommit(true);
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("total", total);
            m.put("limit_max", MAX_LIMIT);
            m.put("dead_letters", page.stream().map(DeadLetterRoutes::deadLetterJson).toList());
            if (byOffset) {
                m.put("next_offset", page.size() == limit && limit > 0 && offset + limit < total ? offset + limit : null);
            } else {
                m.put("next_after", page.size() == limit && limit > 0 ? page.get(page.size() - 1).id() : null);
            }
            return m;
        });
        Answers.json(ctx, 200, out);
    }

    void deadLetter(Context ctx) throws SQLException {
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            Answers.json(ctx, 400, Map.of("error", "'" + ctx.pathParam("id") + "' is not a dead letter id"));
            return;
        }
        var found = rt.read(c -> new io.sluice.local.store.DeadLetterQueries(c).find(id));
        if (found.isEmpty()) {
            Answers.json(ctx, 404, Map.of("error", "no dead letter with id " + id));
        } else {
            Answers.json(ctx, 200, deadLetterJson(found.get()));
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
}
