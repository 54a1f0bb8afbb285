package io.sluice.local.store;

import io.sluice.core.pipeline.BatchId;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Which batches each writer has already applied ({@code batch_marks}), so that a replayed batch changes
 * nothing (CDR-8). Marked in the same transaction as the write it guards.
 */
final class BatchMarks {
    private BatchMarks() {
    }

    /** Marks {@code batch} for {@code kind}; true the first time, false when it was marked before. */
    static boolean firstTime(LocalStore store, String kind, BatchId batch) throws SQLException {
        try (PreparedStatement p = store.connection().prepareStatement(
                "INSERT INTO batch_marks VALUES (?, ?, now()) ON CONFLICT DO NOTHING RETURNING batch_id")) {
            p.setString(1, kind);
            p.setString(2, batch.value());
            try (ResultSet rs = p.executeQuery()) {
                return rs.next();
            }
        }
    }
}
