package io.sluice.local.store;

import io.sluice.core.cdr.Cdr;
import io.sluice.core.cdr.RecordKey;
import io.sluice.core.pipeline.BatchId;
import io.sluice.core.pipeline.RecordLedger;
import io.sluice.core.pipeline.UsageAggregator;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * The {@link RecordLedger} on the embedded store: the same dedup marks and usage tables as
 * {@link DuckDbDedupStore} and {@link DuckDbUsageStore}, claimed and counted in one DuckDB transaction. The local
 * home commits whole batches and does not need it; it exists so that the one ledger contract suite runs on
 * both homes' stores (ARCHITECTURE.md), and so that a batch can go through either commit path of the core with
 * the same result. One writer at a time: the store has one connection.
 */
public final class DuckDbRecordLedger implements RecordLedger {
    private final LocalStore store;
    private final DuckDbDedupStore dedup;
    private final DuckDbUsageStore usage;
    private final UsageAggregator aggregator = new UsageAggregator();

    public DuckDbRecordLedger(LocalStore store) {
        this.store = store;
        this.dedup = new DuckDbDedupStore(store);
        this.usage = new DuckDbUsageStore(store);
    }

    @Override
    public synchronized Set<RecordKey> claimedByOthers(BatchId batch, Collection<RecordKey> keys) {
        return dedup.claimedByOthers(batch, keys);
    }

    /**
     * Claims, then adds the counters of the accepted records this batch owns under the batch's usage marker: a
     * retry of the same batch gets its claims back and the marker keeps its counters from being added twice.
     */
    @Override
    public synchronized Set<RecordKey> claimAndCount(BatchId batch, List<Cdr> accepted, Collection<RecordKey> rejected) {
        return store.inTransaction(c -> {
            List<RecordKey> keys = new ArrayList<>(accepted.size() + rejected.size());
            accepted.forEach(cdr -> keys.add(cdr.key()));
            keys.addAll(rejected);
            Set<RecordKey> owned = dedup.claim(batch, keys);
            List<Cdr> counted = new ArrayList<>(accepted.size());
            for (Cdr cdr : accepted) {
                if (owned.contains(cdr.key())) {
                    counted.add(cdr);
                }
            }
            if (!counted.isEmpty()) {
                usage.apply(batch, aggregator.aggregate(counted));
            }
            return owned;
        });
    }
}
