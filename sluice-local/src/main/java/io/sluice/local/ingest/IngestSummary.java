package io.sluice.local.ingest;

/**
 * The outcome of one {@code sluice ingest} run. Always {@code recordsIn == accepted + rejected + duplicates}
 * (CDR-3); a file skipped because its content was ingested before counts its records as duplicates.
 */
public record IngestSummary(long files, long filesSkipped, long filesFailed, long recordsIn, long accepted, long rejected,
                            long duplicates, long unknownSubscribers, double seconds) {

    public boolean clean() {
        return rejected == 0 && filesFailed == 0;
    }
}
