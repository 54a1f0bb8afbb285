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
}
