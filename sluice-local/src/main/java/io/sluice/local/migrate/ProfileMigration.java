package io.sluice.local.migrate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.core.cdr.SubscriberProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The full load of subscriber profiles from a MySQL-compatible table into the profile store (MIG-1): pages of rows
 * in key order, each page's profiles written through a {@link Sink} (the store, or the running {@code sluice up}
 * that owns it), its bad rows kept as dead letters with their key and reason, then a checkpoint naming the last
 * key committed. A run that stops (kill -9 included) resumes after that key: a page committed but not yet
 * checkpointed is written again, which changes nothing (a profile written again replaces itself), and the dead
 * letters are cut back to what the checkpoint counted.
 *
 * <p>Every figure of the summary is counted where it happens: rows read from the source, profiles the sink says
 * it wrote, rows rejected here.
 */
public final class ProfileMigration {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where a page's profiles go; answers how many it wrote. It commits before it returns. */
    @FunctionalInterface
    public interface Sink {
        long write(List<SubscriberProfile> profiles);
    }

    /** What the user sees while it runs. */
    public interface Listener {
        default void started(long sourceRows, long alreadyRead) {
        }

        default void page(long rowsRead) {
        }

        default void rejected(String key, String reason) {
        }
    }

    /**
     * Totals over the whole migration, this run and the runs it resumed.
     *
     * @param sourceRows rows read from the source
     * @param migrated   profiles written
     * @param rejected   rows kept as dead letters
     * @param resumedAfter the key this run started after (null: from the first row)
     */
    public record Summary(long sourceRows, long migrated, long rejected, double seconds, String resumedAfter, String lastKey,
                          Path deadLetters, Path checkpoint) {
    }

    private final MigrationSource source;
    private final ProfileRows rows;
    private final Path dir;
    private final int pageSize;

    /** @param dir where the checkpoint and the dead letters of this table's migration live ({@code <data-dir>/migrate}) */
    public ProfileMigration(MigrationSource source, ProfileRows rows, Path dir, int pageSize) {
        if (pageSize < 1 || pageSize > 100_000) {
            throw new IllegalArgumentException("--batch must be 1..100000, was " + pageSize);
        }
        this.source = source;
        this.rows = rows;
        this.dir = dir;
        this.pageSize = pageSize;
    }

    public Path checkpointFile() {
        return dir.resolve(name() + ".checkpoint.json");
    }

    public Path deadLetterFile() {
        return dir.resolve(name() + ".rejected.jsonl");
    }

    String name() {
        return "profiles-" + source.table().replaceAll("[^A-Za-z0-9_$.-]", "_");
    }

    /** Where the binary log was when the full load began, if the source keeps one and a load has run. */
    public java.util.Optional<MigrationSource.BinlogPosition> loadStartedAt() {
        return Files.exists(checkpointFile()) ? java.util.Optional.ofNullable(Checkpoint.read(checkpointFile(), source).binlog())
                : java.util.Optional.empty();
    }

