package io.sluice.local.store;

import com.dynatrace.hash4j.hashing.Hashing;
import io.sluice.core.cdr.RecordKey;
import io.sluice.core.pipeline.BatchId;
import io.sluice.core.pipeline.DedupStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import org.duckdb.DuckDBAppender;

/**
 * Dedup marks in DuckDB (CDR-5), without an index: a keyed ART index costs microseconds per insert and is
 * rewritten at every checkpoint, which made marks the slowest part of ingest. Instead, a key's high bits are
 * its call's day ({@link RecordKey}), marks are appended in arrival order, and a batch's keys are joined only
 * with marks in the batch's key range: with time-ordered input DuckDB's zone maps skip every row group
 * outside the few days a batch covers. Each mark carries a 64-bit tag of the batch that made it, so a retried
 * batch gets its own keys back. Runs inside the caller's transaction.
 */
public final class DuckDbDedupStore implements DedupStore {
    private final LocalStore store;
    private boolean prepared;

    public DuckDbDedupStore(LocalStore store) {
        this.store = store;
    }

    static long tag(BatchId batch) {
        return Hashing.xxh3_64().hashCharsToLong(batch.value());
    }

    @Override
    public Set<RecordKey> claim(BatchId batch, Collection<RecordKey> keys) {
        if (keys.isEmpty()) {
            return Set.of();
        }
        try {
            if (!prepared) {
                try (Statement s = store.connection().createStatement()) {
                    s.execute("CREATE TEMP TABLE IF NOT EXISTS claim_in(k_hi BIGINT, k_lo BIGINT)");
                }
                prepared = true;
            }
            long minHi = Long.MAX_VALUE;
            long maxHi = Long.MIN_VALUE;
            try (DuckDBAppender a = store.connection().createAppender("temp", "main", "claim_in")) {
                for (RecordKey k : keys) {
                    a.beginRow().append(k.hi()).append(k.lo()).endRow();
                    minHi = Math.min(minHi, k.hi());
                    maxHi = Math.max(maxHi, k.hi());
                }
            }
            long tag = tag(batch);
            Set<RecordKey> taken = new HashSet<>();
            Set<RecordKey> mine = new HashSet<>();
            try (PreparedStatement p = store.connection().prepareStatement(
                    "SELECT s.k_hi, s.k_lo, s.batch_tag FROM cdr_seen s SEMI JOIN claim_in c ON s.k_hi = c.k_hi AND s.k_lo = c.k_lo "
                            + "WHERE s.k_hi BETWEEN ? AND ?")) {
                p.setLong(1, minHi);
                p.setLong(2, maxHi);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        RecordKey k = new RecordKey(rs.getLong(1), rs.getLong(2));
                        (rs.getLong(3) == tag ? mine : taken).add(k);
                    }
                }
            }
            Set<RecordKey> owned = new HashSet<>(keys.size() * 2);
            try (DuckDBAppender a = store.connection().createAppender("cdr_seen")) {
                for (RecordKey k : keys) {
                    if (mine.contains(k)) {
                        owned.add(k);
                    } else if (!taken.contains(k)) {
                        a.beginRow().append(k.hi()).append(k.lo()).append(tag).endRow();
                        owned.add(k);
                    }
                }
            }
            try (Statement s = store.connection().createStatement()) {
                s.execute("DELETE FROM claim_in");
            }
            return owned;
        } catch (SQLException e) {
            throw new StoreException("Cannot record dedup marks for " + keys.size() + " records: " + LocalStore.firstLine(e.getMessage()), e);
        }
    }
}
