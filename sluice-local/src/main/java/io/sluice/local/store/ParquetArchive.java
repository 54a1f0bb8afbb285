package io.sluice.local.store;

import io.sluice.core.cdr.Cdr;
import io.sluice.core.pipeline.Archive;
import io.sluice.core.pipeline.BatchId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The local archive (CDR-9): Parquet files under {@code <data-dir>/archive/dt=YYYY-MM-DD/}, the same layout
 * and columns Firehose writes to S3 on AWS. Besides the E.164 text, the caller is kept as a number
 * ({@code caller_msisdn}, the E.164 digits): grouping 10M rows by it takes half the time of grouping by text.
 *
 * <p>A batch's accepted rows are written to a staging CSV file (synced to disk), and the file is registered
 * in {@code archive_staged} inside the batch's transaction: it counts once the batch commits, and a file
 * left by a crash before the commit is an orphan, deleted on the next start. {@link #export()} turns staged
 * files into Parquet in few, large files (reports stay fast) and unregisters them in a second transaction.
 * An export is recorded as started before it writes; Parquet names carry its number; and a store that opens
 * with a started export redoes it first ({@link #recover()}) under the same names, overwriting its own
 * partial output, before anything reads the archive: no row is archived, or reported, twice.
 */
public final class ParquetArchive implements Archive {
    /** Columns of a staging file, in order, as DuckDB's read_csv should type them. */
    static final String STAGED_COLUMNS = "{'start_s': 'BIGINT', 'answer_s': 'BIGINT', 'end_s': 'BIGINT', 'duration': 'INTEGER', "
            + "'billsec': 'INTEGER', 'disposition': 'VARCHAR', 'caller': 'VARCHAR', 'caller_msisdn': 'BIGINT', 'callee': 'VARCHAR', 'caller_e164': 'BOOLEAN', "
            + "'callee_e164': 'BOOLEAN', 'caller_withheld': 'BOOLEAN', 'callee_country': 'VARCHAR', 'international': 'BOOLEAN', "
            + "'route': 'VARCHAR', 'account': 'VARCHAR', 'unique_id': 'VARCHAR', 'plan': 'VARCHAR', 'subscriber_status': 'VARCHAR', "
            + "'known_subscriber': 'BOOLEAN', 'record_key': 'VARCHAR', 'source': 'VARCHAR', 'source_line': 'BIGINT', "
            + "'time_ambiguous': 'BOOLEAN'}";

    /** The archive schema (CDR-9), the same on both homes; {@code dt} is the partition. */
    static final String ARCHIVE_SELECT = """
            strftime(make_timestamp(start_s * 1000000), '%Y-%m-%d') AS dt,
            make_timestamp(start_s * 1000000) AS start_time, make_timestamp(answer_s * 1000000) AS answer_time,
            make_timestamp(end_s * 1000000) AS end_time, duration, billsec, disposition, caller, caller_msisdn, callee, caller_e164,
            callee_e164, caller_withheld, callee_country, international, route, account, unique_id, plan,
            subscriber_status, known_subscriber, record_key, source, source_line, time_ambiguous""";

    /** One row of typed NULLs with the staged columns, for a pending set that is empty. */
    private static final String EMPTY_ROW = java.util.regex.Pattern.compile("'(\\w+)': '(\\w+)'").matcher(STAGED_COLUMNS)
            .results().map(m -> "CAST(NULL AS " + m.group(2) + ") AS " + m.group(1)).collect(Collectors.joining(", "));

    private final LocalStore store;
    private final Path stagingDir;
    /**
     * Readers of the archive on another connection ('sluice up' answering a report) hold the read lock, an export
     * the write lock: an export turns staged rows into Parquet and deletes the staged files, and a report seeing
     * both, or a staged file vanishing under it, would count rows twice or fail.
     */
    private final java.util.concurrent.locks.ReentrantReadWriteLock exportLock = new java.util.concurrent.locks.ReentrantReadWriteLock();

    public ParquetArchive(LocalStore store) {
        this.store = store;
        this.stagingDir = store.dataDir().resolve("staging");
    }

    @Override
    public void append(BatchId batch, List<Cdr> records) {
        try {
            if (!BatchMarks.firstTime(store, "archive", batch)) {
                return;
            }
            Path file = stagingDir.resolve("archive-" + Long.toHexString(DuckDbDedupStore.tag(batch)) + ".csv");
            try (StagingFile f = new StagingFile(file)) {
                // Rendering rows is CPU work on the committing thread: do it in parallel chunks, write them in order.
                int chunk = 8192;
                int chunks = (records.size() + chunk - 1) / chunk;
                long t0 = System.nanoTime();
                List<CsvBuffer> rendered = java.util.stream.IntStream.range(0, chunks).parallel()
                        .mapToObj(i -> render(records.subList(i * chunk, Math.min(records.size(), (i + 1) * chunk)))).toList();
                long t1 = System.nanoTime();
                for (CsvBuffer b : rendered) {
                    f.append(b);
                }
                long t2 = System.nanoTime();
                f.sync();
                if (PortTimings.ON) {
                    PortTimings.add("archive.render", t1 - t0);
                    PortTimings.add("archive.write", t2 - t1);
                    PortTimings.add("archive.sync", System.nanoTime() - t2);
                }
            }
            try (PreparedStatement p = store.connection().prepareStatement("INSERT INTO archive_staged VALUES (?, ?, ?)")) {
                p.setString(1, batch.value());
                p.setString(2, file.getFileName().toString());
                p.setLong(3, records.size());
                p.executeUpdate();
            }
        } catch (SQLException | UncheckedIOException e) {
            throw new StoreException("Cannot stage " + records.size() + " archive rows of batch " + batch.value() + ": "
                    + LocalStore.firstLine(e.getMessage()), e);
        }
    }

    private static CsvBuffer render(List<Cdr> records) {
        CsvBuffer f = new CsvBuffer(records.size() * 256);
        for (Cdr r : records) {
            f.num(r.times().start());
            if (r.times().answered()) {
                f.num(r.times().answer());
            } else {
                f.none();
            }
            f.num(r.times().end()).num(r.times().duration()).num(r.times().billsec())
                    .str(r.disposition().name()).str(r.caller().text());
            if (r.caller().e164()) {
                f.num(Long.parseLong(r.caller().text(), 1, r.caller().text().length(), 10));
            } else {
                f.none();
            }
            f.str(r.callee().text())
                    .bool(r.caller().e164()).bool(r.callee().e164()).bool(r.hasFlag(Cdr.CALLER_WITHHELD))
                    .str(r.callee().region()).bool(r.international()).str(r.route()).str(r.account())
                    .str(r.uniqueId()).str(r.subscriber().plan()).str(r.subscriber().status())
                    .bool(!r.hasFlag(Cdr.UNKNOWN_SUBSCRIBER)).str(r.key().hex()).str(r.source()).num(r.line())
                    .bool(r.hasFlag(Cdr.TIME_AMBIGUOUS)).endRow();
        }
        return f;
    }

    /** Deletes staging files that no committed batch refers to: what a crash before a commit leaves behind. */
    public void deleteOrphans() {
        if (!Files.isDirectory(stagingDir)) {
            return;
        }
        Set<String> live = new HashSet<>(stagedFiles());
        try (Stream<Path> files = Files.list(stagingDir)) {
            for (Path p : files.toList()) {
                if (!live.contains(p.getFileName().toString())) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new StoreException("Cannot clean the staging folder " + stagingDir + ": " + e.getMessage(), e);
        }
    }

    private List<String> stagedFiles() {
        return stagedFiles(store.connection());
    }

    private static List<String> stagedFiles(java.sql.Connection c) {
        List<String> names = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT path FROM archive_staged ORDER BY path")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new StoreException("Cannot list staged archive files: " + LocalStore.firstLine(e.getMessage()), e);
        }
        return names;
    }

    /** Rows staged and not yet written as Parquet. */
    public long pendingRows() {
        try (Statement s = store.connection().createStatement();
             ResultSet rs = s.executeQuery("SELECT coalesce(sum(rows), 0) FROM archive_staged")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new StoreException("Cannot count pending archive rows: " + LocalStore.firstLine(e.getMessage()), e);
        }
    }

    /** A SELECT of the staged rows in the archive schema, or of no rows when nothing is staged. */
    public String pendingSelect() {
        return pendingSelect(store.connection());
    }

    /** {@link #pendingSelect()} with the staged files as {@code c}'s transaction sees them. */
    public String pendingSelect(java.sql.Connection c) {
        List<String> files = stagedFiles(c);
        if (files.isEmpty()) {
            return "SELECT " + ARCHIVE_SELECT + " FROM (SELECT " + EMPTY_ROW + ") WHERE false";
        }
        String list = files.stream().map(f -> "'" + stagingDir.resolve(f).toAbsolutePath().toString().replace("'", "''") + "'")
                .collect(Collectors.joining(", ", "[", "]"));
        return "SELECT " + ARCHIVE_SELECT + " FROM read_csv(" + list + ", columns = " + STAGED_COLUMNS + StagingFile.READ_OPTIONS;
    }

    /** Finishes an export or an archive rewrite a crash interrupted: to be called when the store opens, before anything reads the archive. */
    public void recover() {
        exportLock.writeLock().lock();
        try (Statement s = store.connection().createStatement();
             ResultSet rs = s.executeQuery("SELECT export_id FROM archive_exports WHERE status = 'started'")) {
            if (rs.next()) {
                write(rs.getLong(1));
            }
            new ArchiveRewrite(store).finishAll();
        } catch (SQLException e) {
            throw new StoreException("Cannot check for an interrupted archive export: " + LocalStore.firstLine(e.getMessage()), e);
        } finally {
            exportLock.writeLock().unlock();
        }
    }

    /** Removes rows a committed withdrawal listed ({@link SourceRetraction}) from the Parquet files. */
    public void finishRewrites() {
        exportLock.writeLock().lock();
        try {
            new ArchiveRewrite(store).finishAll();
        } finally {
            exportLock.writeLock().unlock();
        }
    }

    /** Writes staged rows to Parquet partitions and unregisters them. Returns rows written. */
    public long export() {
        exportLock.writeLock().lock();
        long t0 = System.nanoTime();
        try {
            return exportLocked();
        } finally {
            if (PortTimings.ON) {
                PortTimings.add("archive.export", System.nanoTime() - t0);
            }
            exportLock.writeLock().unlock();
        }
    }

    /**
     * Runs {@code export} as an export of its own (the raw readings', {@link TelemetryArchive}): no report reads the
     * archive while it writes files into it.
     */
    public <T> T whileExporting(java.util.concurrent.Callable<T> export) throws Exception {
        exportLock.writeLock().lock();
        try {
            return export.call();
        } finally {
            exportLock.writeLock().unlock();
        }
    }

    /** Runs {@code read} while no export runs: the Parquet files and the staged files stay as they are. */
    public <T> T whileNotExporting(java.util.concurrent.Callable<T> read) throws Exception {
        exportLock.readLock().lock();
        try {
            return read.call();
        } finally {
            exportLock.readLock().unlock();
        }
    }

    private long exportLocked() {
        if (stagedFiles().isEmpty()) {
            return 0;
        }
        long exportId;
        try (Statement s = store.connection().createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT coalesce(max(export_id), 0) + 1 FROM archive_exports")) {
                rs.next();
                exportId = rs.getLong(1);
            }
            s.execute("INSERT INTO archive_exports VALUES (" + exportId + ", " + pendingRows() + ", now(), 'started')");
        } catch (SQLException e) {
            throw new StoreException("Cannot start an archive export: " + LocalStore.firstLine(e.getMessage()), e);
        }
        return write(exportId);
    }

    private long write(long exportId) {
        List<String> files = stagedFiles();
        try (Statement s = store.connection().createStatement()) {
            long rows = pendingRows();
            String target = store.archiveDir().toAbsolutePath().toString().replace("'", "''");
            s.execute("COPY (" + pendingSelect() + " ORDER BY start_s) TO '" + target + "' (FORMAT parquet, "
                    + "PARTITION_BY (dt), FILENAME_PATTERN 'part-" + String.format("%06d", exportId) + "-{i}', "
                    + "OVERWRITE_OR_IGNORE true, COMPRESSION zstd, ROW_GROUP_SIZE 122880)");
            store.inTransaction(c -> {
                try (Statement t = c.createStatement()) {
                    t.execute("DELETE FROM archive_staged");
                    t.execute("UPDATE archive_exports SET status = 'done', rows = " + rows + ", exported_at = now() WHERE export_id = " + exportId);
                }
                return null;
            });
            for (String f : files) {
                Files.deleteIfExists(stagingDir.resolve(f));
            }
            return rows;
        } catch (SQLException e) {
            throw new StoreException("Cannot write the Parquet archive under " + store.archiveDir() + ": "
                    + LocalStore.firstLine(e.getMessage()), e);
        } catch (IOException e) {
            throw new StoreException("Cannot delete exported staging files in " + stagingDir + ": " + e.getMessage(), e);
        }
    }

    /** The raw telemetry readings beside the calls (IOT-5), as the table {@code telemetry}. */
    public String telemetrySelect() {
        return new TelemetryArchive(store).select();
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
        // union_by_name: files written before a column was added (time_ambiguous, issue 16) read it as NULL.
        return "read_parquet('" + glob + "', hive_partitioning = true, hive_types = {'dt': VARCHAR}, union_by_name = true)";
    }
}
