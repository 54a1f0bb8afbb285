package io.sluice.local.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.Stream;

/**
 * Raw readings in the Parquet archive (IOT-5): {@code <data-dir>/archive/telemetry/dt=YYYY-MM-DD/*.parquet}, the layout
 * and columns ({@link io.sluice.core.contracts.TelemetryColumns}) Firehose writes under {@code telemetry/} on AWS, so the
 * {@code telemetry-rollup} report reads both alike. {@code received_at} and {@code reading_key} are not kept by the
 * embedded store: NULL here.
 *
 * <p>An export takes the batches not yet archived and records them with its number in one transaction, writes their
 * readings as Parquet named after that number, and is marked done; an export found started when the store opens is
 * written again under the same names ({@link #recover()}), overwriting its partial output. Readings are deleted by the
 * retention purge only once their batch's export is done, so none leaves the store before it is in the archive.
 */
public final class TelemetryArchive {
    /** The readings of the store as archive rows. */
    static final String COLUMNS = "strftime(make_timestamp(ts * 1000), '%Y-%m-%d') AS dt, device_id, metric, "
            + "make_timestamp(ts * 1000) AS reading_time, value, unit, CAST(CAST(tags AS JSON) AS MAP(VARCHAR, VARCHAR)) AS tags, "
            + "CAST(NULL AS TIMESTAMP) AS received_at, batch_id, CAST(NULL AS VARCHAR) AS reading_key";
    /** The batches whose readings are in Parquet files. */
    public static final String ARCHIVED = "SELECT a.batch_id FROM telemetry_archived a JOIN telemetry_exports e ON a.export_id = e.export_id "
            + "WHERE e.status = 'done'";

    private final LocalStore store;

    public TelemetryArchive(LocalStore store) {
        this.store = store;
    }

    private Path dir() {
        return store.archiveDir().resolve("telemetry");
    }

    /**
     * Writes the readings of batches not archived yet, after any export left started (a failed one); the number of the new
     * export's readings. Runs on the store's writer.
     */
    public long export() {
        recover();
        long exportId = store.inTransaction(c -> {
            try (Statement s = c.createStatement()) {
                long id;
                try (ResultSet rs = s.executeQuery("SELECT coalesce(max(export_id), 0) + 1 FROM telemetry_exports")) {
                    rs.next();
                    id = rs.getLong(1);
                }
                // One pass over the readings: the batches not archived yet are taken by this export, or there is none.
                int taken = s.executeUpdate("INSERT INTO telemetry_archived SELECT DISTINCT batch_id, " + id + " FROM telemetry_readings "
                        + "WHERE batch_id NOT IN (SELECT batch_id FROM telemetry_archived)");
                if (taken == 0) {
                    return 0L;
                }
                s.execute("INSERT INTO telemetry_exports VALUES (" + id + ", 'started', " + System.currentTimeMillis() + ")");
                return id;
            }
        });
        return exportId == 0 ? 0 : write(exportId);
    }

    /** Writes again, under the same names, an export a crash left started. */
    public void recover() {
        try (Statement s = store.connection().createStatement();
             ResultSet rs = s.executeQuery("SELECT export_id FROM telemetry_exports WHERE status = 'started' ORDER BY export_id")) {
            java.util.List<Long> started = new java.util.ArrayList<>();
            while (rs.next()) {
                started.add(rs.getLong(1));
            }
            for (long id : started) {
                write(id);
            }
        } catch (SQLException e) {
            throw new StoreException("Cannot recover the telemetry archive: " + LocalStore.firstLine(e.getMessage()), e);
        }
    }

    private long write(long exportId) {
        String of = " FROM telemetry_readings WHERE batch_id IN (SELECT batch_id FROM telemetry_archived WHERE export_id = " + exportId + ")";
        try (Statement s = store.connection().createStatement()) {
            long rows;
            try (ResultSet rs = s.executeQuery("SELECT count(*)" + of)) {
                rs.next();
                rows = rs.getLong(1);
            }
            if (rows > 0) {
                Files.createDirectories(dir());
                String target = dir().toAbsolutePath().toString().replace("'", "''");
                s.execute("COPY (SELECT " + COLUMNS + of + " ORDER BY device_id, metric, ts) TO '" + target + "' (FORMAT parquet, "
                        + "PARTITION_BY (dt), FILENAME_PATTERN 'part-" + String.format("%06d", exportId) + "-{i}', OVERWRITE_OR_IGNORE true, "
                        + "COMPRESSION zstd)");
            }
            s.execute("UPDATE telemetry_exports SET status = 'done' WHERE export_id = " + exportId);
            return rows;
        } catch (SQLException e) {
            throw new StoreException("Cannot write the telemetry archive under " + dir() + ": " + LocalStore.firstLine(e.getMessage()), e);
        } catch (IOException e) {
            throw new StoreException("Cannot make the telemetry archive directory " + dir() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The raw readings as the table {@code telemetry} (TelemetryColumns): the Parquet files, and the store's readings not in
     * them yet. A reading in both while an export finishes is there twice; the reports count a reading once.
     */
    public String select() {
        String pending = "SELECT " + COLUMNS + " FROM telemetry_readings WHERE batch_id NOT IN (" + ARCHIVED + ")";
        if (!hasFiles()) {
            return pending;
        }
        String glob = dir().toAbsolutePath().resolve("dt=*").resolve("*.parquet").toString().replace("'", "''");
        return "SELECT * FROM read_parquet('" + glob + "', hive_partitioning = true, hive_types = {'dt': VARCHAR}, union_by_name = true) "
                + "UNION ALL BY NAME " + pending;
    }

    private boolean hasFiles() {
        if (!Files.isDirectory(dir())) {
            return false;
        }
        try (Stream<Path> files = Files.walk(dir(), 2)) {
            return files.anyMatch(p -> p.getFileName().toString().endsWith(".parquet"));
        } catch (IOException e) {
            throw new StoreException("Cannot list the telemetry archive " + dir() + ": " + e.getMessage(), e);
        }
    }
}
