package io.sluice.local.store;

import io.sluice.core.cdr.RecordKey;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bloom filters over the dedup marks of a store, one per call day (CDR-5), so that a claim looks up in DuckDB only
 * the keys that may have been marked before: with fresh input that is about 1 % of them, where every key used to be
 * staged into a temp table and joined with the marks twice (the lookup and the insert), the most expensive
 * statements of a chunk after the archive's.
 *
 * <p>A filter only ever says "maybe" or "certainly not", and it is a superset of the marks: it is built from the
 * table the first time a day is touched by this process, and a key is added to it before its mark is written. A mark
 * that is later rolled back or deleted (a withdrawn source, a released dead letter) and was in the filter stays there
 * and costs one lookup more, never a wrong answer: every "maybe" is checked against the table. The one way a filter
 * could miss a mark is a rollback that brings back deleted marks a filter was built without, so every rollback of the
 * store drops all filters ({@link #clear}). The filters belong to the first {@link LocalStore} open on a database in
 * this process; while a second one is open on it too (DuckDB shares the database), each would miss the other's marks,
 * so the filters answer "maybe" for every key (the lookup as before them) until both are closed.
 *
 * <p>Memory is bounded: about 14 bits per mark, blocks that double as a day grows (about 0.1 % false positives per
 * block), at most a quarter of {@link #MAX_BYTES} for one day (a day past that answers "maybe" for every key) and
 * {@link #MAX_BYTES} in all; past that the least recently used days are dropped and rebuilt from the table when
 * touched again. Callers hold the object's lock ({@code synchronized (filters)}) while they use it.
 */
final class DedupFilters {
    private static final Map<Path, Shared> OPEN = new java.util.HashMap<>();

    private record Shared(DedupFilters filters, int stores) {
    }

    /**
     * The filters of the database at {@code db}. A second store open on it at the same time shares them and turns them
     * off for as long as more than one is open: neither store's filters would learn the other's marks.
     */
    static synchronized DedupFilters acquire(Path db) {
        Path key = db.toAbsolutePath().normalize();
        Shared s = OPEN.get(key);
        Shared next = s == null ? new Shared(new DedupFilters(), 1) : new Shared(s.filters(), s.stores() + 1);
        if (next.stores() > 1) {
            synchronized (next.filters()) {
                next.filters().off = true;
                next.filters().days.clear();
            }
        }
        OPEN.put(key, next);
        return next.filters();
    }

    /** A store of {@code db} closed; the last one drops the filters. */
    static synchronized void release(Path db) {
        Path key = db.toAbsolutePath().normalize();
        Shared s = OPEN.get(key);
        if (s == null) {
            return;
        }
        if (s.stores() <= 1) {
            OPEN.remove(key);
        } else {
            OPEN.put(key, new Shared(s.filters(), s.stores() - 1));
        }
    }

    static final long MAX_BYTES = 64L << 20;
    private static final int FIRST_BLOCK_KEYS = 1 << 16;
    private static final int MAX_BLOCK_KEYS = 1 << 23;
    private static final int BITS_PER_KEY = 14;
    private static final int HASHES = 10;
    /** A day whose filter is full, or filters turned off: "maybe" for every key, so every key is looked up. */
    static final DayFilter EVERY_KEY_MAYBE = new DayFilter(0);

    /** Days in least-recently-used order; day 0 holds the marks of rejected records ({@code rejected_seen}). */
    private final Map<Long, DayFilter> days = new LinkedHashMap<>(64, 0.75f, true);
    private final long maxBytes;
    private long builtRows;
    private boolean off;

    DedupFilters() {
        this(MAX_BYTES);
    }

    /** Filters holding at most about {@code maxBytes} (a test makes it small). */
    DedupFilters(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /**
     * The filter of {@code day}, built from {@code table}'s marks of that day when this process has none. The caller
     * holds the store's connection (the single writer).
     */
    DayFilter day(LocalStore store, String table, long day) throws SQLException {
        if (off) {
            return EVERY_KEY_MAYBE;
        }
        DayFilter f = days.get(day);
        if (f != null) {
            return f;
        }
        f = new DayFilter(maxBytes / 4);
        try (PreparedStatement p = store.connection().prepareStatement(
                "SELECT k_hi, k_lo FROM " + table + " WHERE k_hi BETWEEN ? AND ?")) {
            p.setLong(1, RecordKey.minHi(day));
            p.setLong(2, day == 0 ? Long.MAX_VALUE : RecordKey.minHi(day + 1) - 1);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    f.add(rs.getLong(1), rs.getLong(2));
                    builtRows++;
                    if (f.full()) {
                        break; // "maybe" for every key of the day: the rest of its marks would change nothing
                    }
                }
            }
        }
        days.put(day, f);
        evict(day);
        return f;
    }

    /** Marks read from the tables to build filters, for tests and SLUICE_DEBUG. */
    long builtRows() {
        return builtRows;
    }

    /**
     * Adds a mark this process is about to write to its day's filter (before the write: a filter may hold more than the
     * table, never less). A day not loaded is built from the table when next touched, and the mark is there by then.
     */
    void add(long day, long hi, long lo) {
        DayFilter f = days.get(day);
        if (f != null && f.add(hi, lo)) {
            evict(day);
        }
    }

    /** Drops every day: after a rollback, which may bring back marks a filter was built without. */
    void clear() {
        days.clear();
    }

    /** The bytes the filters hold. */
    long bytes() {
        long b = 0;
        for (DayFilter f : days.values()) {
            b += f.bytes();
        }
        return b;
    }

    /** Drops the least recently used days, never {@code keep}, until the filters fit in their bound. */
    private void evict(long keep) {
        long bytes = bytes();
        Iterator<Map.Entry<Long, DayFilter>> it = days.entrySet().iterator();
        while (bytes > maxBytes && it.hasNext()) {
            Map.Entry<Long, DayFilter> e = it.next();
            if (e.getKey() != keep) {
                bytes -= e.getValue().bytes();
                it.remove();
            }
        }
    }

    /**
     * A growing Bloom filter of one day's marks: blocks that double in size, a key in the newest one. Past its byte limit
     * it stops growing and answers "maybe" for every key: still a superset, only no longer a saving.
     */
    static final class DayFilter {
        private final List<long[]> blocks = new ArrayList<>();
        private final List<Integer> capacities = new ArrayList<>();
        private final long maxBytes;
        private long bytes;
        private int inLast;
        private boolean full;

        DayFilter(long maxBytes) {
            this.maxBytes = maxBytes;
            if (maxBytes <= 0) {
                full = true;
            } else {
                addBlock(FIRST_BLOCK_KEYS);
            }
        }

        private void addBlock(int keys) {
            long words = Math.max(1, (long) keys * BITS_PER_KEY / 64);
            if (!blocks.isEmpty() && bytes + words * 8 > maxBytes) {
                full = true; // every key "maybe" from now on
                blocks.clear();
                capacities.clear();
                bytes = 0;
                return;
            }
            blocks.add(new long[(int) words]);
            capacities.add(keys);
            bytes += words * 8;
            inLast = 0;
        }

        long bytes() {
            return bytes;
        }

        boolean full() {
            return full;
        }

        /** Adds a key; true when the filter's size changed for it (a new block, or it became full). */
        boolean add(long hi, long lo) {
            if (full) {
                return false;
            }
            boolean grew = false;
            int last = blocks.size() - 1;
            if (inLast >= capacities.get(last)) {
                addBlock(Math.min(MAX_BLOCK_KEYS, capacities.get(last) * 2));
                if (full) {
                    return true;
                }
                grew = true;
                last++;
            }
            long[] bits = blocks.get(last);
            long m = bits.length * 64L;
            long h1 = lo;
            long h2 = mix(hi) | 1;
            for (int i = 0; i < HASHES; i++) {
                long bit = Long.remainderUnsigned(h1 + i * h2, m);
                bits[(int) (bit >>> 6)] |= 1L << bit;
            }
            inLast++;
            return grew;
        }

        /** False when the key is certainly not marked; true when it may be. */
        boolean mightContain(long hi, long lo) {
            if (full) {
                return true;
            }
            long h1 = lo;
            long h2 = mix(hi) | 1;
            for (long[] bits : blocks) {
                long m = bits.length * 64L;
                boolean all = true;
                for (int i = 0; i < HASHES && all; i++) {
                    long bit = Long.remainderUnsigned(h1 + i * h2, m);
                    all = (bits[(int) (bit >>> 6)] & (1L << bit)) != 0;
                }
                if (all) {
                    return true;
                }
            }
            return false;
        }
    }

    /** {@code hi} spread over all bits: its top bits are the day, the same for every key of a filter. */
    private static long mix(long x) {
        x ^= x >>> 33;
        x *= 0xff51afd7ed558ccdL;
        x ^= x >>> 33;
        return x;
    }
}
