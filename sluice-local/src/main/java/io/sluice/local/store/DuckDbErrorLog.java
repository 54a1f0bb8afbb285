package io.sluice.local.store;

import io.sluice.core.pipeline.ErrorLog;
import io.sluice.core.pipeline.ErrorLogQuery;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The error log in the embedded store (MON-2): table {@code error_log} of schema version 6, the fields of the DynamoDB
 * error table, read by function and time through its index. It writes on a connection of its own, in no transaction of
 * the pipeline's: the record of a batch that failed and rolled back stays. A write that fails goes to standard error,
 * as on AWS; recording never throws.
 */
public final class DuckDbErrorLog implements ErrorLog, ErrorLogQuery, AutoCloseable {
    private final Connection connection;
    private final RandomGenerator random;

    public DuckDbErrorLog(LocalStore store, RandomGenerator random) {
        try {
            this.connection = store.connection().duplicate();
        } catch (SQLException e) {
            throw new StoreException("Cannot open the error log: " + LocalStore.firstLine(e.getMessage()), e);
        }
        this.random = random;
    }

    @Override
    public synchronized String record(String functionName, Instant at, Throwable error, long durationMillis, String event) {
        Entry e = Entry.of(functionName, at, error, durationMillis, event, random);
        try (PreparedStatement p = connection.prepareStatement("INSERT INTO error_log VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            p.setString(1, e.id());
            p.setString(2, e.functionName());
            p.setLong(3, e.occurredAt().toEpochMilli());
            p.setString(4, e.type());
            p.setString(5, e.message());
            p.setString(6, e.stackTrace());
            p.setLong(7, e.durationMillis());
            p.setString(8, e.eventSnapshot());
            p.executeUpdate();
        } catch (SQLException | RuntimeException failure) {
            System.err.println(e.fallbackLine(String.valueOf(failure.getMessage())));
        }
        return e.id();
    }

    @Override
    public synchronized List<Entry> recent(String functionName, Instant from, Instant to, int limit) {
        return select("WHERE function_name = ? AND occurred_at >= ? AND occurred_at < ? ORDER BY error_id DESC LIMIT ?",
                functionName, from.toEpochMilli(), to.toEpochMilli(), limit);
    }

    /** The latest entries of every function since {@code from}, newest first: the dashboard's list. */
    public synchronized List<Entry> latest(Instant from, int limit) {
        return select("WHERE occurred_at >= ? ORDER BY error_id DESC LIMIT ?", from.toEpochMilli(), limit);
    }

    /** An entry as stored, or empty. */
    public synchronized Optional<Entry> stored(String id) {
        return select("WHERE error_id = ?", id).stream().findFirst();
    }

    /** Deletes the entries older than {@code before}; how many went. */
    public synchronized int purge(Instant before) {
        try (PreparedStatement p = connection.prepareStatement("DELETE FROM error_log WHERE occurred_at < ?")) {
            p.setLong(1, before.toEpochMilli());
            return p.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("Cannot purge the error log: " + LocalStore.firstLine(e.getMessage()), e);
        }
    }

    private List<Entry> select(String where, Object... args) {
        try (PreparedStatement p = connection.prepareStatement("SELECT error_id, function_name, occurred_at, error_type, message, "
                + "stack_trace, duration_ms, event_snapshot FROM error_log " + where)) {
            for (int i = 0; i < args.length; i++) {
                p.setObject(i + 1, args[i]);
            }
            List<Entry> out = new ArrayList<>();
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.add(new Entry(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getLong(7), rs.getString(8)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("Cannot read the error log: " + LocalStore.firstLine(e.getMessage()), e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw new StoreException("Cannot close the error log: " + LocalStore.firstLine(e.getMessage()), e);
        }
    }
}
