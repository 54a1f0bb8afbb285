package io.sluice.local.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.duckdb.DuckDBAppender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One transaction per chunk (CDR-5, CDR-11) holds whatever the work's first write is. DuckDB's JDBC driver begins a
 * transaction at the first statement, and an appender used before any statement committed on its own: a chunk whose
 * dedup marks were its first write (every key ruled out by the filters, the marks through the appender) kept its marks
 * after a rollback or a kill -9, and its records were duplicates when taken again (issue 23's filters; CrashRecoveryTest
 * lost acknowledged telemetry readings so).
 */
class LocalStoreTransactionTest {
    @TempDir
    Path dir;

    private static long rows(LocalStore store) throws SQLException {
        try (Statement s = store.connection().createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM cdr_seen")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void appendFirst(LocalStore store) throws SQLException {
        try (DuckDBAppender a = store.connection().createAppender("cdr_seen")) {
            a.beginRow().append(1L).append(2L).append(3L).endRow();
        }
    }

    @Test
    void anAppenderAsTheFirstWriteIsRolledBackWithTheTransaction() throws SQLException {
        try (LocalStore store = LocalStore.open(dir)) {
            assertThrows(IllegalStateException.class, () -> store.inTransaction(c -> {
                appendFirst(store);
                throw new IllegalStateException("the chunk fails after its marks");
            }));
            assertEquals(0, rows(store), "the failed transaction's appended marks are gone");
            store.rolledBack(c -> {
                appendFirst(store);
                return null;
            });
            assertEquals(0, rows(store), "a dry run's appended marks are gone");
            store.inTransaction(c -> {
                appendFirst(store);
                return null;
            });
            assertEquals(1, rows(store), "a committed transaction's are kept");
        }
    }
}
