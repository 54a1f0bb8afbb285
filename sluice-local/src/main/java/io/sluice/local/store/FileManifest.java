package io.sluice.local.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * What Sluice knows of each input file, keyed by its content hash (OBJ-1, OBJ-2 on one machine): status,
 * chunks committed so far, counts. A file already done is skipped; a file interrupted mid-way resumes after
 * its last committed chunk, because chunk progress commits in the same transaction as the chunk's records.
 */
public final class FileManifest {
    public static final String IN_PROGRESS = "in_progress";
    public static final String DONE = "done";
    public static final String FAILED = "failed";

    private final LocalStore store;

    public FileManifest(LocalStore store) {
        this.store = store;
    }

    /** A manifest entry. */
    public record Entry(String contentHash, String path, long size, String format, String status, long chunksDone,
                        long recordsIn, long accepted, long rejected, long duplicates, long unknownSubscribers) {
    }

    public Optional<Entry> find(String contentHash) {
        try (PreparedStatement p = store.connection().prepareStatement(
                "SELECT content_hash, path, size, format, status, chunks_done, records_in, accepted, rejected, duplicates, "
                        + "unknown_subscribers FROM ingested_files WHERE content_hash = ?")) {
            p.setString(1, contentHash);
            try (ResultSet rs = p.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Entry(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5),
                        rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9), rs.getLong(10), rs.getLong(11)));
            }
        } catch (SQLException e) {
            throw new StoreException("Cannot read the file manifest: " + LocalStore.firstLine(e.getMessage()), e);
        }
    }

    /** Creates or restarts the entry of a file about to be read. */
    public void begin(String contentHash, String path, long size, String format) {
        store.inTransaction(c -> {
            try (PreparedStatement p = c.prepareStatement("""
                    INSERT INTO ingested_files VALUES (?, ?, ?, ?, 'in_progress', 0, 0, 0, 0, 0, 0, NULL, now(), NULL)
                    ON CONFLICT (content_hash) DO UPDATE SET path = excluded.path, format = excluded.format,
                      status = CASE WHEN ingested_files.status = 'done' THEN 'done' ELSE 'in_progress' END""")) {
                p.setString(1, contentHash);
                p.setString(2, path);
                p.setLong(3, size);
                p.setString(4, format);
                p.executeUpdate();
            }
            return null;
        });
    }

    /** Adds one committed chunk's counts; call inside the chunk's transaction. */
    public void chunkDone(Connection c, String contentHash, long recordsIn, long accepted, long rejected, long duplicates,
                          long unknownSubscribers) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("""
                UPDATE ingested_files SET chunks_done = chunks_done + 1, records_in = records_in + ?, accepted = accepted + ?,
                  rejected = rejected + ?, duplicates = duplicates + ?, unknown_subscribers = unknown_subscribers + ?
                WHERE content_hash = ?""")) {
            p.setLong(1, recordsIn);
            p.setLong(2, accepted);
            p.setLong(3, rejected);
            p.setLong(4, duplicates);
            p.setLong(5, unknownSubscribers);
            p.setString(6, contentHash);
            p.executeUpdate();
        }
    }

    public void finish(String contentHash, String status, String error) {
        store.inTransaction(c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "UPDATE ingested_files SET status = ?, error = ?, finished_at = now() WHERE content_hash = ?")) {
                p.setString(1, status);
                p.setString(2, error);
                p.setString(3, contentHash);
                p.executeUpdate();
            }
            return null;
        });
    }
}
