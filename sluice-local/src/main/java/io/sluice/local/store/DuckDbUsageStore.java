package io.sluice.local.store;

import io.sluice.core.pipeline.BatchId;
import io.sluice.core.pipeline.UsageDelta;
import io.sluice.core.pipeline.UsageStore;
import java.sql.SQLException;
import java.sql.Statement;
import org.duckdb.DuckDBAppender;

/**
 * Usage and route aggregates in DuckDB (CDR-7, CDR-8): a batch's counters are upserted with
 * {@code ON CONFLICT DO UPDATE SET x = x + excluded.x}, once per batch id: {@code batch_marks} records
 * each application in the same transaction, so a replayed batch is a no-op.
 */
public final class DuckDbUsageStore implements UsageStore {
    private final LocalStore store;
    private boolean prepared;

    public DuckDbUsageStore(LocalStore store) {
        this.store = store;
    }

    @Override
    public void apply(BatchId batch, UsageDelta delta) {
        try {
            if (!BatchMarks.firstTime(store, "usage", batch) || delta.isEmpty()) {
                return;
            }
            prepare();
            try (DuckDBAppender a = store.connection().createAppender("temp", "main", "usage_in")) {
                for (var e : delta.usage().entrySet()) {
                    var c = e.getValue();
                    a.beginRow().append(e.getKey().msisdn()).appendEpochDays(e.getKey().epochDay())
                            .append(c.calls).append(c.answered).append(c.seconds)
                            .append(c.internationalCalls).append(c.internationalSeconds).endRow();
                }
            }
            try (DuckDBAppender a = store.connection().createAppender("temp", "main", "route_in")) {
                for (var e : delta.routes().entrySet()) {
                    var c = e.getValue();
                    a.beginRow().append(e.getKey().route()).appendEpochMicros(e.getKey().hourEpochSecond() * 1_000_000L)
                            .append(c.attempts).append(c.answered).append(c.seconds).endRow();
                }
            }
            try (Statement s = store.connection().createStatement()) {
                s.execute("""
                        INSERT INTO usage_daily SELECT * FROM usage_in ON CONFLICT (msisdn, day) DO UPDATE SET
                          calls = usage_daily.calls + excluded.calls, answered = usage_daily.answered + excluded.answered,
                          seconds = usage_daily.seconds + excluded.seconds, intl_calls = usage_daily.intl_calls + excluded.intl_calls,
                          intl_seconds = usage_daily.intl_seconds + excluded.intl_seconds""");
                s.execute("""
                        INSERT INTO route_hourly SELECT * FROM route_in ON CONFLICT (route, hour) DO UPDATE SET
                          attempts = route_hourly.attempts + excluded.attempts, answered = route_hourly.answered + excluded.answered,
                          seconds = route_hourly.seconds + excluded.seconds""");
                s.execute("DELETE FROM usage_in");
                s.execute("DELETE FROM route_in");
            }
        } catch (SQLException e) {
            throw new StoreException("Cannot apply aggregates of batch " + batch.value() + ": " + LocalStore.firstLine(e.getMessage()), e);
        }
    }

    private void prepare() throws SQLException {
        if (prepared) {
            return;
        }
        try (Statement s = store.connection().createStatement()) {
            s.execute("""
                    CREATE TEMP TABLE IF NOT EXISTS usage_in(msisdn VARCHAR, day DATE, calls BIGINT, answered BIGINT, seconds BIGINT,
                      intl_calls BIGINT, intl_seconds BIGINT)""");
            s.execute("CREATE TEMP TABLE IF NOT EXISTS route_in(route VARCHAR, hour TIMESTAMP, attempts BIGINT, answered BIGINT, seconds BIGINT)");
        }
        prepared = true;
    }
}
