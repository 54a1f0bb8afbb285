package io.sluice.local.cli;

import io.sluice.core.intake.InputManifest;
import io.sluice.local.ingest.IngestJob;
import io.sluice.local.report.ReportPrinter;

import io.sluice.core.cdr.Rejection;
import io.sluice.local.ingest.IngestListener;
import java.io.PrintStream;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Reports an ingest run on the terminal: a progress bar (on a terminal only, on stderr), one line per
 * unreadable file, and the first rejected records as {@code file:line: reason: detail}, then a count.
 */
final class ConsoleIngestListener implements IngestListener {
    static final int MAX_REJECTION_LINES = 10;

    private final PrintStream err;
    private final boolean showProgress;
    private ProgressBar bar;
    private long rejections;

    ConsoleIngestListener(PrintStream err, boolean showProgress) {
        this.err = err;
        this.showProgress = showProgress;
    }

    @Override
    public void started(long totalBytes) {
        if (showProgress && totalBytes > 0) {
            bar = new ProgressBarBuilder().setTaskName("ingest").setInitialMax(totalBytes).setUnit(" MiB", 1 << 20)
                    .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).setConsumer(
                            new me.tongfei.progressbar.ConsoleProgressBarConsumer(err)).showSpeed().build();
        }
    }

    @Override
    public void progress(long bytesDone) {
        if (bar != null) {
            bar.stepTo(bytesDone);
        }
    }

    @Override
    public void fileFailed(String path, String reason) {
        line("sluice: " + path + ": " + reason);
    }

    @Override
    public void fileIgnored(String path, String why) {
        line("sluice: " + path + ": not a CDR file (" + why + "), skipped");
    }

    @Override
    public void fileEmpty(String path) {
        line("sluice: " + path + ": empty, 0 records");
    }

    @Override
    public void fileSkipped(String path, long records) {
        line("sluice: " + path + ": already ingested (" + ReportPrinter.count(records, "record", "records")
                + "), skipped; 'sluice ingest --reprocess' takes it again under new settings");
    }

    @Override
    public void alertDeliveryFailed(String why) {
        line("sluice: fraud alerts not sent (" + why + "); they are stored (sluice alerts list) and sent with the next delivery");
    }

    @Override
    public void hint(String path, String text) {
        line("sluice: " + path + ": hint: " + text);
    }

    @Override
    public void fileReprocessed(IngestJob.Reprocessed r, boolean dryRun) {
        if (r.before() == null) {
            line("sluice: " + r.source() + ": not ingested before; " + (dryRun ? "it would be ingested as new" : "ingested as new"));
        } else {
            line("sluice: " + r.source() + ": before: " + counts(r.before()));
            line("sluice: " + r.source() + ": " + (dryRun ? "after (dry run, nothing changed): " : "after:  ") + counts(r.after()));
            line("sluice: " + r.source() + ": " + (dryRun ? "would withdraw " : "withdrew ")
                    + ReportPrinter.count(r.withdrawn().archiveRows(), "archive row", "archive rows") + " and "
                    + ReportPrinter.count(r.withdrawn().deadLetters(), "dead letter", "dead letters") + " of the earlier ingest"
                    + (dryRun ? " and reverse" : " and reversed") + " its aggregates");
        }
    }

    static String counts(InputManifest.Progress p) {
        return "records in " + p.recordsIn() + "  accepted " + p.accepted() + "  rejected " + p.rejected() + "  duplicates "
                + p.duplicates();
    }

    @Override
    public void rejected(Rejection r) {
        rejections++;
        if (rejections <= MAX_REJECTION_LINES) {
            line("rejected " + r.describe());
        }
    }

    @Override
    public void finished() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
        if (rejections > MAX_REJECTION_LINES) {
            err.println("... and " + (rejections - MAX_REJECTION_LINES) + " more rejected records: see 'sluice dlq list'");
        }
    }

    /** A line of its own, above the progress bar. */
    void line(String text) {
        if (bar != null) {
            err.print("\r\033[K");
        }
        err.println(text);
    }
}
