package io.sluice.local.store;

import com.dynatrace.hash4j.hashing.Hashing;
import io.sluice.core.cdr.RecordKey;
import io.sluice.core.pipeline.BatchId;
import io.sluice.core.pipeline.DedupStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.HashSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.duckdb.DuckDBAppender;
import java.io.IOException;
import java.nio.file.Files;

/**
 * Dedup marks in DuckDB (CDR-5), without an index: a keyed ART index costs microseconds per insert and is
 * rewritten at every checkpoint, which made marks the slowest part of ingest. Instead, a key's high bits are
 * its call's day ({@link RecordKey}), marks are appended in arrival order, and a batch's keys are joined only
 * with marks of the batch's days: with time-ordered input DuckDB's zone maps skip every row group outside
 * the few days a batch covers. Rejected records' marks sit at day 0, in a table of their own. Each mark carries a 64-bit tag of the batch that made it, so a retried
 * batch gets its own keys back. Runs inside the caller's transaction.
 */
public final class DuckDbDedupStore implements DedupStore {
    private final LocalStore store;

    public DuckDbDedupStore(LocalStore store) {
        this.store = store;
    }

    static long tag(BatchId batch) {
        return Hashing.xxh3_64().hashCharsToLong(batch.value());
    }

    /** The keys' existing marks: those of {@code tag}'s batch and those of others. */
    private record Lookup(Set<RecordKey> mine, Set<RecordKey> taken, List<long[]> ranges, StagingFile staged) {
    }

    /**
     * Stages the keys in the temp table {@code claim_in} and finds their marks. One lookup for the whole batch: a
     * branch per run of consecutive call days (a batch spans a day or two; one range from day 0 to today would scan
     * every mark ever made), and one for rejected records, whose marks sit at day 0 in a table of their own. Each
     * statement costs tens of ms to plan and run.
     */
    private Lookup lookup(long tag, Collection<RecordKey> keys) throws SQLException, IOException {
        StagingFile staged;
        TreeSet<Long> days = new TreeSet<>();
        try (StagingFile f = new StagingFile(store.dataDir().resolve("staging").resolve("claim.csv"))) {
            for (RecordKey k : keys) {
                f.num(k.hi()).num(k.lo()).endRow();
                days.add(k.epochDay());
            }
            staged = f;
        }
        try (Statement s = store.connection().createStatement()) {
            s.execute("CREATE OR REPLACE TEMP TABLE claim_in AS SELECT * FROM read_csv(" + staged.sqlLiteral()
                    + ", columns = {'k_hi': 'BIGINT', 'k_lo': 'BIGINT'}, header = false, auto_detect = false)");
        }
        Set<RecordKey> taken = new HashSet<>();
        Set<RecordKey> mine = new HashSet<>();
        List<long[]> ranges = ranges(days);
        StringBuilder sql = new StringBuilder();
        for (long[] range : ranges) {
            if (!sql.isEmpty()) {
                sql.append(" UNION ALL ");
            }
            sql.append("SELECT s.k_hi, s.k_lo, s.batch_tag FROM ").append(table(range))
                    .append(" s SEMI JOIN claim_in c ON s.k_hi = c.k_hi AND s.k_lo = c.k_lo WHERE s.k_hi BETWEEN ? AND ?");
        }
        try (PreparedStatement p = store.connection().prepareStatement(sql.toString())) {
            int i = 1;
            for (long[] range : ranges) {
                p.setLong(i++, range[0]);
                p.setLong(i++, range[1]);
            }
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    RecordKey k = new RecordKey(rs.getLong(1), rs.getLong(2));
                    (rs.getLong(3) == tag ? mine : taken).add(k);
                }
            }
        }
        return new Lookup(mine, taken, ranges, staged);
    }

    /** The keys another batch has claimed; writes no mark. */
    public Set<RecordKey> claimedByOthers(BatchId batch, Collection<RecordKey> keys) {
        if (keys.isEmpty()) {
            return Set.of();
        }
        try {
            Lookup found = lookup(tag(batch), keys);
            Files.deleteIfExists(found.staged().path());
            return found.taken();
        } catch (SQLException | IOException e) {
            throw new StoreException("Cannot look up dedup marks for " + keys.size() + " records: " + LocalStore.firstLine(e.getMessage()), e);
        }
    }

    @Override
    public Set<RecordKey> claim(BatchId batch, Collection<RecordKey> keys) {
        if (keys.isEmpty()) {
            return Set.of();
        }
        try {
            long tag = tag(batch);
            Lookup found = lookup(tag, keys);
            Set<RecordKey> taken = found.taken();
            Set<RecordKey> mine = found.mine();
            List<long[]> ranges = found.ranges();
            StagingFile staged = found.staged();
            Set<RecordKey> owned = new HashSet<>(keys.size() * 2);
            List<RecordKey> newRejected = new ArrayList<>();
            for (RecordKey k : keys) {
                if (!taken.contains(k)) {
                    owned.add(k);
                    if (k.epochDay() == 0 && !mine.contains(k)) {
                        newRejected.add(k);
                    }
                }
            }
            if (!newRejected.isEmpty()) {
                try (DuckDBAppender a = store.connection().createAppender("rejected_seen")) {
                    for (RecordKey k : newRejected) {
                        a.beginRow().append(k.hi()).append(k.lo()).append(tag).endRow();
                    }
                }
            }
            if (owned.size() > mine.size() + newRejected.size()) {
                for (long[] range : ranges) {
                    if (range[0] == 0) {
                        continue;
                    }
                    try (PreparedStatement p = store.connection().prepareStatement(
                            "INSERT INTO cdr_seen SELECT c.k_hi, c.k_lo, ? FROM claim_in c ANTI JOIN (SELECT k_hi, k_lo FROM cdr_seen "
                                    + "WHERE k_hi BETWEEN ? AND ?) s ON c.k_hi = s.k_hi AND c.k_lo = s.k_lo WHERE c.k_hi BETWEEN ? AND ?")) {
                        p.setLong(1, tag);
                        p.setLong(2, range[0]);
                        p.setLong(3, range[1]);
                        p.setLong(4, range[0]);
                        p.setLong(5, range[1]);
                        p.executeUpdate();
                    }
                }
            }
            Files.deleteIfExists(staged.path());
            return owned;
        } catch (SQLException | IOException e) {
            throw new StoreException("Cannot record dedup marks for " + keys.size() + " records: " + LocalStore.firstLine(e.getMessage()), e);
        }
    }

    /**
     * Marks of rejected records (day 0) live in a table of their own: mixed into the row groups of call marks
     * they would stretch every row group's min/max down to day 0 and defeat the zone maps.
     */
    private static String table(long[] range) {
        return range[0] == 0 ? "rejected_seen" : "cdr_seen";
    }

    /** Runs of consecutive days as key ranges: from the first key of the run's first day to the last key of its last day. */
    static List<long[]> ranges(SortedSet<Long> days) {
        List<long[]> out = new ArrayList<>();
        long start = -1;
        long prev = -1;
        for (long d : days) {
            if (start < 0) {
                start = d;
            } else if (d != prev + 1) {
                out.add(new long[] {RecordKey.minHi(start), RecordKey.minHi(prev + 1) - 1});
                start = d;
            }
            prev = d;
        }
        out.add(new long[] {RecordKey.minHi(start), RecordKey.minHi(prev + 1) - 1});
        return out;
    }
}
