package io.sluice.local.generate;

/**
 * The (caller, start second, callee) triples of one minute's valid calls, so that no two generated calls share
 * them by accident: calls start in the minute being generated, so one minute's set is all that must be kept.
 * An open-addressing set of 64-bit fingerprints; a fingerprint collision only costs a re-drawn second.
 */
final class CallFingerprints {
    private long[] table = new long[1024];
    /** Occupied slots, so that emptying costs the number of entries, not the table size. */
    private int[] used = new int[512];
    private int size;

    /** Empties the set, sized for about {@code expected} calls. */
    void reset(int expected) {
        for (int i = 0; i < size; i++) {
            table[used[i]] = 0;
        }
        size = 0;
        int wanted = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        if (wanted > table.length) {
            table = new long[wanted];
            used = new int[wanted / 2];
        }
    }

    /** Adds the triple; false if it is already there. */
    boolean add(int caller, long startSecond, long calleeId) {
        long f = NumberPlan.mix64(NumberPlan.mix64(caller * 0x9E3779B97F4A7C15L + startSecond) ^ calleeId);
        if (f == 0) {
            f = 1;
        }
        if (size * 2 >= table.length) {
            grow();
        }
        int mask = table.length - 1;
        for (int i = (int) f & mask; ; i = (i + 1) & mask) {
            long t = table[i];
            if (t == 0) {
                table[i] = f;
                used[size++] = i;
                return true;
            }
            if (t == f) {
                return false;
            }
        }
    }

    private void grow() {
        long[] old = table;
        int[] oldUsed = used;
        table = new long[old.length * 2];
        used = new int[table.length / 2];
        int mask = table.length - 1;
        for (int k = 0; k < size; k++) {
            long f = old[oldUsed[k]];
            int i = (int) f & mask;
            while (table[i] != 0) {
                i = (i + 1) & mask;
            }
            table[i] = f;
            used[k] = i;
        }
    }
}
