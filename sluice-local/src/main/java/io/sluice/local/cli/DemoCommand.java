package io.sluice.local.cli;

import io.sluice.core.cdr.CdrFormat;
import io.sluice.core.cdr.PhoneNumberNormalizer;
import io.sluice.core.report.ReportCatalog;
import io.sluice.local.generate.CdrGenerator;
import io.sluice.local.generate.GeneratorSpec;
import io.sluice.local.ingest.IngestJob;
import io.sluice.local.ingest.IngestSummary;
import io.sluice.local.ingest.LocalCdrPipeline;
import io.sluice.local.report.ReportPrinter;
import io.sluice.local.report.ReportRunner;
import io.sluice.local.store.LocalStore;
import io.sluice.local.store.ProfileImporter;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sluice demo}: the whole local pipeline on generated data, in one command. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {
            "Run the whole local pipeline on generated data.",
            "Generates sample CDRs (with 1 % invalid and 1 % duplicate records on purpose), imports the",
            "subscriber profiles, ingests the CDRs and prints every standard report. Generated files go to",
            "<data-dir>/demo-input. Exits 0 when the demo ran: its rejected records are part of the show.",
            "Running it again on the same UTC day changes nothing (same files); on another day it adds a day."
        })
final class DemoCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Option(names = "--records", defaultValue = "200000", paramLabel = "N", description = "Records to generate. Default: ${DEFAULT-VALUE}.")
    long records;

    @Option(names = "--subscribers", defaultValue = "5000", paramLabel = "M", description = "Subscribers. Default: ${DEFAULT-VALUE}.")
    int subscribers;

    @Option(names = "--days", defaultValue = "7", paramLabel = "D", description = "Days of traffic. Default: ${DEFAULT-VALUE}.")
    int days;

    /** Rows of each report the demo prints; a table cut there says so. */
    static final int DEMO_ROWS = 12;

    @Override
    public Integer call() throws Exception {
        if (UpClient.of(store.data.dataDir).isPresent()) {
            System.err.println("sluice: 'sluice up' owns " + store.data.dataDir.toAbsolutePath() + "; run the demo with another "
                    + "--data-dir, or stop it first");
            return ExitCodes.FAILED;
        }
        Path input = store.data.dataDir.resolve("demo-input");
        // Traffic ends yesterday: no generated call lies in the future, and the reports' periods are whole days.
        LocalDate end = LocalDate.now(ZoneOffset.UTC).minusDays(1);
        GeneratorSpec spec = new GeneratorSpec(records, subscribers, days, CdrFormat.ASTERISK, 0.01, 0.01, 42, end, 2, "US");
        System.out.println("== generating " + records + " Asterisk CDRs for " + subscribers + " subscribers over " + days + " days in " + input);
        CdrGenerator.GenerationResult g = CdrGenerator.generate(spec, input, n -> { });
        try (LocalStore s = LocalStore.open(store.data.dataDir)) {
            System.out.println("== importing subscriber profiles from " + g.profilesCsv());
            ProfileImporter.Result p = new ProfileImporter(s, new PhoneNumberNormalizer(store.defaultCountry, 100_000)).importCsv(g.profilesCsv());
            System.out.printf("profiles: %d imported%n", p.imported());
            System.out.println("== ingesting " + g.files().size() + " file(s)");
            ConsoleIngestListener listener = new ConsoleIngestListener(System.err, System.console() != null);
            IngestSummary sum = new IngestJob(new LocalCdrPipeline(s, store.pipelineConfig()), Optional.empty(),
                    IngestJob.DEFAULT_CHUNK_RECORDS, IngestJob.DEFAULT_EXPORT_ROWS, listener).run(List.copyOf(g.files()));
            System.out.println(IngestCommand.summaryLine(sum));
            ReportRunner runner = new ReportRunner(s);
            for (String name : ReportCatalog.NAMES) {
                System.out.println();
                System.out.println("== sluice report " + name + "   -- " + ReportCatalog.description(name));
                ReportCommand.printCut(runner.run(name, end.minusDays(days - 1), end, DEMO_ROWS + 1), DEMO_ROWS, ReportPrinter.Format.table,
                        System.out);
            }
        }
        System.out.println();
        System.out.println("Reports cover " + end.minusDays(days - 1) + " to " + end + " (UTC): for example 'sluice report daily-usage --from "
                + end.minusDays(days - 1) + " --to " + end + " --data-dir " + store.data.dataDir + "'.");
        System.out.println("Next: 'sluice dlq list' shows the rejected records, 'sluice report --help' the reports,");
        System.out.println("'sluice ingest FILE' loads your own CDRs (running the demo again changes nothing: same files).");
        return ExitCodes.OK;
    }
}
