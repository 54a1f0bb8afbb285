package io.sluice.local.generate;

import java.util.SplittableRandom;

/**
 * Valid lines kept for duplicates: the last {@value #RECENT} lines, plus a sample of older ones taken every
 * {@value #SAMPLE_EVERY} lines, so that some duplicates repeat a line of an earlier file (re-delivered logs).
 * Bounded: the lines are copied into reused buffers.
 */
final class RecentLines {
    static final int RECENT = 256;
    static final int OLD = 64;
    static final int SAMPLE_EVERY = 1024;

    private final AsciiLine[] recent = new AsciiLine[RECENT];
    private final AsciiLine[] old = new AsciiLine[OLD];
    private long added;
    private int oldCount;

    RecentLines() {
        for (int i = 0; i < RECENT; i++) {
            recent[i] = new AsciiLine(512);
        }
        for (int i = 0; i < OLD; i++) {
            old[i] = new AsciiLine(512);
        }
    }

    boolean isEmpty() {
        return added == 0;
    }

    void add(AsciiLine line, SplittableRandom rnd) {
        recent[(int) (added % RECENT)].copyFrom(line);
        if (added % SAMPLE_EVERY == 0) {
            int slot = oldCount < OLD ? oldCount++ : rnd.nextInt(OLD);
            old[slot].copyFrom(line);
        }
        added++;
    }

    /** A line to repeat: mostly one of the last few hundred, one in ten an older one. */
    AsciiLine pick(SplittableRandom rnd) {
        if (oldCount > 0 && rnd.nextInt(10) == 0) {
            return old[rnd.nextInt(oldCount)];
        }
        int available = (int) Math.min(added, RECENT);
        int back = rnd.nextInt(available);
        return recent[(int) ((added - 1 - back) % RECENT)];
    }
}
