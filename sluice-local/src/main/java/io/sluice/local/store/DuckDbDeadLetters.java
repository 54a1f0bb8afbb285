package io.sluice.local.store;

import io.sluice.core.cdr.Rejection;
import io.sluice.core.pipeline.BatchId;
import io.sluice.core.pipeline.DeadLetters;
import java.sql.Statement;
import java.util.HexFormat;
import org.duckdb.DuckDBAppender;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;


/** Dead letters in the {@code dead_letters} table: original bytes, source, line, reason and detail (CDR-3). */
public final class DuckDbDeadLetters implements DeadLetters {
    private static final HexFormat HEX = HexFormat.of();
    private final LocalStore store;

    public DuckDbDeadLetters(LocalStore store) {
        this.store = store;
    }

    /**
     * Takes dead letters out of the queue for a replay ({@code sluice dlq replay}), in the caller's transaction: each
     * moves to {@code dead_letters_superseded} naming {@code by}, and its dedup mark (the content key its batch claimed)
     * is released, so that the replay judges its bytes afresh: accepted, rejected again (a new dead letter), or a
     * duplicate of a record accepted since. Each dead letter is counted once, by the replay's outcome.
     */
    public void release(List<DeadLetterQueries.DeadLetter> letters, String by) {
        if (letters.isEmpty()) {
            return;
        }
        try {
            try (Statement s = store.connection().createStatement()) {
                s.execute("CREATE OR REPLACE TEMP TABLE released(id BIGINT, k_hi BIGINT, k_lo BIGINT, batch_tag BIGINT)");
            }
            try (DuckDBAppender a = store.connection().createAppender("temp", "main", "released")) {
                for (DeadLetterQueries.DeadLetter d : letters) {
                    io.sluice.core.cdr.RecordKey k = Rejection.contentKeyOf(d.original());
                    a.beginRow().append(d.id()).append(k.hi()).append(k.lo()).append(DuckDbDedupStore.tag(new BatchId(d.batchId()))).endRow();
                }
            }
            try (java.sql.PreparedStatement p = store.connection().prepareStatement("INSERT INTO dead_letters_superseded "
                    + "SELECT *, now(), ? FROM dead_letters WHERE id IN (SELECT id FROM released)")) {
                p.setString(1, by);
                p.executeUpdate();
            }
            try (Statement s = store.connection().createStatement()) {
                s.execute("DELETE FROM dead_letters WHERE id IN (SELECT id FROM released)");
                s.execute("DELETE FROM rejected_seen r USING released x WHERE r.k_hi = x.k_hi AND r.k_lo = x.k_lo AND r.batch_tag = x.batch_tag");
                s.execute("DROP TABLE released");
            }
        } catch (SQLException e) {
            throw new StoreException("Cannot release " + letters.size() + " dead letters for a replay: " + LocalStore.firstLine(e.getMessage()), e);
        }
    }

    @Override
    public void store(BatchId batch, List<Rejection> rejections) {
        LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC);
        try {
            if (!BatchMarks.firstTime(store, "dead_letters", batch)) {
                return;
            }
        } catch (SQLException e) {
            throw new StoreException("Cannot mark dead letters of batch " + batch.value() + ": " + LocalStore.firstLine(e.getMessage()), e);
        }
        try {
            try (Statement s = store.connection().createStatement()) {
                s.execute("CREATE TEMP TABLE IF NOT EXISTS dead_letters_in(batch_id VARCHAR, source VARCHAR, line BIGINT, reason VARCHAR, "
                        + "detail VARCHAR, original_hex VARCHAR, received_at TIMESTAMP)");
            }
            // The appender has no BLOB setter; hex text crosses exactly and unhex() turns it back into the same bytes.
            try (DuckDBAppender a = store.connection().createAppender("temp", "main", "dead_letters_in")) {
                for (Rejection r : rejections) {
                    a.beginRow().append(batch.value()).append(r.source()).append(r.line()).append(r.reason().name())
                            .append(r.detail()).append(HEX.formatHex(r.original())).append(now).endRow();
                }
            }
            try (Statement s = store.connection().createStatement()) {
                s.execute("INSERT INTO dead_letters(batch_id, source, line, reason, detail, original, received_at) "
                        + "SELECT batch_id, source, line, reason, detail, unhex(original_hex), received_at FROM dead_letters_in");
                s.execute("DELETE FROM dead_letters_in");
            }
        } catch (SQLException e) {
            throw new StoreException("Cannot store " + rejections.size() + " dead letters of batch " + batch.value() + ": "
                    + LocalStore.firstLine(e.getMessage()), e);
        }
    }
}
