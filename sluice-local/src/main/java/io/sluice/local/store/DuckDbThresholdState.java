package io.sluice.local.store;

import io.sluice.core.telemetry.ThresholdState;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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
        try (PreparedStatement p = store.connection().prepareStatement(
                "SELECT raised, told, last_raised_at, last_seen_at FROM threshold_state WHERE device_id = ? AND rule = ?")) {
            for (Key k : keys) {
                p.setString(1, k.deviceId());
                p.setString(2, k.rule());
                try (ResultSet rs = p.executeQuery()) {
                    if (rs.next()) {
                        out.put(k, new State(rs.getBoolean(1), rs.getBoolean(2), rs.getLong(3), rs.getLong(4)));
                    }
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("Cannot read the threshold rules' state: " + LocalStore.firstLine(e.getMessage()), e);
        }
    }

    @Override
    public void save(Map<Key, State> changed) {
        try (PreparedStatement p = store.connection().prepareStatement("INSERT OR REPLACE INTO threshold_state VALUES (?, ?, ?, ?, ?, ?)")) {
            for (Map.Entry<Key, State> e : changed.entrySet()) {
                p.setString(1, e.getKey().deviceId());
                p.setString(2, e.getKey().rule());
                p.setBoolean(3, e.getValue().raised());
                p.setBoolean(4, e.getValue().told());
                p.setLong(5, e.getValue().lastRaisedAt());
                p.setLong(6, e.getValue().lastSeenAt());
                p.executeUpdate();
            }
        } catch (SQLException e) {
            throw new StoreException("Cannot keep the threshold rules' state: " + LocalStore.firstLine(e.getMessage()), e);
        }
    }
}
