package io.sluice.local.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.core.cdr.CdrFormat;
import io.sluice.local.ingest.IngestJob;
import io.sluice.local.ingest.IngestSummary;
import io.sluice.local.ingest.LocalCdrPipeline;
import io.sluice.local.store.LocalStore;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sluice ingest}: batch-load CDR files (CDR-1). */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = {
            "Load CDR files or folders.",
            "Validates, normalizes, de-duplicates, enriches, aggregates and archives every record.",
            "Rejected records go to the dead letters with their original bytes (see 'sluice dlq').",
            "Ingesting the same file again changes nothing; an interrupted run resumes where it stopped.",
            "Always: records_in = accepted + rejected + duplicates."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {ExitCodes.HELP_OK, ExitCodes.HELP_FAILED, ExitCodes.HELP_USAGE, ExitCodes.HELP_REJECTED})
final class IngestCommand implements Callable<Integer> {

    enum FormatChoice { auto, asterisk, freeswitch, jsonl }

    @Mixin
    StoreOptions store;

    @Option(names = "--format", defaultValue = "auto", paramLabel = "FORMAT",
            description = "Input format: ${COMPLETION-CANDIDATES}. 'auto' looks at each file's first 25 records. Default: ${DEFAULT-VALUE}.")
    FormatChoice format;

    @Option(names = "--json", description = "Print one JSON summary on stdout instead of text, and no progress bar.")
    boolean json;

    @Option(names = "--reprocess", description = {"Take files that were ingested before again, under this run's --format, "
            + "--source-zone and --default-country: what their earlier ingest produced (archive rows, dead letters, aggregates, "
            + "dedup marks) is withdrawn and replaced by the new result, one transaction per chunk; safe to interrupt "
            + "(run it again). A file not ingested before is ingested as new."})
    boolean reprocess;

    @Option(names = "--dry-run", description = "Go through every step and keep nothing: prints what the run would count "
            + "(with --reprocess, the earlier counts beside the new ones).")
    boolean dryRun;

