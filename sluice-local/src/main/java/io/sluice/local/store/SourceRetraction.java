package io.sluice.local.store;

import io.sluice.core.pipeline.BatchId;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.duckdb.DuckDBAppender;

/**
 * Withdraws everything that earlier batches of one source produced, so that the source can be taken again under
 * other settings ({@code sluice ingest --reprocess}, issue 22): their dedup marks, their aggregate contributions
 * (appended negated, counted from the archive rows those batches own, so the reversal is exactly what was added),
 * their dead letters (moved to {@code dead_letters_superseded}, kept), their batch marks, and their archive rows
 * (listed in {@code archive_retracted} for an {@link ArchiveRewrite}, which removes them from the Parquet files).
 *
 * <p>{@link #retract} runs inside the caller's transaction, so the withdrawal commits whole or not at all. The
 * archive must hold no staged rows of those batches (export first): only Parquet rows are rewritten. A record that another source repeated (a
 * duplicate there) stays that source's duplicate: the withdrawal gives back only what these batches owned.
 */
public final class SourceRetraction {
    private final LocalStore store;
    private final ParquetArchive archive;

    public SourceRetraction(LocalStore store, ParquetArchive archive) {
        this.store = store;
        this.archive = archive;
    }

    /** What a withdrawal took back. */
    public record Withdrawn(long archiveRows, long deadLetters, long marks, long rewriteId) {
        public static final Withdrawn NOTHING = new Withdrawn(0, 0, 0, 0);
    }

    /**
     * Withdraws the effects of {@code batches} (one source's), in the caller's transaction. {@code supersededBy}
     * names what replaces them, kept with each superseded dead letter.
     */
    public Withdrawn retract(String source, List<BatchId> batches, String supersededBy, Instant now) {
        if (batches.isEmpty()) {
            return Withdrawn.NOTHING;
        }
        return store.inTransaction(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE OR REPLACE TEMP TABLE retract_batches(batch_id VARCHAR, batch_tag BIGINT)");
            }
            try (DuckDBAppender a = store.connection().createAppender("temp", "main", "retract_batches")) {
                for (BatchId b : batches) {
                    a.beginRow().append(b.value()).append(DuckDbDedupStore.tag(b)).endRow();
                }
            }
            long rewriteId = 0;
            long rows = 0;
            try (Statement s = c.createStatement()) {
                if (count(s, "SELECT count(*) FROM archive_staged WHERE batch_id IN (SELECT batch_id FROM retract_batches)") > 0) {
                    throw new IllegalStateException("Export the staged archive rows of " + source + " before withdrawing it");
                }
                // The keys these batches own, written as the archive writes them (RecordKey.hex: 16 hex digits each half).
                s.execute("""
                        CREATE OR REPLACE TEMP TABLE retract_keys AS
                        SELECT lpad(lower(hex(k_hi)), 16, '0') || lpad(lower(hex(k_lo)), 16, '0') AS record_key
                        FROM cdr_seen WHERE batch_tag IN (SELECT batch_tag FROM retract_batches)""");
                if (archive.hasFiles()) {
                    s.execute("CREATE OR REPLACE TEMP TABLE retract_rows AS SELECT a.dt, a.record_key, a.caller, a.start_time, "
                            + "a.disposition, a.billsec, a.international, a.route FROM " + archive.readExpression()
                            + " a SEMI JOIN retract_keys k ON a.record_key = k.record_key");
                    rows = count(s, "SELECT count(*) FROM retract_rows");
                }
                if (rows > 0) {
                    rewriteId = count(s, "SELECT coalesce(max(rewrite_id), 0) + 1 FROM archive_rewrites");
                    try (PreparedStatement p = c.prepareStatement("INSERT INTO archive_rewrites VALUES (?, 'pending', ?, ?)")) {
                        p.setLong(1, rewriteId);
                        p.setString(2, source);
                        p.setTimestamp(3, Timestamp.from(now));
                        p.executeUpdate();
                    }
                    s.execute("INSERT INTO archive_rewrite_partitions SELECT DISTINCT " + rewriteId + ", dt FROM retract_rows");
                    s.execute("INSERT INTO archive_retracted SELECT " + rewriteId + ", record_key FROM retract_rows");
                    // The counters UsageAggregator added for these rows, negated: per subscriber and UTC day, per route and hour.
                    s.execute("""
                            INSERT INTO usage_daily_delta SELECT caller, CAST(start_time AS DATE), -count(*),
                              -count_if(disposition = 'ANSWERED'), -sum(billsec), -count_if(international),
                              -coalesce(sum(billsec) FILTER (WHERE international), 0)
                            FROM retract_rows GROUP BY caller, CAST(start_time AS DATE)""");
                    s.execute("""
                            INSERT INTO route_hourly_delta SELECT route, date_trunc('hour', start_time), -count(*),
                              -count_if(disposition = 'ANSWERED'), -sum(billsec)
                            FROM retract_rows GROUP BY route, date_trunc('hour', start_time)""");
                }
                long marks = s.executeUpdate("DELETE FROM cdr_seen WHERE batch_tag IN (SELECT batch_tag FROM retract_batches)")
                        + s.executeUpdate("DELETE FROM rejected_seen WHERE batch_tag IN (SELECT batch_tag FROM retract_batches)");
                long letters;
                try (PreparedStatement p = c.prepareStatement("INSERT INTO dead_letters_superseded SELECT *, ?, ? FROM dead_letters "
                        + "WHERE batch_id IN (SELECT batch_id FROM retract_batches)")) {
                    p.setTimestamp(1, Timestamp.from(now));
                    p.setString(2, supersededBy);
                    letters = p.executeUpdate();
                }
                s.execute("DELETE FROM dead_letters WHERE batch_id IN (SELECT batch_id FROM retract_batches)");
                // The fraud rules' calls and usage of these batches go with them (alerts already raised stay: they were sent).
                s.execute("DELETE FROM fraud_calls WHERE batch_id IN (SELECT batch_id FROM retract_batches)");
                s.execute("DELETE FROM fraud_usage WHERE batch_id IN (SELECT batch_id FROM retract_batches)");
                s.execute("DELETE FROM batch_marks WHERE batch_id IN (SELECT batch_id FROM retract_batches)");
                s.execute("DROP TABLE IF EXISTS retract_rows");
                s.execute("DROP TABLE retract_keys");
                s.execute("DROP TABLE retract_batches");
                return new Withdrawn(rows, letters, marks, rewriteId);
            }
        });
    }

    private static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
