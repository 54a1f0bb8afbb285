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
 * Dedup marks in a keyed DuckDB table (CDR-5): the keys of a batch are appended to a temporary table and
 * inserted with {@code ON CONFLICT DO NOTHING RETURNING}, which hands back exactly the keys not seen before.
 * Each mark carries a 64-bit tag of the batch that made it; only when some keys conflict are the marks
 * looked up, to give a retried batch its own keys back. Runs inside the caller's transaction.
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
        try {
            if (!prepared) {
                try (Statement s = store.connection().createStatement()) {
                    s.execute("CREATE TEMP TABLE IF NOT EXISTS claim_in(k_hi BIGINT, k_lo BIGINT)");
                }
                prepared = true;
            }
            try (DuckDBAppender a = store.connection().createAppender("temp", "main", "claim_in")) {
                for (RecordKey k : keys) {
                    a.beginRow().append(k.hi()).append(k.lo()).endRow();
                }
            }
            long tag = tag(batch);
            Set<RecordKey> owned = new HashSet<>(keys.size() * 2);
            try (PreparedStatement p = store.connection().prepareStatement(
                    "INSERT INTO cdr_seen SELECT k_hi, k_lo, ? FROM claim_in ON CONFLICT DO NOTHING RETURNING k_hi, k_lo")) {
                p.setLong(1, tag);
                collect(p, owned);
            }
            if (owned.size() < keys.size()) {
                try (PreparedStatement p = store.connection().prepareStatement(
                        "SELECT s.k_hi, s.k_lo FROM cdr_seen s JOIN claim_in c ON s.k_hi = c.k_hi AND s.k_lo = c.k_lo WHERE s.batch_tag = ?")) {
                    p.setLong(1, tag);
                    collect(p, owned);
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

    private static void collect(PreparedStatement p, Set<RecordKey> into) throws SQLException {
        try (ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
                into.add(new RecordKey(rs.getLong(1), rs.getLong(2)));
            }
        }
    }
}
