package io.sluice.core.cdr;

/**
 * A call's checked times in UTC epoch seconds.
 *
 * @param start    start of the call
 * @param answer   answer time, or {@link #NOT_ANSWERED}
 * @param end      end of the call
 * @param duration whole seconds start to end, as the source wrote it
 * @param billsec  whole billable seconds, never more than {@code duration}
 * @param ambiguous the source zone passed these wall-clock times twice (a DST fall-back) and the record's own duration
 *                  could not tell which: the earlier offset was taken (issue 16)
 */
public record CallTimes(long start, long answer, long end, int duration, int billsec, boolean ambiguous) implements Validated {
    public static final long NOT_ANSWERED = Long.MIN_VALUE;

    public CallTimes(long start, long answer, long end, int duration, int billsec) {
        this(start, answer, end, duration, billsec, false);
    }

    public boolean answered() {
        return answer != NOT_ANSWERED;
    }
}
