package io.sluice.core.pipeline;

/**
 * The hot store of aggregates (CDR-7, CDR-8): usage per subscriber per day, route statistics per hour.
 * Applying the same batch twice must change nothing: implementations key each application by
 * {@link BatchId}.
 */
public interface UsageStore {

    /** Adds a batch's pre-aggregated counters; a batch id already applied is ignored. */
    void apply(BatchId batch, UsageDelta delta);
}
