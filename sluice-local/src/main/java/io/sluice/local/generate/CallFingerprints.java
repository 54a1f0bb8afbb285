package io.sluice.local.generate;

import java.util.Arrays;

/**
 * The (caller, start second, callee) triples of one minute's valid calls, so that no two generated calls share
 * them by accident: calls start in the minute being generated, so one minute's set is all that must be kept.
 * An open-addressing set of 64-bit fingerprints; a fingerprint collision only costs a re-drawn second.
 */
final class CallFingerprints {
    private long[] table = new long[1024];
    private int size;

    /** Empties the set, sized for about {@code expected} calls. */
    void reset(int expected) {
        int wanted = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        if (wanted > table.length) {
            table = new long[wanted];
        } else if (size > 0) {
            Arrays.fill(table, 0L);
        }
        size = 0;
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
                size++;
                return true;
            }
            if (t == f) {
                return false;
            }
        }
    }

    private void grow() {
        long[] old = table;
        table = new long[old.length * 2];
        int mask = table.length - 1;
        for (long f : old) {
            if (f != 0) {
                int i = (int) f & mask;
                while (table[i] != 0) {
                    i = (i + 1) & mask;
                }
                table[i] = f;
            }
        }
    }
}
