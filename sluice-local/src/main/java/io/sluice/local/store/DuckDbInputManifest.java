package io.sluice.local.store;

import io.sluice.core.intake.InputManifest;
import io.sluice.core.pipeline.BatchOutcome;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;

/**
 * The input manifest on the embedded store (OBJ-1, OBJ-2, CDR-8 on one machine): table {@code ingested_files},
 * keyed by a file's content hash. {@link #chunkDone} writes on the store's one connection without a transaction
 * of its own, so called inside a chunk's transaction it commits with the chunk's records, and an interrupted file
 * resumes exactly after its last committed chunk.
 */
public final class DuckDbInputManifest implements InputManifest {
    private static final String COLUMNS = "content_hash, path, size, format, status, attempts, chunks_done, records_in, accepted, "
            + "rejected, duplicates, unknown_subscribers, error, lease_from";

    private final LocalStore store;

    public DuckDbInputManifest(LocalStore store) {
        this.store = store;
    }

    private static String stored(Status s) {
        return switch (s) {
            case IN_PROGRESS -> "in_progress";
            case PROCESSED -> "done";
            case REJECTED -> "rejected";
            case FAILED -> "failed";
        };
    }

    private static Status status(String stored) {
        return switch (stored) {
            case "in_progress" -> Status.IN_PROGRESS;
            case "done" -> Status.PROCESSED;
            case "rejected" -> Status.REJECTED;
            case "failed" -> Status.FAILED;
            default -> throw new StoreException("Unknown file manifest status '" + stored + "'", null);
        };
    }

    private record Row(Entry entry, Instant leaseFrom) {
    }

    private Optional<Row> row(String id) throws SQLException {
        try (PreparedStatement p = store.connection().prepareStatement("SELECT " + COLUMNS + " FROM ingested_files WHERE content_hash = ?")) {
            p.setString(1, id);
            try (ResultSet rs = p.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String format = rs.getString(4);
                Timestamp lease = rs.getTimestamp(14);
                return Optional.of(new Row(new Entry(new Input(rs.getString(1), rs.getString(2), rs.getLong(3)),
                        format == null || format.isEmpty() ? null : format, status(rs.getString(5)), rs.getLong(6),
                        new Progress(rs.getLong(7), rs.getLong(8), rs.getLong(9), rs.getLong(10), rs.getLong(11), rs.getLong(12)),
                        rs.getString(13)), lease == null ? Instant.EPOCH : lease.toInstant()));
            }
        }
    }

    @Override
    public Start begin(Input input, String format, Instant now, long leaseSeconds) {
        return store.inTransaction(c -> {
            Optional<Row> old = row(input.id());
            if (old.isPresent()) {
                Entry e = old.get().entry();
                if (e.status() == Status.PROCESSED || e.status() == Status.REJECTED) {
                    return new Done(e);
                }
                if (e.status() == Status.IN_PROGRESS && now.getEpochSecond() - old.get().leaseFrom().getEpochSecond() < leaseSeconds) {
                    return new Busy();
                }
            }
            try (PreparedStatement p = c.prepareStatement("""
                    INSERT INTO ingested_files (content_hash, path, size, format, status, chunks_done, records_in, accepted,
                      rejected, duplicates, unknown_subscribers, error, started_at, finished_at, attempts, lease_from)
                    VALUES (?, ?, ?, coalesce(?, ''), 'in_progress', 0, 0, 0, 0, 0, 0, NULL, ?, NULL, 1, ?)
                    ON CONFLICT (content_hash) DO UPDATE SET path = excluded.path, size = excluded.size,
                      format = CASE WHEN excluded.format = '' THEN ingested_files.format ELSE excluded.format END,
                      status = 'in_progress', error = NULL, started_at = excluded.started_at, finished_at = NULL,
                      attempts = ingested_files.attempts + 1, lease_from = excluded.lease_from""")) {
                Timestamp at = Timestamp.from(now);
                p.setString(1, input.id());
                p.setString(2, input.name());
                p.setLong(3, input.size());
                p.setString(4, format);
                p.setTimestamp(5, at);
                p.setTimestamp(6, at);
                p.executeUpdate();
            }
            return new Process(old.map(r -> r.entry().progress()).orElse(Progress.NONE));
        });
    }

    @Override
    public void chunkDone(Input input, BatchOutcome o) {
        try (PreparedStatement p = store.connection().prepareStatement("""
                UPDATE ingested_files SET chunks_done = chunks_done + 1, records_in = records_in + ?, accepted = accepted + ?,
                  rejected = rejected + ?, duplicates = duplicates + ?, unknown_subscribers = unknown_subscribers + ?
                WHERE content_hash = ?""")) {
            p.setLong(1, o.recordsIn());
            p.setLong(2, o.accepted());
            p.setLong(3, o.rejected());
            p.setLong(4, o.duplicates());
            p.setLong(5, o.unknownSubscribers());
            p.setString(6, input.id());
            if (p.executeUpdate() != 1) {
                throw new StoreException("File " + input.name() + " (" + input.id() + ") was not begun in the manifest", null);
            }
        } catch (SQLException e) {
            throw new StoreException("Cannot record a chunk in the file manifest: " + LocalStore.firstLine(e.getMessage()), e);
        }
    }

    @Override
    public void finish(Input input, Status status, String error, Instant now) {
        if (status == Status.IN_PROGRESS) {
            throw new IllegalArgumentException("finish needs a final status, not " + status);
        }
        store.inTransaction(c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "UPDATE ingested_files SET status = ?, error = ?, finished_at = ? WHERE content_hash = ?")) {
                p.setString(1, stored(status));
                p.setString(2, error);
                p.setTimestamp(3, Timestamp.from(now));
                p.setString(4, input.id());
                p.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Removes the entry of {@code id}, on the store's connection (so inside the caller's transaction): the input is
     * then new to the manifest. A withdrawn source is forgotten in the transaction that withdraws it (issue 22).
     */
    public void forget(String id) {
        try (PreparedStatement p = store.connection().prepareStatement("DELETE FROM ingested_files WHERE content_hash = ?")) {
            p.setString(1, id);
            p.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("Cannot remove a file from the manifest: " + LocalStore.firstLine(e.getMessage()), e);
        }
    }

    @Override
    public Optional<Entry> find(String id) {
        try {
            return row(id).map(Row::entry);
        } catch (SQLException e) {
            throw new StoreException("Cannot read the file manifest: " + LocalStore.firstLine(e.getMessage()), e);
        }
    }
}