    /** Starts over: forgets the checkpoint and the dead letters of an earlier run. */
    public void restart() {
        try {
            Files.deleteIfExists(checkpointFile());
            Files.deleteIfExists(deadLetterFile());
            Files.deleteIfExists(dir.resolve(name() + ".follow.json"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the checkpoint in " + dir + ": " + e.getMessage(), e);
        }
    }

    public Summary run(Sink sink, Listener listener) {
        long started = System.nanoTime();
        Checkpoint cp = Checkpoint.read(checkpointFile(), source);
        try {
            Files.createDirectories(dir);
            // What a run that stopped after its last checkpoint appended is cut away: that page is read again.
            try (FileChannel f = FileChannel.open(deadLetterFile(), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                f.truncate(cp.deadLetterBytes());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write in " + dir + ": " + e.getMessage(), e);
        }
        String resumedAfter = cp.lastKey();
        long read = cp.sourceRows();
        long migrated = cp.migrated();
        long rejected = cp.rejected();
        double earlierSeconds = cp.seconds();
        String last = cp.lastKey();
        MigrationSource.BinlogPosition binlog = cp.binlog();
        try (Connection c = source.connect()) {
            if (cp.lastKey() == null && read == 0) {
                // A fresh load: changes made while it reads are in the binary log from here, for --follow to apply.
                binlog = source.binlogPosition(c).orElse(null);
            }
            listener.started(source.count(c), read);
            while (true) {
                List<MigrationSource.Row> page = source.page(c, last, pageSize);
                if (page.isEmpty()) {
                    break;
                }
                List<SubscriberProfile> good = new ArrayList<>(page.size());
                StringBuilder dead = new StringBuilder();
                for (MigrationSource.Row r : page) {
                    ProfileRows.Outcome o = rows.of(r);
                    if (o.profile() != null) {
                        good.add(o.profile());
                    } else {
                        ObjectNode n = JSON.createObjectNode();
                        n.put("key", r.key()).put("reason", o.reason());
                        ObjectNode row = n.putObject("row");
                        r.fields().forEach((k, v) -> row.put(source.columns().get(k), v));
                        try {
                            dead.append(JSON.writeValueAsString(n)).append('\n');
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                        rejected++;
                        listener.rejected(r.key(), o.reason());
                    }
                }
                if (!good.isEmpty()) {
                    migrated += sink.write(good);
                }
                read += page.size();
                last = page.get(page.size() - 1).key();
                if (last == null) {
                    // Keys are read as "after the last one": a full page of NULL keys would be read again forever.
                    throw new IllegalArgumentException("--key " + source.key() + ": a whole page of rows has no key (NULL); "
                            + "choose a unique, non-null column");
                }
                long deadBytes = SyncedFiles.append(deadLetterFile(), dead.toString());
                new Checkpoint(source.displayUrl(), source.table(), source.key(), last, read, migrated, rejected, deadBytes,
                        earlierSeconds + (System.nanoTime() - started) / 1e9, binlog).write(checkpointFile());
                listener.page(read);
                if (page.size() < pageSize) {
                    break;
                }
            }
        } catch (SQLException e) {
            throw new MigrationSource.SourceException("cannot read " + source.displayUrl() + ": " + MigrationSource.firstLine(e.getMessage()), e);
        }
        return new Summary(read, migrated, rejected, earlierSeconds + (System.nanoTime() - started) / 1e9, resumedAfter, last,
                deadLetterFile(), checkpointFile());
    }

    /** What the last committed page left: written to a temporary file, synced, then moved over the old one. */
    record Checkpoint(String source, String table, String key, String lastKey, long sourceRows, long migrated, long rejected,
                      long deadLetterBytes, double seconds, MigrationSource.BinlogPosition binlog) {
        static Checkpoint read(Path file, MigrationSource src) {
            if (!Files.exists(file)) {
                return new Checkpoint(src.displayUrl(), src.table(), src.key(), null, 0, 0, 0, 0, 0, null);
            }
            try {
                var n = JSON.readTree(file.toFile());
                Checkpoint cp = new Checkpoint(n.path("source").asText(), n.path("table").asText(), n.path("key").asText(),
                        n.path("last_key").isNull() ? null : n.path("last_key").asText(), n.path("source_rows").asLong(),
                        n.path("migrated").asLong(), n.path("rejected").asLong(), n.path("dead_letter_bytes").asLong(),
                        n.path("seconds").asDouble(), n.path("binlog_file").isTextual()
                                ? new MigrationSource.BinlogPosition(n.path("binlog_file").asText(), n.path("binlog_position").asLong()) : null);
                if (!cp.key().equals(src.key()) || !cp.table().equals(src.table())) {
                    throw new IllegalArgumentException(file + " is the checkpoint of table " + cp.table() + " by key " + cp.key()
                            + ", not of " + src.table() + " by " + src.key() + ": use --restart to start over");
                }
                return cp;
            } catch (IOException e) {
                throw new IllegalArgumentException(file + " is not a readable checkpoint (" + e.getMessage() + "): use --restart to start over", e);
            }
        }

        void write(Path file) {
            ObjectNode n = JSON.createObjectNode();
            n.put("source", source).put("table", table).put("key", key).put("last_key", lastKey).put("source_rows", sourceRows)
                    .put("migrated", migrated).put("rejected", rejected).put("dead_letter_bytes", deadLetterBytes).put("seconds", seconds);
            if (binlog != null) {
                // Where the binary log was before the first row was read: --follow starts there (MIG-3).
                n.put("binlog_file", binlog.file()).put("binlog_position", binlog.position());
            }
            try {
                SyncedFiles.replace(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
