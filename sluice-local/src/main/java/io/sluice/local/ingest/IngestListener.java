package io.sluice.local.ingest;

import io.sluice.core.cdr.Rejection;

/** What an ingest run tells its caller as it goes: progress, per-file problems, rejected records. */
public interface IngestListener {

    default void started(long totalBytes) {
    }

    default void progress(long bytesDone) {
    }

    /** A file that could not be read at all (missing, empty, binary, unknown format, I/O error). */
    default void fileFailed(String path, String reason) {
    }

    /** A file of a walked folder that is plainly no CDR file (a profiles CSV, a README): skipped, not a failure. */
    default void fileIgnored(String path, String why) {
    }

    /** A file with no records at all (empty, or blank lines only): not a failure. */
    default void fileEmpty(String path) {
    }

    /** A file whose content was ingested before and is skipped. */
    default void fileSkipped(String path, long records) {
    }

    /** A forced format that rejected most of a file which reads as another format: what to do about it. */
    default void hint(String path, String text) {
    }

    /** A file taken again by --reprocess (or, with {@code dryRun}, what taking it again would do). */
    default void fileReprocessed(IngestJob.Reprocessed r, boolean dryRun) {
    }

    /** Fraud alerts could not be sent (the webhook down): they stay stored and owed, and go with a later delivery. */
    default void alertDeliveryFailed(String why) {
    }

    default void rejected(Rejection rejection) {
    }

    default void finished() {
    }
}
