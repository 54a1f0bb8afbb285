package io.sluice.core.cdr;

/**
 * An accepted, normalized call detail record: what is archived and aggregated.
 *
 * @param source         where the record came from (file, shard, request)
 * @param line           its position there
 * @param times          checked UTC times and durations
 * @param disposition    one enum for every format
 * @param caller         calling number, E.164 where possible; empty when withheld
 * @param callee         dialled number, E.164 where possible
 * @param route          trunk or route of the call
 * @param account        account code
 * @param uniqueId       the source's own id, for reference only
 * @param international  callee is in another country than the caller (or the default country)
 * @param key            identity for de-duplication
 * @param flags          {@link #CALLER_WITHHELD}, {@link #CALLER_NOT_E164}, {@link #CALLEE_NOT_E164}, {@link #UNKNOWN_SUBSCRIBER}
 * @param subscriber     the caller's profile once enriched; {@link SubscriberProfile#unknown} until then or when none exists
 */
public record Cdr(
        String source,
        long line,
        CallTimes times,
        Disposition disposition,
        NormalizedNumber caller,
        NormalizedNumber callee,
        String route,
        String account,
        String uniqueId,
        boolean international,
        RecordKey key,
        int flags,
        SubscriberProfile subscriber) {

    public static final int CALLER_WITHHELD = 1;
    public static final int CALLER_NOT_E164 = 2;
    public static final int CALLEE_NOT_E164 = 4;
    public static final int UNKNOWN_SUBSCRIBER = 8;
    /** Its local times fell in a DST fall-back hour and its duration could not tell which offset: the earlier one (issue 16). */
    public static final int TIME_AMBIGUOUS = 16;

    /** This record enriched with its caller's profile, or flagged as an unknown subscriber (CDR-6). */
    public Cdr withSubscriber(SubscriberProfile profile, boolean known) {
        int f = known ? flags & ~UNKNOWN_SUBSCRIBER : flags | UNKNOWN_SUBSCRIBER;
        return new Cdr(source, line, times, disposition, caller, callee, route, account, uniqueId, international, key, f, profile);
    }

    public boolean hasFlag(int flag) {
        return (flags & flag) != 0;
    }

    /** UTC day of the call's start, days since 1970-01-01: the archive partition and the usage day. */
    public int startDay() {
        return (int) Math.floorDiv(times.start(), 86_400L);
    }

    /** UTC hour of the call's start, as epoch seconds at the top of the hour. */
    public long startHour() {
        return Math.floorDiv(times.start(), 3_600L) * 3_600L;
    }
}
