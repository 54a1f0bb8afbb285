package io.sluice.local.cli;

import io.sluice.core.report.ReportCatalog;
import io.sluice.local.report.ReportPrinter;
import io.sluice.local.report.ReportResult;
import io.sluice.local.report.ReportRunner;
import io.sluice.local.store.LocalStore;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sluice report}: the standard reports over the archive (ANA-2). */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {
            "Run a standard report over the archived CDRs (telemetry-rollup: over the telemetry readings).",
            "Each report is one SQL file, shared with Athena on AWS. Reports:",
            "  asr-acd                ASR and ACD per route per day",
            "  top-talkers            the 20 subscribers with the most billed minutes",
            "  busy-hour              traffic per hour of the day (UTC)",
            "  international-minutes  international traffic per destination country",
            "  daily-usage            usage per subscriber per day",
            "  telemetry-rollup       telemetry per device and metric per hour (readings, min, max, average, last)"
        })
final class ReportCommand implements Callable<Integer> {
    @Mixin
    DataDirOption store;

    @Parameters(paramLabel = "NAME", completionCandidates = Names.class,
            description = "One of: ${COMPLETION-CANDIDATES}.")
    String name;

    @Option(names = "--from", paramLabel = "YYYY-MM-DD", description = "First day (UTC), inclusive. Default: the beginning.")
    LocalDate from;

    @Option(names = "--to", paramLabel = "YYYY-MM-DD", description = "Last day (UTC), inclusive. Default: the end.")
    LocalDate to;

    @Option(names = "--format", defaultValue = "table", paramLabel = "FORMAT",
            description = "Output: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
    ReportPrinter.Format format;

    @Option(names = "--json", description = "Same as --format json.")
    boolean json;

    @Option(names = "--limit", paramLabel = "N",
            description = "At most N rows; 0 for all. Default: 100 for a table, all rows for csv and json.")
    Integer limit;

    static final class Names implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return ReportCatalog.NAMES.iterator();
        }
    }

    @Override
    public Integer call() {
        if (!ReportCatalog.NAMES.contains(name)) {
            System.err.println("sluice: unknown report '" + name + "'; choose one of " + String.join(", ", ReportCatalog.NAMES));
            return ExitCodes.USAGE;
        }
        LocalDate first = from == null ? LocalDate.of(1990, 1, 1) : from;
        LocalDate last = to == null ? LocalDate.of(2199, 12, 31) : to;
        if (last.isBefore(first)) {
            System.err.println("sluice: --to " + last + " is before --from " + first);
            return ExitCodes.USAGE;
        }
        ReportPrinter.Format out = json ? ReportPrinter.Format.json : format;
        int rows = limit != null ? limit : out == ReportPrinter.Format.table ? 100 : 0;
        if (rows < 0) {
            System.err.println("sluice: --limit must be 0 (all rows) or more");
            return ExitCodes.USAGE;
        }
        Optional<UpClient> up = UpClient.of(store.dataDir);
        if (up.isPresent()) {
            // 'sluice up' owns the store: it runs the report (ARCHITECTURE.md, one owner of the store).
            HttpResponse<byte[]> r = up.get().get("/v1/reports/" + name + "?from=" + first + "&to=" + last + "&limit=" + rows
                    + "&format=" + out);
            if (r.statusCode() != 200) {
                System.err.println("sluice: " + UpClient.error(r));
                return UpClient.exitCode(r);
            }
            System.out.write(r.body(), 0, r.body().length);
            System.out.flush();
            if (out == ReportPrinter.Format.table && rows > 0 && r.headers().firstValue("X-Sluice-Cut").map(Boolean::parseBoolean).orElse(false)) {
                System.out.println("(the first " + rows + " rows; more exist: 'sluice report " + name + " --limit 0' shows all)");
            }
            return ExitCodes.OK;
        }
        ReportResult r;
        try (LocalStore s = LocalStore.openExisting(store.dataDir)) {
            // One row more than shown: a table cut at --limit says so only when rows were left out.
            r = new ReportRunner(s).run(name, first, last, rows == 0 ? 0 : rows + 1);
        }
        printCut(r, rows, out, System.out);
        return ExitCodes.OK;
    }

    /**
     * Prints at most {@code limit} rows of {@code r} (0: all), and when rows were left out says so under a table, and on
     * stderr for csv and json, whose stdout a script parses (issue 22).
     */
    static void printCut(ReportResult r, int limit, ReportPrinter.Format out, java.io.PrintStream to) {
        printCut(r, limit, out, to, "sluice report " + r.name() + " --limit 0");
    }

    /** {@link #printCut(ReportResult, int, ReportPrinter.Format, java.io.PrintStream)}, naming {@code showAll} as the way to see all. */
    static void printCut(ReportResult r, int limit, ReportPrinter.Format out, java.io.PrintStream to, String showAll) {
        boolean cut = limit > 0 && r.rows().size() > limit;
        ReportResult shown = cut ? new ReportResult(r.name(), r.columns(), r.rows().subList(0, limit), r.seconds()) : r;
        ReportPrinter.print(shown, out, to);
        if (cut) {
            String note = "(the first " + limit + " rows; more exist: '" + showAll + "' shows all)";
            if (out == ReportPrinter.Format.table) {
                to.println(note);
            } else {
                System.err.println("sluice: " + note);
            }
        }
    }
}
