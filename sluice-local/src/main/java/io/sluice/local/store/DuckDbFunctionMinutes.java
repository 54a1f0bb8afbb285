package io.sluice.local.store;

import io.sluice.core.monitoring.PeriodMetrics.Period;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Each function's counts per minute in the embedded store (MON-1): table {@code function_minutes} of schema version 6,
 * kept 24 hours, what the dashboard draws. A minute written twice (invocations that ended after their minute was
 * saved) adds up; its p99 is then the larger of the two, an upper bound. On a connection of its own, as the error log.
 */
public final class DuckDbFunctionMinutes implements AutoCloseable {
    private final Connection connection;

    public DuckDbFunctionMinutes(LocalStore store) {
        try {
            this.connection = store.connection().duplicate();
        } catch (SQLException e) {
            throw new StoreException("Cannot open the function metrics: " + LocalStore.firstLine(e.getMessage()), e);
        }
    }

    /** Adds closed minutes. */
    public synchronized void add(Collection<Period> minutes) {
        if (minutes.isEmpty()) {
            return;
        }
        try (PreparedStatement p = connection.prepareStatement("""
                INSERT INTO function_minutes VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (function_name, minute_start) DO UPDATE SET invocations = invocations + excluded.invocations,
                    errors = errors + excluded.errors, throttles = throttles + excluded.throttles,
                    duration_sum_ms = duration_sum_ms + excluded.duration_sum_ms,
                    duration_max_ms = greatest(duration_max_ms, excluded.duration_max_ms),
                    duration_p99_ms = greatest(duration_p99_ms, excluded.duration_p99_ms)""")) {
            for (Period m : minutes) {
                p.setString(1, m.function());
                p.setLong(2, m.start().toEpochMilli());
                p.setLong(3, m.invocations());
                p.setLong(4, m.errors());
                p.setLong(5, m.throttles());
                p.setDouble(6, m.sumMillis());
                p.setDouble(7, m.maxMillis());
                p.setDouble(8, m.p99Millis());
                p.executeUpdate();
            }
        } catch (SQLException e) {
            throw new StoreException("Cannot save the function metrics: " + LocalStore.firstLine(e.getMessage()), e);
        }
    }

    /** Every function's minutes from {@code from} on, by function then time. */
    public synchronized List<Period> since(Instant from) {
        try (PreparedStatement p = connection.prepareStatement("SELECT function_name, minute_start, invocations, errors, throttles, "
                + "duration_sum_ms, duration_max_ms, duration_p99_ms FROM function_minutes WHERE minute_start >= ? "
                + "ORDER BY function_name, minute_start")) {
            p.setLong(1, from.toEpochMilli());
            List<Period> out = new ArrayList<>();
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.add(new Period(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getLong(3), rs.getLong(4),
                            rs.getLong(5), rs.getDouble(6), rs.getDouble(7), rs.getDouble(8)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("Cannot read the function metrics: " + LocalStore.firstLine(e.getMessage()), e);
        }
    }

    /** Deletes the minutes before {@code before}. */
    public synchronized int purge(Instant before) {
        try (PreparedStatement p = connection.prepareStatement("DELETE FROM function_minutes WHERE minute_start < ?")) {
            p.setLong(1, before.toEpochMilli());
            return p.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("Cannot purge the function metrics: " + LocalStore.firstLine(e.getMessage()), e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw new StoreException("Cannot close the function metrics: " + LocalStore.firstLine(e.getMessage()), e);
        }
    }
}
