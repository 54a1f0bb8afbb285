package io.sluice.local.store;

import io.sluice.core.pipeline.BatchId;
import io.sluice.core.pipeline.UsageDelta;
import io.sluice.core.pipeline.UsageStore;
import java.sql.SQLException;
import java.sql.Statement;
import java.nio.file.Path;

/**
 * Usage and route aggregates in DuckDB (CDR-7, CDR-8), log-structured: a batch's pre-aggregated counters are
 * appended to {@code usage_daily_delta} and {@code route_hourly_delta} (an upsert into a keyed table costs
 * an index probe per row; an append costs nothing), once per batch id ({@code batch_marks}, same
 * transaction). The views {@code usage_daily} and {@code route_hourly} sum base and deltas, so readers always
 * see current totals; {@link #compact()} folds deltas into the base tables at the end of a run. A withdrawn source
 * ({@link SourceRetraction}) appends its counters negated; a group brought to zero is no row.
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
            Path dir = store.dataDir().resolve("staging");
            try (StagingFile f = new StagingFile(dir.resolve("usage.csv"))) {
                for (var e : delta.usage().entrySet()) {
                    var c = e.getValue();
                    f.str(e.getKey().msisdn()).num(e.getKey().epochDay()).num(c.calls).num(c.answered).num(c.seconds)
                            .num(c.internationalCalls).num(c.internationalSeconds).endRow();
                }
            }
            try (StagingFile f = new StagingFile(dir.resolve("routes.csv"))) {
                for (var e : delta.routes().entrySet()) {
                    var c = e.getValue();
                    f.str(e.getKey().route()).num(e.getKey().hourEpochSecond()).num(c.attempts).num(c.answered).num(c.seconds).endRow();
                }
            }
            String csv = StagingFile.READ_OPTIONS;
            try (Statement s = store.connection().createStatement()) {
                s.execute("INSERT INTO usage_daily_delta SELECT msisdn, CAST(to_days(day) + DATE '1970-01-01' AS DATE), calls, answered, seconds, "
                        + "intl_calls, intl_seconds FROM read_csv('" + sql(dir.resolve("usage.csv")) + "', columns = {'msisdn': 'VARCHAR', "
                        + "'day': 'INTEGER', 'calls': 'BIGINT', 'answered': 'BIGINT', 'seconds': 'BIGINT', 'intl_calls': 'BIGINT', "
                        + "'intl_seconds': 'BIGINT'}" + csv);
                s.execute("INSERT INTO route_hourly_delta SELECT route, make_timestamp(hour_s * 1000000), attempts, answered, seconds "
                        + "FROM read_csv('" + sql(dir.resolve("routes.csv")) + "', columns = {'route': 'VARCHAR', 'hour_s': 'BIGINT', "
                        + "'attempts': 'BIGINT', 'answered': 'BIGINT', 'seconds': 'BIGINT'}" + csv);
            }
        } catch (SQLException e) {
            throw new StoreException("Cannot apply aggregates of batch " + batch.value() + ": " + LocalStore.firstLine(e.getMessage()), e);
        }
    }

    private static String sql(Path p) {
        return p.toAbsolutePath().toString().replace("'", "''");
    }

    /** Folds the deltas into the base tables in one transaction; readers see the same totals before and after. */
    public void compact() {
        store.inTransaction(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("""
                        CREATE OR REPLACE TABLE usage_daily_base AS SELECT msisdn, day, sum(calls) AS calls, sum(answered) AS answered,
                          sum(seconds) AS seconds, sum(intl_calls) AS intl_calls, sum(intl_seconds) AS intl_seconds
                        FROM (SELECT * FROM usage_daily_base UNION ALL SELECT * FROM usage_daily_delta)
                        GROUP BY msisdn, day HAVING sum(calls) <> 0 ORDER BY day, msisdn""");
                s.execute("DELETE FROM usage_daily_delta");
                s.execute("""
                        CREATE OR REPLACE TABLE route_hourly_base AS SELECT route, hour, sum(attempts) AS attempts,
                          sum(answered) AS answered, sum(seconds) AS seconds
                        FROM (SELECT * FROM route_hourly_base UNION ALL SELECT * FROM route_hourly_delta)
                        GROUP BY route, hour HAVING sum(attempts) <> 0 ORDER BY hour, route""");
                s.execute("DELETE FROM route_hourly_delta");
            }
            return null;
        });
    }
}
