package io.sluice.local.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Removes withdrawn rows ({@code archive_retracted}, see {@link SourceRetraction}) from the Parquet archive. Parquet
 * files are not edited in place: each partition that holds such rows is written again without them, into a folder
 * beside the archive, and then swapped in. A journal row ({@code archive_rewrites}) makes it safe to kill at any
 * point: {@code pending} means the new files may be incomplete (they are written again from the old ones, which are
 * untouched); {@code written} means they are complete and forced to disk, and the swap (delete the partition's other
 * files, move the new ones in, force the folders) is repeated until done, which is idempotent because the new files
 * carry the rewrite's name.
 */
final class ArchiveRewrite {
    private final LocalStore store;

    ArchiveRewrite(LocalStore store) {
        this.store = store;
    }

    /** Finishes every rewrite not done: right after a withdrawal commits, and when the store opens. */
    void finishAll() {
        try {
            for (long[] r : open()) {
                if (r[1] == 0) {
                    write(r[0]);
                    // On disk before the journal says so: after 'written' the old files are deleted.
                    syncTree(scratch(r[0]));
                    setStatus(r[0], "written");
                }
                swap(r[0]);
                store.inTransaction(c -> {
                    try (Statement s = c.createStatement()) {
                        s.execute("UPDATE archive_rewrites SET status = 'done' WHERE rewrite_id = " + r[0]);
                        s.execute("DELETE FROM archive_retracted WHERE rewrite_id = " + r[0]);
                    }
                    return null;
                });
            }
        } catch (SQLException e) {
            throw new StoreException("Cannot rewrite the archive without withdrawn rows: " + LocalStore.firstLine(e.getMessage()), e);
        } catch (IOException e) {
            throw new StoreException("Cannot rewrite the archive under " + store.archiveDir() + ": " + e.getMessage(), e);
        }
    }

    /** Rewrites not done, oldest first: {id, 0 when pending or 1 when written}. */
    private List<long[]> open() throws SQLException {
        List<long[]> out = new ArrayList<>();
        try (Statement s = store.connection().createStatement();
             ResultSet rs = s.executeQuery("SELECT rewrite_id, status FROM archive_rewrites WHERE status <> 'done' ORDER BY rewrite_id")) {
            while (rs.next()) {
                out.add(new long[] {rs.getLong(1), "written".equals(rs.getString(2)) ? 1 : 0});
            }
        }
        return out;
    }

    private List<String> partitions(long id) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement p = store.connection().prepareStatement(
                "SELECT dt FROM archive_rewrite_partitions WHERE rewrite_id = ? ORDER BY dt")) {
            p.setLong(1, id);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private Path scratch(long id) {
        return store.dataDir().resolve("archive-rewrite-" + id);
    }

    private String prefix(long id) {
        return "part-r" + String.format("%06d", id) + "-";
    }

    private void write(long id) throws SQLException, IOException {
        Path scratch = scratch(id);
        deleteTree(scratch);
        for (String dt : partitions(id)) {
            List<Path> files = parquetFiles(store.archiveDir().resolve("dt=" + dt));
            if (files.isEmpty()) {
                continue;
            }
            String list = files.stream().map(f -> literal(f)).collect(Collectors.joining(", ", "[", "]"));
            String kept = "SELECT * FROM read_parquet(" + list + ", hive_partitioning = false, union_by_name = true) WHERE record_key NOT IN "
                    + "(SELECT record_key FROM archive_retracted WHERE rewrite_id = " + id + ")";
            try (Statement s = store.connection().createStatement()) {
                long rows;
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM (" + kept + ")")) {
                    rs.next();
                    rows = rs.getLong(1);
                }
                if (rows > 0) {
                    Path target = Files.createDirectories(scratch.resolve("dt=" + dt)).resolve(prefix(id) + "0.parquet");
                    s.execute("COPY (" + kept + " ORDER BY start_time) TO " + literal(target)
                            + " (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)");
                }
            }
        }
    }

    private void swap(long id) throws SQLException, IOException {
        Path scratch = scratch(id);
        for (String dt : partitions(id)) {
            Path partition = store.archiveDir().resolve("dt=" + dt);
            for (Path old : parquetFiles(partition)) {
                if (!old.getFileName().toString().startsWith(prefix(id))) {
                    Files.delete(old);
                }
            }
            Path fresh = scratch.resolve("dt=" + dt);
            for (Path f : parquetFiles(fresh)) {
                Files.createDirectories(partition);
                Files.move(f, partition.resolve(f.getFileName()), StandardCopyOption.ATOMIC_MOVE);
            }
            if (Files.isDirectory(partition)) {
                try (Stream<Path> left = Files.list(partition)) {
                    if (left.findAny().isEmpty()) {
                        Files.delete(partition);
                    }
                }
            }
            if (Files.isDirectory(partition)) {
                sync(partition); // the moves in, before the journal says 'done' and the scratch folder goes
            }
        }
        sync(store.archiveDir());
        deleteTree(scratch);
    }

    private void setStatus(long id, String status) {
        store.inTransaction(c -> {
            try (PreparedStatement p = c.prepareStatement("UPDATE archive_rewrites SET status = ? WHERE rewrite_id = ?")) {
                p.setString(1, status);
                p.setLong(2, id);
                p.executeUpdate();
            }
            return null;
        });
    }

    private static List<Path> parquetFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted().toList();
        }
    }

    /** Forces every file under {@code dir} and the folders themselves (their entries) to disk. */
    private static void syncTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.toList()) {
                sync(p);
            }
        }
    }

    private static void sync(Path p) throws IOException {
        // A folder opened for reading can be forced on Linux, which makes its entries (renames, new files) durable.
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(p, java.nio.file.StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            if (!Files.isDirectory(p)) {
                throw e; // some platforms cannot open a folder; a file must sync
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static String literal(Path p) {
        return "'" + p.toAbsolutePath().toString().replace("'", "''") + "'";
    }
}
