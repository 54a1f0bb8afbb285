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
import java.nio.file.Path;

/**
 * Dedup marks in DuckDB (CDR-5), without an index: a keyed ART index costs microseconds per insert and is
 * rewritten at every checkpoint, which made marks the slowest part of ingest. Instead, a key's high bits are
 * its call's day ({@link RecordKey}), marks are appended in arrival order, and a batch's keys are joined only
 * with marks of the batch's days: with time-ordered input DuckDB's zone maps skip every row group outside
 * the few days a batch covers. Rejected records' marks sit at day 0, in a table of their own. Each mark carries a 64-bit tag of the batch that made it, so a retried
 * batch gets its own keys back. In front of the tables, the store's {@link DedupFilters} (Bloom filters per day) rule
 * out the keys that were certainly never marked, so that only the others are looked up. Runs inside the caller's
 * transaction.
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
    private record Lookup(Set<RecordKey> mine, Set<RecordKey> taken) {
    }

    /**
     * Finds the keys' marks. The store's {@link DedupFilters} rule out most keys without a statement; the others (a
     * duplicate, a retried batch's own keys, about 1 % false positives) are staged in the temp table {@code claim_in}
     * and joined with the marks in one lookup: a branch per run of consecutive call days (a batch spans a day or two;
     * one range from day 0 to today would scan every mark ever made), and one for rejected records, whose marks sit
     * at day 0 in a table of their own.
     */
    private Lookup lookup(long tag, Collection<RecordKey> keys) throws SQLException, IOException {
        DedupFilters filters = store.dedupFilters();
        List<RecordKey> maybe = new ArrayList<>();
        synchronized (filters) {
            long day = -1;
            DedupFilters.DayFilter filter = null;
            java.util.Map<Long, DedupFilters.DayFilter> used = new java.util.HashMap<>(); // this call's, even if dropped meanwhile
            for (RecordKey k : keys) {
                if (k.epochDay() != day) {
                    day = k.epochDay();
                    filter = used.get(day);
                    if (filter == null) {
                        filter = filters.day(store, day == 0 ? "rejected_seen" : "cdr_seen", day);
                        used.put(day, filter);
                    }
                }
                if (filter.mightContain(k.hi(), k.lo())) {
                    maybe.add(k);
                }
            }
        }
        Set<RecordKey> taken = new HashSet<>();
        Set<RecordKey> mine = new HashSet<>();
        if (maybe.isEmpty()) {
            return new Lookup(mine, taken);
        }
        TreeSet<Long> days = new TreeSet<>();
        Path staged = store.dataDir().resolve("staging").resolve("claim.csv");
        String literal;
        try (StagingFile f = new StagingFile(staged)) {
            for (RecordKey k : maybe) {
                f.num(k.hi()).num(k.lo()).endRow();
                days.add(k.epochDay());
            }
            literal = f.sqlLiteral();
        }
        try (Statement s = store.connection().createStatement()) {
            s.execute("CREATE OR REPLACE TEMP TABLE claim_in AS SELECT * FROM read_csv(" + literal
                    + ", columns = {'k_hi': 'BIGINT', 'k_lo': 'BIGINT'}, header = false, auto_detect = false)");
        }
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
        Files.deleteIfExists(staged);
        return new Lookup(mine, taken);
    }

    /**
     * Up to this many new marks go in through the appender, more through a staged CSV file: the CSV is a little cheaper
     * per row, but its statement and file cost milliseconds, which a small batch (an HTTP request, a telemetry group)
     * would pay for a few hundred marks.
     */
    static final int APPENDER_MAX = 4096;

    private void append(String table, List<RecordKey> keys, long tag) throws SQLException {
        if (keys.isEmpty()) {
            return;
        }
        try (DuckDBAppender a = store.connection().createAppender(table)) {
            for (RecordKey k : keys) {
                a.beginRow().append(k.hi()).append(k.lo()).append(tag).endRow();
            }
        }
    }

    /** The keys another batch has claimed; writes no mark. */
    public Set<RecordKey> claimedByOthers(BatchId batch, Collection<RecordKey> keys) {
        if (keys.isEmpty()) {
            return Set.of();
        }
        try {
            return lookup(tag(batch), keys).taken();
        } catch (SQLException | IOException e) {
            throw new StoreException("Cannot look up dedup marks for " + keys.size() + " records: " + LocalStore.firstLine(e.getMessage()), e);
        }
    }

    /**
     * Claims the keys no other batch has: writes a mark for each key not marked yet (the keys a retry of this batch
     * marked before keep theirs) and returns all the keys this batch owns.
     */
    @Override
    public Set<RecordKey> claim(BatchId batch, Collection<RecordKey> keys) {
        if (keys.isEmpty()) {
            return Set.of();
        }
        try {
            long tag = tag(batch);
            long t0 = System.nanoTime();
            Lookup found = lookup(tag, keys);
            if (PortTimings.ON) {
                PortTimings.add("dedup.lookup", System.nanoTime() - t0);
            }
            Set<RecordKey> owned = new HashSet<>(keys.size() * 2);
            List<RecordKey> newRejected = new ArrayList<>();
            List<RecordKey> newCalls = new ArrayList<>(keys.size());
            for (RecordKey k : keys) {
                if (!found.taken().contains(k)) {
                    owned.add(k);
                    if (!found.mine().contains(k)) {
                        (k.epochDay() == 0 ? newRejected : newCalls).add(k);
                    }
                }
            }
            // Into the filters first: whatever fails after this, a filter holds more than the table, never less.
            DedupFilters filters = store.dedupFilters();
            synchronized (filters) {
                for (RecordKey k : newRejected) {
                    filters.add(0, k.hi(), k.lo());
                }
                for (RecordKey k : newCalls) {
                    filters.add(k.epochDay(), k.hi(), k.lo());
                }
            }
            append("rejected_seen", newRejected, tag);
            if (newCalls.size() <= APPENDER_MAX) {
                append("cdr_seen", newCalls, tag);
            } else {
                // A staged CSV: the appender took 1.6 s for 980,000 marks where this takes 1.4 s (measured, issue 23).
                Path staged = store.dataDir().resolve("staging").resolve("marks.csv");
                String literal;
                try (StagingFile f = new StagingFile(staged)) {
                    for (RecordKey k : newCalls) {
                        f.num(k.hi()).num(k.lo()).endRow();
                    }
                    literal = f.sqlLiteral();
                }
                try (PreparedStatement p = store.connection().prepareStatement("INSERT INTO cdr_seen SELECT k_hi, k_lo, ? FROM read_csv("
                        + literal + ", columns = {'k_hi': 'BIGINT', 'k_lo': 'BIGINT'}, header = false, auto_detect = false)")) {
                    p.setLong(1, tag);
                    p.executeUpdate();
                }
                Files.deleteIfExists(staged);
            }
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
