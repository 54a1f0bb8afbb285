package io.sluice.local.store;

import io.sluice.core.cdr.Cdr;
import io.sluice.core.pipeline.Archive;
import io.sluice.core.pipeline.BatchId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;
import org.duckdb.DuckDBAppender;

/**
 * The local archive (CDR-9): Parquet files under {@code <data-dir>/archive/dt=YYYY-MM-DD/}, the same layout
 * and columns Firehose writes to S3 on AWS.
 *
 * <p>Accepted rows first land in {@code archive_pending} inside the batch's transaction, so they commit or
 * roll back with it. {@link #export()} then writes the pending rows as Parquet in few, large files (reports
 * stay fast) and deletes them in a second transaction. File names carry the export number, so an export
 * interrupted between the two steps is redone under the same names and overwrites its own partial output:
 * no row is archived twice.
 */
public final class ParquetArchive implements Archive {
    private final LocalStore store;

    public ParquetArchive(LocalStore store) {
        this.store = store;
    }

    @Override
    public void append(BatchId batch, List<Cdr> records) {
        try {
            if (!BatchMarks.firstTime(store, "archive", batch)) {
                return;
            }
        } catch (SQLException e) {
            throw new StoreException("Cannot mark archive rows of batch " + batch.value() + ": " + LocalStore.firstLine(e.getMessage()), e);
        }
        try (DuckDBAppender a = store.connection().createAppender("archive_pending")) {
            for (Cdr r : records) {
                a.beginRow()
                        .append(LocalDate.ofEpochDay(r.startDay()).toString())
                        .appendEpochMicros(r.times().start() * 1_000_000L);
                if (r.times().answered()) {
                    a.appendEpochMicros(r.times().answer() * 1_000_000L);
                } else {
                    a.appendNull();
                }
                a.appendEpochMicros(r.times().end() * 1_000_000L)
                        .append(r.times().duration()).append(r.times().billsec())
                        .append(r.disposition().name())
                        .append(r.caller().text()).append(r.callee().text())
                        .append(r.caller().e164()).append(r.callee().e164())
                        .append(r.hasFlag(Cdr.CALLER_WITHHELD))
                        .append(r.callee().region())
                        .append(r.international())
                        .append(r.route()).append(r.account()).append(r.uniqueId())
                        .append(r.subscriber().plan()).append(r.subscriber().status())
                        .append(!r.hasFlag(Cdr.UNKNOWN_SUBSCRIBER))
                        .append(r.key().hex())
                        .append(r.source()).append(r.line())
                        .endRow();
            }
        } catch (SQLException e) {
            throw new StoreException("Cannot stage " + records.size() + " archive rows of batch " + batch.value() + ": "
                    + LocalStore.firstLine(e.getMessage()), e);
        }
    }

    /** Rows staged and not yet written as Parquet. */
    public long pendingRows() {
        try (Statement s = store.connection().createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM archive_pending")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new StoreException("Cannot count pending archive rows: " + LocalStore.firstLine(e.getMessage()), e);
        }
    }

    /** Writes pending rows to Parquet partitions and removes them from the pending table. Returns rows written. */
    public long export() {
        try (Statement s = store.connection().createStatement()) {
            long exportId;
            try (ResultSet rs = s.executeQuery("SELECT coalesce(max(export_id), 0) + 1 FROM archive_exports")) {
                rs.next();
                exportId = rs.getLong(1);
            }
            long rows = pendingRows();
            if (rows == 0) {
                return 0;
            }
            String target = store.archiveDir().toAbsolutePath().toString().replace("'", "''");
            s.execute("COPY (SELECT * FROM archive_pending ORDER BY dt, start_time) TO '" + target + "' (FORMAT parquet, "
                    + "PARTITION_BY (dt), FILENAME_PATTERN 'part-" + String.format("%06d", exportId) + "-{i}', "
                    + "OVERWRITE_OR_IGNORE true, COMPRESSION zstd, ROW_GROUP_SIZE 122880)");
            store.inTransaction(c -> {
                try (Statement t = c.createStatement()) {
                    t.execute("DELETE FROM archive_pending");
                    t.execute("INSERT INTO archive_exports VALUES (" + exportId + ", " + rows + ", now())");
                }
                return null;
            });
            return rows;
        } catch (SQLException e) {
            throw new StoreException("Cannot write the Parquet archive under " + store.archiveDir() + ": "
                    + LocalStore.firstLine(e.getMessage()), e);
        }
    }

    /** True once at least one Parquet file exists, so that {@code read_parquet} has something to read. */
    public boolean hasFiles() {
        try (Stream<Path> files = Files.walk(store.archiveDir(), 2)) {
            return files.anyMatch(p -> p.getFileName().toString().endsWith(".parquet"));
        } catch (IOException e) {
            throw new StoreException("Cannot list the archive " + store.archiveDir() + ": " + e.getMessage(), e);
        }
    }

    /** A SQL expression reading the whole archive with its {@code dt} partition column. */
    public String readExpression() {
        String glob = store.archiveDir().toAbsolutePath().resolve("dt=*").resolve("*.parquet").toString().replace("'", "''");
        return "read_parquet('" + glob + "', hive_partitioning = true, hive_types = {'dt': VARCHAR})";
    }
}
