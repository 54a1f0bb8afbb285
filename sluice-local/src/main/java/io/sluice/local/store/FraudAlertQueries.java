package io.sluice.local.store;

import io.sluice.core.fraud.FraudAlert;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads of {@code fraud_alerts} on any connection to the store: the adapter's own ({@link DuckDbFraudState}) and the
 * reader of {@code sluice up} ({@code GET /v1/alerts}), which must not wait for the worker's transaction.
 */
public final class FraudAlertQueries {
    static final String COLUMNS = "id, subscriber, rule, window_start, window_end, first_held, held_until, closes_at, "
            + "calls, seconds, destinations, top_destinations, first_key, last_key, peak_calls, baseline_calls, baseline_seconds, "
            + "history_days, cleared, raise_sent, clear_sent";

    private final Connection connection;

    public FraudAlertQueries(Connection connection) {
        this.connection = connection;
    }

    /**
     * Alerts of {@code rule} (null: every rule) whose window overlaps {@code [from, to)} (epoch seconds), in the order
     * they first held, at most {@code limit}.
     */
    public List<FraudAlert> list(String rule, long from, long to, int limit) {
        return query("SELECT " + COLUMNS + " FROM fraud_alerts WHERE (CAST(? AS VARCHAR) IS NULL OR rule = ?) AND window_end > ? "
                + "AND window_start < ? ORDER BY first_held, id LIMIT ?", rule, rule, from, to, limit);
    }

    List<FraudAlert> query(String sql, Object... params) {
        try (PreparedStatement p = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                p.setObject(i + 1, params[i]);
            }
            List<FraudAlert> out = new ArrayList<>();
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.add(alert(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("Cannot read fraud alerts: " + LocalStore.firstLine(e.getMessage()), e);
        }
    }

    private static FraudAlert alert(ResultSet rs) throws SQLException {
        String top = rs.getString(12);
        FraudAlert.Evidence ev = new FraudAlert.Evidence(rs.getLong(9), rs.getLong(10), rs.getInt(11),
                top.isEmpty() ? List.of() : List.of(top.split(",")), rs.getString(13), rs.getString(14), rs.getLong(15),
                rs.getDouble(16), rs.getDouble(17), rs.getInt(18));
        return new FraudAlert(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5), rs.getLong(6),
                rs.getLong(7), rs.getLong(8), ev, rs.getBoolean(19), rs.getBoolean(20), rs.getBoolean(21));
    }
}
