package io.sluice.local.store;

import io.sluice.core.telemetry.ThresholdState;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.duckdb.DuckDBAppender;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The threshold rules' state in the embedded store (IOT-4; table {@code threshold_state} of schema version 7), on the
 * store's connection: it commits with the batch that changed it.
 */
public final class DuckDbThresholdState implements ThresholdState {
    private final LocalStore store;

    public DuckDbThresholdState(LocalStore store) {
        this.store = store;
    }

    @Override
    public Map<Key, State> load(Collection<Key> keys) {
        Map<Key, State> out = new HashMap<>();
        if (keys.isEmpty()) {
            return out;
        }
        // One join for the batch's keys: a query per key costs DuckDB a millisecond or more each.
        try {
            stage(keys, Map.of());
            try (Statement st = store.connection().createStatement(); ResultSet rs = st.executeQuery("SELECT s.device_id, s.rule, "
                    + "s.raised, s.told, s.last_raised_at, s.last_seen_at FROM threshold_state s JOIN threshold_keys_in k "
                    + "ON s.device_id = k.device_id AND s.rule = k.rule")) {
                while (rs.next()) {
                    out.put(new Key(rs.getString(1), rs.getString(2)), new State(rs.getBoolean(3), rs.getBoolean(4), rs.getLong(5), rs.getLong(6)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("Cannot read the threshold rules' state: " + LocalStore.firstLine(e.getMessage()), e);
        }
    }

    @Override
    public void save(Map<Key, State> changed) {
        if (changed.isEmpty()) {
            return;
        }
        try {
            stage(changed.keySet(), changed);
            try (Statement st = store.connection().createStatement()) {
                st.execute("INSERT OR REPLACE INTO threshold_state SELECT device_id, rule, raised, told, last_raised_at, last_seen_at "
                        + "FROM threshold_keys_in");
            }
        } catch (SQLException e) {
            throw new StoreException("Cannot keep the threshold rules' state: " + LocalStore.firstLine(e.getMessage()), e);
        }
    }

    /** The keys (and for a save, their states) in the temp table {@code threshold_keys_in}. */
    private void stage(Collection<Key> keys, Map<Key, State> states) throws SQLException {
        try (Statement st = store.connection().createStatement()) {
            st.execute("CREATE TEMP TABLE IF NOT EXISTS threshold_keys_in AS SELECT * FROM threshold_state LIMIT 0");
            st.execute("DELETE FROM threshold_keys_in");
        }
        try (DuckDBAppender a = store.connection().createAppender("temp", "main", "threshold_keys_in")) {
            for (Key k : keys) {
                State s = states.getOrDefault(k, State.INITIAL);
                a.beginRow().append(k.deviceId()).append(k.rule()).append(s.raised()).append(s.told()).append(s.lastRaisedAt())
                        .append(s.lastSeenAt()).endRow();
            }
        }
    }
}
