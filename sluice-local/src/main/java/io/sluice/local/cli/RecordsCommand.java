package io.sluice.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.local.report.RecordFilter;
import io.sluice.local.report.ReportPrinter;
import io.sluice.local.report.ReportResult;
import io.sluice.local.report.ReportRunner;
import io.sluice.local.store.LocalStore;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sluice records}: the normalized records in the archive, as ingest left them (issue 22). */
@Command(name = "records", mixinStandardHelpOptions = true,
        description = {"Show archived records, normalized and enriched, newest call first.",
            "Times are UTC, numbers E.164; each record names its source file and line. Filters combine; a number ending in *",
            "is a prefix (--callee '+44*'). The table shows the main columns; --format csv or json gives every column."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:Success (also when no record matches).", ExitCodes.HELP_FAILED, ExitCodes.HELP_USAGE})
final class RecordsCommand implements Callable<Integer> {
    /** The most records one command shows with 'sluice up' owning the store (its API answers at most this many). */
    static final int MAX_THROUGH_UP = 10_000;
    private static final List<String> TABLE_COLUMNS = List.of("start_time", "caller", "callee", "disposition", "billsec", "route",
            "callee_country", "source_line", "source");

    @Mixin
    DataDirOption store;

    @Option(names = "--from", paramLabel = "YYYY-MM-DD", description = "First day of the call's start (UTC). Default: the beginning.")
    String from;

    @Option(names = "--to", paramLabel = "YYYY-MM-DD", description = "Last day of the call's start (UTC), inclusive. Default: the end.")
    String to;

    @Option(names = "--caller", paramLabel = "NUMBER", description = "Only calls from this number (E.164, e.g. +12125550100), or a prefix: '+1212*'.")
    String caller;

    @Option(names = "--callee", paramLabel = "NUMBER", description = "Only calls to this number, or a prefix: '+44*'.")
    String callee;

    @Option(names = "--route", paramLabel = "ROUTE", description = "Only calls on this route (as 'sluice report asr-acd' names it).")
    String route;

    @Option(names = "--disposition", paramLabel = "D", description = "Only calls of this outcome: ANSWERED, NO_ANSWER, BUSY, FAILED, "
            + "CONGESTION, CANCEL.")
    String disposition;

    @Option(names = "--source", paramLabel = "FILE", description = "Only records of this file, as it was ingested (relative paths are "
            + "made absolute), or a source as the records show it (http:3).")
    String source;

    @Option(names = "--limit", defaultValue = "20", paramLabel = "N", description = "At most N records; 0 for all. Default: ${DEFAULT-VALUE}. "
            + "When more match, a line says so.")
    int limit;

    @Option(names = "--format", defaultValue = "table", paramLabel = "FORMAT", description = "table, csv or json. Default: ${DEFAULT-VALUE}.")
    ReportPrinter.Format format;

    @Option(names = "--json", description = "Same as --format json.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        RecordFilter filter;
        try {
            filter = RecordFilter.of(from, to, caller, callee, route, disposition, source == null || source.contains(":") ? source
                    : java.nio.file.Path.of(source).toAbsolutePath().normalize().toString());
        } catch (IllegalArgumentException e) {
            System.err.println("sluice: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        if (limit < 0) {
            System.err.println("sluice: --limit must be 0 (all) or more");
            return ExitCodes.USAGE;
        }
        ReportPrinter.Format out = json ? ReportPrinter.Format.json : format;
        // One record more than shown: the output says it was cut only when records were left out.
        int ask = limit == 0 ? 0 : limit + 1;
        ReportResult r;
        Optional<UpClient> up = UpClient.of(store.dataDir);
        if (up.isPresent()) {
            if (ask == 0 || ask > MAX_THROUGH_UP) {
                System.err.println("sluice: 'sluice up' owns " + store.dataDir.toAbsolutePath() + " and answers at most "
                        + MAX_THROUGH_UP + " records at a time: give --limit " + (MAX_THROUGH_UP - 1) + " or less, and --from/--to to page");
                return ExitCodes.USAGE;
            }
            StringBuilder q = new StringBuilder("/v1/records?format=json&limit=" + ask);
            param(q, "from", from);
            param(q, "to", to);
            param(q, "caller", caller);
            param(q, "callee", callee);
            param(q, "route", route);
            param(q, "disposition", disposition);
            param(q, "source", filter.source().orElse(null));
            HttpResponse<byte[]> resp = up.get().get(q.toString());
            if (resp.statusCode() != 200) {
                System.err.println("sluice: " + UpClient.error(resp));
                return UpClient.exitCode(resp);
            }
            r = fromJson(new ObjectMapper().readTree(resp.body()));
        } else {
            try (LocalStore s = LocalStore.openExisting(store.dataDir)) {
                r = new ReportRunner(s).records(filter, ask);
            }
        }
        if (out == ReportPrinter.Format.table) {
            if (r.rows().isEmpty()) {
                System.out.println("(no record matches)");
                return ExitCodes.OK;
            }
            r = columns(r, TABLE_COLUMNS);
        }
        ReportCommand.printCut(r, limit, out, System.out, "sluice records --limit 0");
        return ExitCodes.OK;
    }

    private static void param(StringBuilder q, String name, String value) {
        if (value != null && !value.isBlank()) {
            q.append('&').append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
    }

    /** The API's JSON rows (objects in column order) as a result; an empty answer has no columns to show. */
    private static ReportResult fromJson(JsonNode rows) {
        List<String> columns = new ArrayList<>();
        List<List<Object>> out = new ArrayList<>();
        for (JsonNode row : rows) {
            if (columns.isEmpty()) {
                row.fieldNames().forEachRemaining(columns::add);
            }
            List<Object> values = new ArrayList<>();
            for (Iterator<JsonNode> it = row.elements(); it.hasNext(); ) {
                JsonNode v = it.next();
                values.add(v.isNull() ? null : v.isNumber() ? v.numberValue() : v.isBoolean() ? v.booleanValue() : v.asText());
            }
            out.add(values);
        }
        if (columns.isEmpty()) {
            columns.addAll(List.of(ReportRunner.recordColumns()));
        }
        return new ReportResult("records", columns, out, 0);
    }

    private static ReportResult columns(ReportResult r, List<String> keep) {
        List<Integer> at = keep.stream().map(r.columns()::indexOf).filter(i -> i >= 0).toList();
        List<List<Object>> rows = new ArrayList<>(r.rows().size());
        for (List<Object> row : r.rows()) {
            List<Object> kept = new ArrayList<>(at.size());
            at.forEach(i -> kept.add(row.get(i)));
            rows.add(kept);
        }
        return new ReportResult(r.name(), at.stream().map(r.columns()::get).toList(), rows, r.seconds());
    }
}
