package io.sluice.local.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads the dead letters back for {@code sluice dlq} (CDR-3). */
public final class DeadLetterQueries {
    private final java.sql.Connection connection;

    public DeadLetterQueries(LocalStore store) {
        this(store.connection());
    }

    /** On a reading connection next to a running writer ('sluice up'). */
    public DeadLetterQueries(java.sql.Connection connection) {
        this.connection = connection;
    }

    /** One dead letter. */
    public record DeadLetter(long id, String batchId, String source, long line, String reason, String detail, byte[] original,
                             LocalDateTime receivedAt) {
    }

    public List<DeadLetter> list(Optional<String> reason, int limit) {
        return list(reason, 0, limit);
    }

    /** Up to {@code limit} dead letters with an id above {@code afterId}, oldest first: one page of a listing. */
    public List<DeadLetter> list(Optional<String> reason, long afterId, int limit) {
        String sql = "SELECT id, batch_id, source, line, reason, detail, original, received_at FROM dead_letters WHERE id > ?"
                + (reason.isPresent() ? " AND reason = ?" : "") + " ORDER BY id LIMIT ?";
        try (PreparedStatement p = connection.prepareStatement(sql)) {
            int i = 1;
            p.setLong(i++, afterId);
            if (reason.isPresent()) {
                p.setString(i++, reason.get());
            }
            p.setInt(i, limit);
            return read(p);
        } catch (SQLException e) {
            throw new StoreException("Cannot list dead letters: " + LocalStore.firstLine(e.getMessage()), e);
        }
    }

    /**
     * Up to {@code limit} dead letters with ids in ({@code afterId}, {@code upToId}], oldest first, of one reason and one
     * source when given: a page of a replay ({@code sluice dlq replay}).
     */
    public List<DeadLetter> page(Optional<String> reason, Optional<String> source, long afterId, long upToId, int limit) {
        String sql = "SELECT id, batch_id, source, line, reason, detail, original, received_at FROM dead_letters WHERE id > ? AND id <= ?"
                + (reason.isPresent() ? " AND reason = ?" : "") + (source.isPresent() ? " AND source = ?" : "") + " ORDER BY id LIMIT ?";
        try (PreparedStatement p = connection.prepareStatement(sql)) {
            int i = 1;
            p.setLong(i++, afterId);
            p.setLong(i++, upToId);
            if (reason.isPresent()) {
                p.setString(i++, reason.get());
            }
            if (source.isPresent()) {
                p.setString(i++, source.get());
            }
            p.setInt(i, limit);
            return read(p);
        } catch (SQLException e) {
            throw new StoreException("Cannot list dead letters: " + LocalStore.firstLine(e.getMessage()), e);
        }
    }

    /** The highest dead letter id so far (0 when none). */
    public long lastId() {
        try (PreparedStatement p = connection.prepareStatement("SELECT coalesce(max(id), 0) FROM dead_letters");
             ResultSet rs = p.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new StoreException("Cannot read dead letters: " + LocalStore.firstLine(e.getMessage()), e);
        }
    }

    /** Up to {@code limit} dead letters after skipping the {@code offset} newest, newest first: a page of {@code dlq list}. */
    public List<DeadLetter> newest(Optional<String> reason, long offset, int limit) {
        return ordered(reason, offset, limit, true);
    }

    /** {@link #newest}, or oldest first when {@code newestFirst} is false. */
    public List<DeadLetter> ordered(Optional<String> reason, long offset, int limit, boolean newestFirst) {
        String sql = "SELECT id, batch_id, source, line, reason, detail, original, received_at FROM dead_letters"
                + (reason.isPresent() ? " WHERE reason = ?" : "") + " ORDER BY id" + (newestFirst ? " DESC" : "") + " LIMIT ? OFFSET ?";
        try (PreparedStatement p = connection.prepareStatement(sql)) {
            int i = 1;
            if (reason.isPresent()) {
                p.setString(i++, reason.get());
            }
            p.setInt(i++, limit);
            p.setLong(i, offset);
            return read(p);
        } catch (SQLException e) {
            throw new StoreException("Cannot list dead letters: " + LocalStore.firstLine(e.getMessage()), e);
        }
    }

    public Optional<DeadLetter> find(long id) {
        try (PreparedStatement p = connection.prepareStatement(
                "SELECT id, batch_id, source, line, reason, detail, original, received_at FROM dead_letters WHERE id = ?")) {
            p.setLong(1, id);
            return read(p).stream().findFirst();
        } catch (SQLException e) {
            throw new StoreException("Cannot read dead letter " + id + ": " + LocalStore.firstLine(e.getMessage()), e);
        }
    }

    public long count() {
        return count(Optional.empty());
    }

    /** Dead letters in all, or of one reason. */
    public long count(Optional<String> reason) {
        try (PreparedStatement p = connection.prepareStatement("SELECT count(*) FROM dead_letters"
                + (reason.isPresent() ? " WHERE reason = ?" : ""))) {
            if (reason.isPresent()) {
                p.setString(1, reason.get());
            }
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new StoreException("Cannot count dead letters: " + LocalStore.firstLine(e.getMessage()), e);
        }
    }

    private static List<DeadLetter> read(PreparedStatement p) throws SQLException {
        List<DeadLetter> out = new ArrayList<>();
        try (ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
                out.add(new DeadLetter(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5),
                        rs.getString(6), rs.getBytes(7), rs.getObject(8, LocalDateTime.class)));
            }
        }
        return out;
    }
}