    @Option(names = "--chunk-records", defaultValue = "50000", paramLabel = "N", hidden = true,
            description = "Records per transaction. Default: ${DEFAULT-VALUE}.")
    int chunkRecords;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "CDR files (gzip and zstd are read through), folders to read recursively, "
            + "or - for standard input (a pipe: zcat Master.csv.gz | sluice ingest -).")
    List<Path> paths;

    @Override
    public Integer call() throws java.io.IOException, InterruptedException {
        List<Path> spooled = new java.util.ArrayList<>();
        try {
            paths = spool(paths, spooled);
            return run();
        } finally {
            for (Path p : spooled) {
                java.nio.file.Files.deleteIfExists(p);
            }
        }
    }

    /**
     * {@code -} and pipes ({@code /dev/stdin}, a FIFO) are read once, into a file of the data dir's spool/, which is then
     * ingested like any file (issue 22): the manifest can name it, a chunk can resume, and a pipe is never taken for
     * an empty file because it has no size.
     */
    private List<Path> spool(List<Path> given, List<Path> spooled) throws java.io.IOException {
        List<Path> out = new java.util.ArrayList<>(given.size());
        for (Path p : given) {
            boolean stdin = p.toString().equals("-");
            if (!stdin && (!java.nio.file.Files.exists(p) || java.nio.file.Files.isRegularFile(p) || java.nio.file.Files.isDirectory(p))) {
                out.add(p);
                continue;
            }
            Path dir = java.nio.file.Files.createDirectories(store.data.dataDir.resolve("spool"));
            Path copy = dir.resolve((stdin ? "stdin" : p.getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_")) + "-"
                    + System.currentTimeMillis() + ".cdr");
            try (java.io.InputStream in = stdin ? System.in : java.nio.file.Files.newInputStream(p)) {
                java.nio.file.Files.copy(in, copy);
            }
            spooled.add(copy);
            out.add(copy);
        }
        return out;
    }

    private int run() throws java.io.IOException, InterruptedException {
        PrintStream out = System.out;
        Optional<CdrFormat> fmt = format == FormatChoice.auto ? Optional.empty() : Optional.of(CdrFormat.valueOf(format.name().toUpperCase()));
        IngestSummary s;
        Optional<UpClient> up = UpClient.of(store.data.dataDir);
        if (up.isPresent()) {
            if (reprocess || dryRun) {
                System.err.println("sluice: 'sluice up' owns " + store.data.dataDir.toAbsolutePath() + "; stop it first to use "
                        + (reprocess ? "--reprocess" : "--dry-run") + " (the store has one writer)");
                return ExitCodes.USAGE;
            }
            if (format != FormatChoice.auto) {
                System.err.println("sluice: 'sluice up' owns " + store.data.dataDir.toAbsolutePath() + " and reads files in the format of"
                        + " its --inbox-format; leave out --format, or stop it first");
                return ExitCodes.USAGE;
            }
            s = new IngestThroughInbox(up.get(), store.data.dataDir, System.err, json)
                    .run(paths, store.sourceZone.getId(), store.defaultCountry);
            if (s == null) {
                return ExitCodes.FAILED;
            }
        } else {
            s = ingest(fmt);
        }
        if (json) {
            ObjectNode o = toJson(s);
            o.put("alert_notifications_sent", alertsSent);
            if (dryRun) {
                o.put("dry_run", true);
            }
            if (reprocess) {
                var files = o.putArray("reprocessed");
                for (IngestJob.Reprocessed r : reprocessed) {
                    ObjectNode f = files.addObject();
                    f.put("source", r.source());
                    if (r.before() != null) {
                        progress(f.putObject("before"), r.before());
                    } else {
                        f.putNull("before");
                    }
                    progress(f.putObject("after"), r.after());
                    f.put("withdrawn_archive_rows", r.withdrawn().archiveRows());
                    f.put("superseded_dead_letters", r.withdrawn().deadLetters());
                }
            }
            out.println(o);
        } else {
            if (dryRun) {
                out.print("dry run, nothing changed: ");
            }
            out.println(summaryLine(s));
            if (alertsSent > 0) {
                out.println("fraud alerts: " + alertsSent + " notification(s) sent (see 'sluice alerts list')");
            }
        }
        return s.clean() ? ExitCodes.OK : ExitCodes.REJECTED;
    }

    private IngestSummary ingest(Optional<CdrFormat> fmt) {
        IngestSummary s;
        try (LocalStore localStore = LocalStore.open(store.data.dataDir)) {
            ConsoleIngestListener listener = new ConsoleIngestListener(System.err, !json && System.console() != null);
            LocalCdrPipeline pipeline = new LocalCdrPipeline(localStore, store.pipelineConfig(), store.notifier(listener::line));
            IngestJob job = new IngestJob(pipeline, fmt, chunkRecords, IngestJob.DEFAULT_EXPORT_ROWS, listener);
            if (reprocess) {
                job.reprocess();
            }
            if (dryRun) {
                // Rows staged by an earlier run (one killed before its export) go to Parquet first: a flush changes no
                // count, and a withdrawal takes back only exported rows. Nothing after this is kept.
                pipeline.archive().export();
                job.dryRun();
                s = localStore.rolledBack(c -> job.run(paths));
                pipeline.archive().deleteOrphans();
            } else {
                // One invocation of the ingest function (MON-1, MON-2): its count and duration in the store's minutes, a
                // failure in its error log, both shown by the dashboard of a later 'sluice up' on this data dir.
                try (io.sluice.local.monitoring.LocalMonitoring monitoring = new io.sluice.local.monitoring.LocalMonitoring(
                        localStore, 60, 500, store.notifier(listener::line), listener::line)) {
                    s = monitoring.instrumentation().invoke("ingest", () -> "{\"inputs\":" + paths.size() + ",\"first\":\""
                            + (paths.isEmpty() ? "" : String.valueOf(paths.get(0).getFileName()).replace("\"", "'")) + "\"}",
                            call -> job.run(paths));
                }
            }
            reprocessed = job.reprocessed();
            alertsSent = job.alertsSent();
        }
        return s;
    }

    private List<IngestJob.Reprocessed> reprocessed = List.of();
    /** Fraud alert notifications (raises and clears) this run sent, on the console and to the webhook. */
    private long alertsSent;

    private static void progress(ObjectNode o, io.sluice.core.intake.InputManifest.Progress p) {
        o.put("records_in", p.recordsIn());
        o.put("accepted", p.accepted());
        o.put("rejected", p.rejected());
        o.put("duplicates", p.duplicates());
        o.put("unknown_subscribers", p.unknownSubscribers());
    }

    /** The one readable summary of an ingest run, printed by {@code ingest} and {@code demo} alike. */
    static String summaryLine(IngestSummary s) {
        return String.format("files %d (skipped %d, failed %d)  records in %d  accepted %d  rejected %d  duplicates %d  unknown subscribers %d  %.1f s  %,.0f records/s",
                s.files(), s.filesSkipped(), s.filesFailed(), s.recordsIn(), s.accepted(), s.rejected(), s.duplicates(),
                s.unknownSubscribers(), s.seconds(), s.seconds() > 0 ? s.recordsIn() / s.seconds() : 0.0);
    }

    static ObjectNode toJson(IngestSummary s) {
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("files", s.files());
        o.put("records_in", s.recordsIn());
        o.put("accepted", s.accepted());
        o.put("rejected", s.rejected());
        o.put("duplicates", s.duplicates());
        o.put("seconds", Math.round(s.seconds() * 1000) / 1000.0);
        o.put("files_skipped", s.filesSkipped());
        o.put("files_failed", s.filesFailed());
        o.put("unknown_subscribers", s.unknownSubscribers());
        return o;
    }
}
