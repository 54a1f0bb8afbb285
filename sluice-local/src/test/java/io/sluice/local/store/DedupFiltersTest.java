package io.sluice.local.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.core.cdr.RecordKey;
import io.sluice.core.pipeline.BatchId;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Bloom filters in front of the DuckDB dedup marks (CDR-5, issue 23) may only ever save a lookup, never change an
 * answer: a key claimed before is a duplicate whether the filter was built in this process, grew past its first
 * block, was dropped for memory and rebuilt, or holds keys of a rolled-back claim.
 */
class DedupFiltersTest {
    private static final long DAY = 20_400;

    @TempDir
    Path dir;

    private static List<RecordKey> keys(int n, long seed, long... days) {
        Random r = new Random(seed);
        List<RecordKey> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(RecordKey.of(days[i % days.length], r.nextLong(), r.nextLong()));
        }
        return out;
    }

    /** Set equality, told by counts: a failure printing 150,000 keys says nothing. */
    private static void same(Set<RecordKey> expected, Set<RecordKey> actual, String what) {
        Set<RecordKey> missing = new HashSet<>(expected);
        missing.removeAll(actual);
        Set<RecordKey> extra = new HashSet<>(actual);
        extra.removeAll(expected);
        assertTrue(missing.isEmpty() && extra.isEmpty(), what + ": " + missing.size() + " keys missing, " + extra.size() + " too many");
    }

    @Test
    void aDayThatOutgrowsItsFirstBlockStillAnswersExactly() {
        List<RecordKey> first = keys(150_000, 1, DAY); // more than the first block's 65,536 keys
        List<RecordKey> second = keys(150_000, 2, DAY);
        try (LocalStore store = LocalStore.open(dir)) {
            DuckDbDedupStore dedup = new DuckDbDedupStore(store);
            assertEquals(first.size(), dedup.claim(new BatchId("a"), first).size());
            List<RecordKey> again = new ArrayList<>(first.subList(0, 500)); // in the first block
            again.addAll(first.subList(first.size() - 500, first.size())); // in the last
            List<RecordKey> mixed = new ArrayList<>(second);
            mixed.addAll(again);
            Set<RecordKey> owned = dedup.claim(new BatchId("b"), mixed);
            same(new HashSet<>(second), owned, "the 1,000 keys of batch a are duplicates, the rest are b's");
            same(Set.copyOf(again), dedup.claimedByOthers(new BatchId("c"), again), "a's keys, seen by another batch");
        }
    }

    @Test
    void marksOfAnEarlierProcessAreFoundAfterAReopen() {
        List<RecordKey> calls = keys(5_000, 3, DAY, DAY + 1, 0);
        try (LocalStore store = LocalStore.open(dir)) {
            new DuckDbDedupStore(store).claim(new BatchId("a"), calls);
        }
        try (LocalStore store = LocalStore.open(dir)) {
            DuckDbDedupStore dedup = new DuckDbDedupStore(store);
            same(Set.of(), dedup.claim(new BatchId("b"), calls), "every key was claimed by a before the restart");
            same(Set.copyOf(calls), dedup.claim(new BatchId("a"), calls), "a retry of a gets its own keys back");
            assertEquals(calls.size(), store.dedupFilters().builtRows(), "the filters were built from the stored marks once");
        }
    }

    @Test
    void aRolledBackClaimLeavesItsKeysClaimable() {
        List<RecordKey> calls = keys(2_000, 4, DAY);
        try (LocalStore store = LocalStore.open(dir)) {
            DuckDbDedupStore dedup = new DuckDbDedupStore(store);
            store.rolledBack(c -> dedup.claim(new BatchId("a"), calls));
            same(Set.copyOf(calls), dedup.claim(new BatchId("b"), calls),
                    "the filter still holds a's keys; the lookup behind it finds no mark, so b owns them");
            same(Set.of(), dedup.claim(new BatchId("c"), calls), "b's keys, for c");
        }
    }

    @Test
    void daysDroppedForMemoryAreRebuiltFromTheMarks() {
        DedupFilters small = new DedupFilters(200_000); // room for about two days' first blocks (80 KiB each)
        List<RecordKey> calls = keys(3_000, 5, DAY, DAY + 3, DAY + 6, DAY + 9);
        try (LocalStore store = LocalStore.open(dir)) {
            store.useDedupFilters(small);
            DuckDbDedupStore dedup = new DuckDbDedupStore(store);
            assertEquals(calls.size(), dedup.claim(new BatchId("a"), calls).size());
            assertTrue(small.bytes() <= 200_000, "the filters stay within their bound: " + small.bytes());
            same(Set.of(), dedup.claim(new BatchId("b"), calls), "every day's keys are duplicates, rebuilt or not");
            assertTrue(small.builtRows() > 0, "a dropped day was rebuilt from the table");
        }
    }

    @Test
    void aDayPastItsShareAnswersMaybeForEveryKeyAndStaysExact() throws Exception {
        DedupFilters small = new DedupFilters(400_000); // a day may hold 100,000 bytes: the first block, not the second
        List<RecordKey> calls = keys(70_000, 6, DAY);
        try (LocalStore store = LocalStore.open(dir)) {
            store.useDedupFilters(small);
            DuckDbDedupStore dedup = new DuckDbDedupStore(store);
            assertEquals(calls.size(), dedup.claim(new BatchId("a"), calls).size());
            synchronized (small) {
                assertTrue(small.day(store, "cdr_seen", DAY).full(), "past 65,536 keys the day needs a second block it may not have");
            }
            assertTrue(small.bytes() <= 400_000, "within the bound: " + small.bytes());
            same(Set.of(), dedup.claim(new BatchId("b"), calls), "every key is looked up, and every one is a duplicate");
        }
    }

    @Test
    void aRollbackThatBringsBackDeletedMarksDropsTheFilters() throws Exception {
        List<RecordKey> first = keys(1_000, 7, DAY);
        List<RecordKey> other = keys(10, 8, DAY);
        try (LocalStore store = LocalStore.open(dir)) {
            new DuckDbDedupStore(store).claim(new BatchId("a"), first);
        }
        try (LocalStore store = LocalStore.open(dir)) { // fresh filters: the day is built inside the transaction below
            DuckDbDedupStore dedup = new DuckDbDedupStore(store);
            store.rolledBack(c -> {
                try (java.sql.Statement s = c.createStatement()) {
                    s.execute("DELETE FROM cdr_seen"); // as a withdrawn source's marks are (SourceRetraction)
                }
                return dedup.claim(new BatchId("b"), other); // builds the day's filter without a's marks
            });
            same(Set.of(), dedup.claim(new BatchId("c"), first), "a's marks are back after the rollback, and found");
        }
    }

    @Test
    void twoStoresOpenOnOneDatabaseTurnTheFiltersOffAndStayExact() throws Exception {
        List<RecordKey> viaA = keys(2_000, 9, DAY);
        List<RecordKey> viaB = keys(2_000, 10, DAY);
        try (LocalStore a = LocalStore.open(dir)) {
            DuckDbDedupStore dedupA = new DuckDbDedupStore(a);
            dedupA.claim(new BatchId("a"), viaA);
            try (LocalStore b = LocalStore.open(dir)) {
                synchronized (a.dedupFilters()) {
                    assertTrue(a.dedupFilters().day(a, "cdr_seen", DAY) == DedupFilters.EVERY_KEY_MAYBE,
                            "with two stores open, neither's filter would learn the other's marks");
                }
                DuckDbDedupStore dedupB = new DuckDbDedupStore(b);
                same(Set.of(), dedupB.claim(new BatchId("b"), viaA), "b finds a's marks");
                assertEquals(viaB.size(), dedupB.claim(new BatchId("b"), viaB).size());
                same(Set.of(), dedupA.claim(new BatchId("c"), viaB), "a finds b's marks");
            }
        }
        try (LocalStore again = LocalStore.open(dir)) {
            synchronized (again.dedupFilters()) {
                assertTrue(again.dedupFilters().day(again, "cdr_seen", DAY) != DedupFilters.EVERY_KEY_MAYBE, "on again with one store");
            }
            same(Set.of(), new DuckDbDedupStore(again).claim(new BatchId("d"), viaB), "b's keys after a reopen");
        }
    }
}
