package io.sluice.local.store;

import io.sluice.core.pipeline.BatchId;
import io.sluice.core.telemetry.Reading;
import io.sluice.core.telemetry.ReadingRejection;
import io.sluice.core.telemetry.Rollups;
import io.sluice.core.telemetry.TelemetryStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.duckdb.DuckDBAppender;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Telemetry in the embedded store (IOT-3; tables of schema version 7): a batch's readings, rejected readings and rollups,
 * on the store's connection, so that inside the batch's transaction they commit or vanish with its de-duplication
 * claims; once per batch ({@code batch_marks}). Rollups are added to what the table holds ({@link Rollups.Rollup#merge}).
 */
public final class DuckDbTelemetryStore implements TelemetryStore {
    private final LocalStore store;
    private final long receivedAt;

    public DuckDbTelemetryStore(LocalStore store, long receivedAtMillis) {
        this.store = store;
        this.receivedAt = receivedAtMillis;
    }

    @Override
    public void write(BatchId batch, List<Reading> accepted, List<ReadingRejection> rejected, Map<Rollups.Key, Rollups.Rollup> rollups) {
        try {
            if (!BatchMarks.firstTime(store, "telemetry", batch)) {
                return;
            }
            // The appender, not a statement per row: a prepared INSERT costs DuckDB about a millisecond a row.
            try (DuckDBAppender a = store.connection().createAppender("telemetry_readings")) {
                for (Reading r : accepted) {
                    a.beginRow().append(r.deviceId()).append(r.timestampMillis()).append(r.metric()).append(r.value()).append(r.unit())
                            .append(tags(r.tags())).append(batch.value()).endRow();
                }
            }
            if (!rejected.isEmpty()) {
                try (DuckDBAppender a = store.connection().createAppender("telemetry_rejected")) {
                    for (ReadingRejection r : rejected) {
                        a.beginRow().append(batch.value()).append(r.index()).append(r.reason().name()).append(r.detail())
                                .append(r.original()).append(receivedAt).endRow();
                    }
                }
            }
            if (!rollups.isEmpty()) {
                try (Statement st = store.connection().createStatement()) {
                    st.execute("CREATE TEMP TABLE IF NOT EXISTS telemetry_rollups_in AS SELECT * FROM telemetry_rollups LIMIT 0");
                    st.execute("DELETE FROM telemetry_rollups_in");
                }
                try (DuckDBAppender a = store.connection().createAppender("temp", "main", "telemetry_rollups_in")) {
                    for (Map.Entry<Rollups.Key, Rollups.Rollup> e : rollups.entrySet()) {
                        Rollups.Key k = e.getKey();
                        Rollups.Rollup v = e.getValue();
                        a.beginRow().append(k.deviceId()).append(k.metric()).append(k.resolution().name()).append(k.bucketStartMillis())
                                .append(v.count()).append(v.min()).append(v.max()).append(v.sum()).append(v.lastAt()).append(v.last()).endRow();
                    }
                }
                // One statement for the batch's buckets: added to what the table holds (Rollups.Rollup#merge).
                try (Statement st = store.connection().createStatement()) {
                    st.execute("""
                            INSERT INTO telemetry_rollups SELECT * FROM telemetry_rollups_in
                            ON CONFLICT (device_id, metric, resolution, bucket_start) DO UPDATE SET count = count + excluded.count,
                                min = least(min, excluded.min), max = greatest(max, excluded.max), sum = sum + excluded.sum,
                                last = CASE WHEN excluded.last_at > last_at OR (excluded.last_at = last_at AND excluded.last > last)
                                            THEN excluded.last ELSE last END,
                                last_at = greatest(last_at, excluded.last_at)""");
                }
            }
        } catch (SQLException e) {
            throw new StoreException("Cannot keep the readings of batch " + batch.value() + ": " + LocalStore.firstLine(e.getMessage()), e);
        }
    }

    private static String tags(Map<String, String> tags) {
        if (tags.isEmpty()) {
            return "{}";
        }
        StringBuilder b = new StringBuilder("{");
        for (Map.Entry<String, String> t : new java.util.TreeMap<>(tags).entrySet()) {
            if (b.length() > 1) {
                b.append(',');
            }
            b.append(json(t.getKey())).append(':').append(json(t.getValue()));
        }
        return b.append('}').toString();
    }

    private static String json(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /** A stored reading, as the query routes answer it. */
    public record Stored(String deviceId, long timestampMillis, String metric, double value, String unit, String tagsJson) {
    }

    /** The latest reading of each metric of {@code device}. */
    public static List<Stored> latest(java.sql.Connection c, String device) throws SQLException {
        return select(c, "SELECT device_id, ts, metric, value, unit, tags FROM telemetry_readings WHERE device_id = ? "
                + "QUALIFY row_number() OVER (PARTITION BY metric ORDER BY ts DESC) = 1 ORDER BY metric", device);
    }

    /** {@code device}'s readings in [from, to), of one metric or all, oldest first, at most {@code limit}. */
    public static List<Stored> readings(java.sql.Connection c, String device, Optional<String> metric, long from, long to, int limit)
            throws SQLException {
        return metric.isPresent()
                ? select(c, "SELECT device_id, ts, metric, value, unit, tags FROM telemetry_readings WHERE device_id = ? AND metric = ? "
                        + "AND ts >= ? AND ts < ? ORDER BY ts, metric LIMIT ?", device, metric.get(), from, to, limit)
                : select(c, "SELECT device_id, ts, metric, value, unit, tags FROM telemetry_readings WHERE device_id = ? "
                        + "AND ts >= ? AND ts < ? ORDER BY ts, metric LIMIT ?", device, from, to, limit);
    }

    private static List<Stored> select(java.sql.Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                p.setObject(i + 1, args[i]);
            }
            List<Stored> out = new ArrayList<>();
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.add(new Stored(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getDouble(4), rs.getString(5), rs.getString(6)));
                }
            }
            return out;
        }
    }
}
