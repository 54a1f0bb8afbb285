package io.sluice.local.store;

import io.sluice.core.cdr.RecordKey;
import io.sluice.core.pipeline.DedupStore;
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
 * Runs inside the caller's transaction, so claims roll back with the batch.
 */
public final class DuckDbDedupStore implements DedupStore {
    private final LocalStore store;
    private boolean prepared;

    public DuckDbDedupStore(LocalStore store) {
        this.store = store;
    }

    @Override
    public Set<RecordKey> claim(Collection<RecordKey> keys) {
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
            Set<RecordKey> fresh = new HashSet<>(keys.size() * 2);
            try (Statement s = store.connection().createStatement()) {
                try (ResultSet rs = s.executeQuery(
                        "INSERT INTO cdr_seen SELECT k_hi, k_lo FROM claim_in ON CONFLICT DO NOTHING RETURNING k_hi, k_lo")) {
                    while (rs.next()) {
                        fresh.add(new RecordKey(rs.getLong(1), rs.getLong(2)));
                    }
                }
                s.execute("DELETE FROM claim_in");
            }
            return fresh;
        } catch (SQLException e) {
            throw new StoreException("Cannot record dedup marks for " + keys.size() + " records: " + LocalStore.firstLine(e.getMessage()), e);
        }
    }
}
