package io.sluice.local.runtime;

import io.javalin.http.Context;
import io.sluice.local.alerts.AlertJson;
import io.sluice.local.store.FraudAlertQueries;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** {@code GET /v1/alerts?rule=&from=&to=&limit=}: the fraud alerts (CDR-10), in the order they first held. */
final class AlertRoutes {
    static final int MAX_LIMIT = 10_000;

    private final LocalRuntime rt;

    AlertRoutes(LocalRuntime rt) {
        this.rt = rt;
    }

    void alerts(Context ctx) throws SQLException {
        String rule = Optional.ofNullable(ctx.queryParam("rule")).filter(r -> !r.isBlank()).orElse(null);
        long from;
        long to;
        int limit;
        try {
            from = day(ctx.queryParam("from"), Long.MIN_VALUE / 2, 0);
            to = day(ctx.queryParam("to"), Long.MAX_VALUE / 2, 1);
            limit = Integer.parseInt(Optional.ofNullable(ctx.queryParam("limit")).orElse("1000"));
        } catch (DateTimeParseException | NumberFormatException e) {
            Answers.json(ctx, 400, Map.of("error", "from and to are days (YYYY-MM-DD, UTC, to inclusive), limit a number"));
            return;
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            Answers.json(ctx, 400, Map.of("error", "limit must be 1.." + MAX_LIMIT + "; narrow from/to to see more"));
            return;
        }
        var found = rt.read(c -> new FraudAlertQueries(c).list(rule, from, to, limit));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("alerts", found.stream().map(AlertJson::of).toList());
        Answers.json(ctx, 200, out);
    }

    /** The start of a day (plus {@code days}) in epoch seconds, or {@code dflt} when none is given. */
    static long day(String text, long dflt, int days) {
        if (text == null || text.isBlank()) {
            return dflt;
        }
        return LocalDate.parse(text.strip()).plusDays(days).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    }
}
