package io.sluice.local.store;

import io.sluice.core.pipeline.BatchId;
import io.sluice.core.pipeline.UsageDelta;
import io.sluice.core.pipeline.UsageStore;
import java.sql.SQLException;
import java.sql.Statement;
import org.duckdb.DuckDBAppender;

/**
 * Usage and route aggregates in DuckDB (CDR-7, CDR-8), log-structured: a batch's pre-aggregated counters are
 * appended to {@code usage_daily_delta} and {@code route_hourly_delta} (an upsert into a keyed table costs
 * an index probe per row; an append costs nothing), once per batch id ({@code batch_marks}, same
 * transaction). The views {@code usage_daily} and {@code route_hourly} sum base and deltas, so readers always
 * see current totals; {@link #compact()} folds deltas into the base tables at the end of a run.
 */
public final class DuckDbUsageStore implements UsageStore {
    private final LocalStore store;

    public DuckDbUsageStore(LocalStore store) {
        this.store = store;
    }

    @Override
    public void apply(BatchId batch, UsageDelta delta) {
        try {
            if (!BatchMarks.firstTime(store, "usage", batch) || delta.isEmpty()) {
                return;
            }
            try (DuckDBAppender a = store.connection().createAppender("usage_daily_delta")) {
                for (var e : delta.usage().entrySet()) {
                    var c = e.getValue();
                    a.beginRow().append(e.getKey().msisdn()).appendEpochDays(e.getKey().epochDay())
                            .append(c.calls).append(c.answered).append(c.seconds)
                            .append(c.internationalCalls).append(c.internationalSeconds).endRow();
                }
            }
            try (DuckDBAppender a = store.connection().createAppender("route_hourly_delta")) {
                for (var e : delta.routes().entrySet()) {
                    var c = e.getValue();
                    a.beginRow().append(e.getKey().route()).appendEpochMicros(e.getKey().hourEpochSecond() * 1_000_000L)
                            .append(c.attempts).append(c.answered).append(c.seconds).endRow();
                }
            }
        } catch (SQLException e) {
            throw new StoreException("Cannot apply aggregates of batch " + batch.value() + ": " + LocalStore.firstLine(e.getMessage()), e);
        }
    }

    /** Folds the deltas into the base tables in one transaction; readers see the same totals before and after. */
    public void compact() {
        store.inTransaction(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("""
                        CREATE OR REPLACE TABLE usage_daily_base AS SELECT msisdn, day, sum(calls) AS calls, sum(answered) AS answered,
                          sum(seconds) AS seconds, sum(intl_calls) AS intl_calls, sum(intl_seconds) AS intl_seconds
                        FROM (SELECT * FROM usage_daily_base UNION ALL SELECT * FROM usage_daily_delta)
                        GROUP BY msisdn, day ORDER BY day, msisdn""");
                s.execute("DELETE FROM usage_daily_delta");
                s.execute("""
                        CREATE OR REPLACE TABLE route_hourly_base AS SELECT route, hour, sum(attempts) AS attempts,
                          sum(answered) AS answered, sum(seconds) AS seconds
                        FROM (SELECT * FROM route_hourly_base UNION ALL SELECT * FROM route_hourly_delta)
                        GROUP BY route, hour ORDER BY hour, route""");
                s.execute("DELETE FROM route_hourly_delta");
            }
            return null;
        });
    }
}
