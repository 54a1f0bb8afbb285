package io.sluice.core.pipeline;

import java.util.Objects;

/**
 * How a home makes a batch's effects exactly-once (CDR-5, CDR-8): chosen by type, so a processor always has the
 * ports its strategy needs and never a null one.
 */
public sealed interface CommitStrategy permits CommitStrategy.ClaimThenApply, CommitStrategy.ThroughLedger {

    /**
     * For a store that commits a whole batch at once (the local home, one DuckDB transaction per chunk): claim
     * the batch's keys ({@link DedupStore}), then apply the fresh records' aggregates ({@link UsageStore}), archive
     * and dead letters, all in the caller's transaction.
     */
    record ClaimThenApply(DedupStore dedup, UsageStore usage) implements CommitStrategy {
        public ClaimThenApply {
            Objects.requireNonNull(dedup, "dedup");
            Objects.requireNonNull(usage, "usage");
        }
    }

    /**
     * For a store that commits a record's claim and counters together but not a whole batch (DynamoDB, the AWS
     * home): archive first, then claim and count through the {@link RecordLedger}; a failure in between archives
     * again on the retry (at least once, as Firehose delivers), where claiming first would lose records.
     */
    record ThroughLedger(RecordLedger ledger) implements CommitStrategy {
        public ThroughLedger {
            Objects.requireNonNull(ledger, "ledger");
        }
    }
}
