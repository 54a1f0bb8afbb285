package io.sluice.local.store;

import io.sluice.core.cdr.Rejection;
import io.sluice.core.pipeline.BatchId;
import io.sluice.core.pipeline.DeadLetters;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.duckdb.DuckDBAppender;

/** Dead letters in the {@code dead_letters} table: original bytes, source, line, reason and detail (CDR-3). */
public final class DuckDbDeadLetters implements DeadLetters {
    private final LocalStore store;

    public DuckDbDeadLetters(LocalStore store) {
        this.store = store;
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
        try (DuckDBAppender a = store.connection().createAppender("dead_letters")) {
            for (Rejection r : rejections) {
                a.beginRow().appendDefault().append(batch.value()).append(r.source()).append(r.line())
                        .append(r.reason().name()).append(r.detail()).append(r.original()).append(now).endRow();
            }
        } catch (SQLException e) {
            throw new StoreException("Cannot store " + rejections.size() + " dead letters of batch " + batch.value() + ": "
                    + LocalStore.firstLine(e.getMessage()), e);
        }
    }
}
