package io.sluice.local.runtime;

import io.javalin.http.Context;
import java.util.Map;
import java.util.Optional;

/** {@code GET /v1/reports/{name}}: the standard reports over the archive (ANA-2). */
final class ReportRoutes {
    private final LocalRuntime rt;

    ReportRoutes(LocalRuntime rt) {
        this.rt = rt;
    }

    /**
     * {@code GET /v1/reports/{name}?from=&to=&limit=&format=table|csv|json}: a standard report over the archive, printed
     * as {@code sluice report} prints it; how {@code sluice report} works while this process owns the store.
     */
    void report(Context ctx) throws Exception {
        String name = ctx.pathParam("name");
        if (!io.sluice.core.report.ReportCatalog.NAMES.contains(name)) {
            Answers.json(ctx, 404, Map.of("error", "unknown report '" + name + "'; choose one of "
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
            Answers.json(ctx, 400, Map.of("error", "bad parameter (from=" + ctx.queryParam("from") + ", to=" + ctx.queryParam("to") + ", limit="
                    + ctx.queryParam("limit") + ", format=" + ctx.queryParam("format") + "): use from/to=YYYY-MM-DD, limit=N, "
                    + "format=table|csv|json"));
            return;
        }
        if (to.isBefore(from) || limit < 0) {
            Answers.json(ctx, 400, Map.of("error", "to is before from, or limit is negative"));
            return;
        }
        if (format == io.sluice.local.report.ReportPrinter.Format.table && (limit == 0 || limit > MAX_TABLE_ROWS)) {
            Answers.json(ctx, 400, Map.of("error", "a table holds at most " + MAX_TABLE_ROWS + " rows (it is laid out whole); "
                    + "ask for format=csv or format=json, which stream any number of rows"));
            return;
        }
        Answers.mark(ctx);
        if (format == io.sluice.local.report.ReportPrinter.Format.table) {
            io.sluice.local.report.ReportResult result;
            try (java.sql.Connection c = rt.newReader()) {
                // One row more than asked: the answer says (X-Sluice-Cut) when rows were left out, and only then.
                result = new io.sluice.local.report.ReportRunner(rt.archive(), c).run(name, from, to, limit + 1);
            }
            boolean cut = result.rows().size() > limit;
            if (cut) {
                result = new io.sluice.local.report.ReportResult(result.name(), result.columns(), result.rows().subList(0, limit),
                        result.seconds());
            }
            java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
            try (java.io.PrintStream out = new java.io.PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8)) {
                io.sluice.local.report.ReportPrinter.print(result, format, out);
            }
            ctx.status(200).contentType("text/plain; charset=utf-8").header("X-Sluice-Rows", Integer.toString(result.rows().size()))
                    .header("X-Sluice-Cut", Boolean.toString(cut))
                    .result(buf.toByteArray());
            return;
        }
        // csv and json stream: rows go to the client as the database returns them, one in memory at a time (issue 17).
        streamRows(ctx, format, (runner, sink) -> runner.stream(name, from, to, limit, sink));
    }

    /** The most records one {@code GET /v1/records} answers. */
    static final int MAX_RECORDS = 10_000;

    /**
     * {@code GET /v1/records?from=&to=&caller=&callee=&route=&disposition=&source=&limit=&format=csv|json}: archived
     * records, newest call first (issue 22); how {@code sluice records} works while this process owns the store.
     */
    void records(Context ctx) throws Exception {
        io.sluice.local.report.RecordFilter filter;
        io.sluice.local.report.ReportPrinter.Format format;
        int limit;
        try {
            filter = io.sluice.local.report.RecordFilter.of(ctx.queryParam("from"), ctx.queryParam("to"), ctx.queryParam("caller"),
                    ctx.queryParam("callee"), ctx.queryParam("route"), ctx.queryParam("disposition"), ctx.queryParam("source"));
            format = io.sluice.local.report.ReportPrinter.Format.valueOf(Optional.ofNullable(ctx.queryParam("format")).orElse("json"));
            limit = Integer.parseInt(Optional.ofNullable(ctx.queryParam("limit")).orElse("100"));
        } catch (IllegalArgumentException e) {
            Answers.json(ctx, 400, Map.of("error", "bad parameter: " + e.getMessage() + " (format=csv|json, limit=1.." + MAX_RECORDS + ")"));
            return;
        }
        if (limit < 1 || limit > MAX_RECORDS || format == io.sluice.local.report.ReportPrinter.Format.table) {
            Answers.json(ctx, 400, Map.of("error", "limit must be 1.." + MAX_RECORDS + " and format csv or json"));
            return;
        }
        Answers.mark(ctx);
        streamRows(ctx, format, (runner, sink) -> runner.records(filter, limit, sink));
    }

    /** Answers 200 with the rows {@code query} hands its sink, as csv or json, streamed from a reading connection. */
    private void streamRows(Context ctx, io.sluice.local.report.ReportPrinter.Format format,
                            java.util.function.BiConsumer<io.sluice.local.report.ReportRunner, io.sluice.local.report.ReportRunner.Rows> query)
            throws Exception {
        ctx.status(200).contentType(format == io.sluice.local.report.ReportPrinter.Format.json ? "application/json"
                : "text/csv; charset=utf-8");
        try (java.sql.Connection c = rt.newReader();
             java.io.PrintStream out = new java.io.PrintStream(new java.io.BufferedOutputStream(ctx.outputStream(), 1 << 16), false,
                     java.nio.charset.StandardCharsets.UTF_8)) {
            io.sluice.local.report.ReportPrinter.Closing sink = io.sluice.local.report.ReportPrinter.streaming(format, out);
            query.accept(new io.sluice.local.report.ReportRunner(rt.archive(), c), sink);
            sink.end();
        }
    }

    /** The most rows a table answer lays out (it needs them all for the column widths). */
    static final int MAX_TABLE_ROWS = 100_000;
}
