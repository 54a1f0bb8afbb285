package io.sluice.local.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.core.cdr.CdrFormat;
import io.sluice.local.generate.CdrGenerator;
import io.sluice.local.generate.GeneratorSpec;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sluice generate}: realistic synthetic CDR traffic, deterministic for a seed. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {
            "Write synthetic CDR files into --out and matching subscriber profiles beside it (DIR-profiles.csv).",
            "Traffic has diurnal busy hours, an international share, short calls, failed/busy/no-answer calls and",
            "a few fraud-like bursts (or, with --fraud-rate, labelled fraud and decoys); the same seed writes the same bytes. Invalid and duplicate records can be",
            "mixed in to exercise validation and de-duplication. Ingest the folder with 'sluice ingest DIR' and",
            "import the profiles with 'sluice profiles import DIR-profiles.csv'. Traffic ends yesterday (UTC) unless --end-date says otherwise."
        })
final class GenerateCommand implements Callable<Integer> {

    enum FormatChoice { asterisk, freeswitch, jsonl }

    @Option(names = "--records", required = true, paramLabel = "N", description = "Records to write, invalid and duplicates included.")
    long records;

    @Option(names = "--subscribers", defaultValue = "10000", paramLabel = "M", description = "Distinct subscribers. Default: ${DEFAULT-VALUE}.")
    int subscribers;

    @Option(names = "--days", defaultValue = "7", paramLabel = "D", description = "Days of traffic, ending --end-date. Default: ${DEFAULT-VALUE}.")
    int days;

    @Option(names = "--end-date", paramLabel = "YYYY-MM-DD", description = "Last day of traffic (UTC). Default: yesterday, so that no call lies in the future.")
    LocalDate endDate;

    @Option(names = "--format", defaultValue = "asterisk", paramLabel = "FORMAT",
            description = "${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
    FormatChoice format;

    @Option(names = "--invalid-rate", defaultValue = "0", paramLabel = "R", description = "Share of invalid records, 0..0.5. Default: ${DEFAULT-VALUE}.")
    double invalidRate;

    @Option(names = "--duplicate-rate", defaultValue = "0", paramLabel = "R", description = "Share of repeated records, 0..0.5. Default: ${DEFAULT-VALUE}.")
    double duplicateRate;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Random seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--files", defaultValue = "1", paramLabel = "F", description = "Number of CDR files to split the records over. Default: ${DEFAULT-VALUE}.")
    int files;

    @Option(names = "--fraud-rate", defaultValue = "0", paramLabel = "R", description = {"Share of subscribers made fraudsters, "
            + "0..0.1: each kind the fraud rules look for (international-burst, short-call-flood, usage-spike) gets "
            + "max(1, R * subscribers / 3) of them, beside as many steady international callers and heavy users as decoys. "
            + "Their labels go to DIR-fraud-labels.csv (subscriber,label,start_utc,calls); the unlabelled bursts are left "
            + "out. Needs --days 8 or more. Default: ${DEFAULT-VALUE}."})
    double fraudRate;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder to write into (created if missing).")
    Path out;

    @Option(names = "--json", description = "Print the outcome as JSON, no progress bar.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        GeneratorSpec spec = new GeneratorSpec(records, subscribers, days, CdrFormat.valueOf(format.name().toUpperCase()),
                invalidRate, duplicateRate, seed, endDate == null ? LocalDate.now(ZoneOffset.UTC).minusDays(1) : endDate, files, "US", fraudRate);
        CdrGenerator.GenerationResult r;
        if (!json && System.console() != null) {
            try (ProgressBar bar = new ProgressBarBuilder().setTaskName("generate").setInitialMax(records)
                    .setStyle(ProgressBarStyle.ASCII).setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err))
                    .showSpeed().build()) {
                r = CdrGenerator.generate(spec, out, bar::stepTo);
            }
        } else {
            r = CdrGenerator.generate(spec, out, n -> { });
        }
        if (json) {
            ObjectNode o = new ObjectMapper().createObjectNode();
            o.put("records", r.records());
            o.put("valid", r.validRecords());
            o.put("invalid", r.invalidRecords());
            o.put("duplicates", r.duplicateRecords());
            o.putPOJO("files", r.files().stream().map(Path::toString).toList());
            o.put("profiles", r.profilesCsv().toString());
            if (r.fraudLabelsCsv() != null) {
                o.put("fraud_labels", r.fraudLabelsCsv().toString());
            }
            System.out.println(o);
        } else {
            System.out.printf("wrote %d records (%d valid, %d invalid, %d duplicates) to %d file(s) in %s, profiles in %s%n",
                    r.records(), r.validRecords(), r.invalidRecords(), r.duplicateRecords(), r.files().size(), out, r.profilesCsv());
            if (r.fraudLabelsCsv() != null) {
                System.out.println("fraud labels in " + r.fraudLabelsCsv());
            }
        }
        return ExitCodes.OK;
    }
}
