package io.sluice.core.cdr;

/**
 * A call's checked times in UTC epoch seconds.
 *
 * @param start    start of the call
 * @param answer   answer time, or {@link #NOT_ANSWERED}
 * @param end      end of the call
 * @param duration whole seconds start to end, as the source wrote it
 * @param billsec  whole billable seconds, never more than {@code duration}
 */
public record CallTimes(long start, long answer, long end, int duration, int billsec) implements Validated {
    public static final long NOT_ANSWERED = Long.MIN_VALUE;

    public boolean answered() {
        return answer != NOT_ANSWERED;
    }
}
