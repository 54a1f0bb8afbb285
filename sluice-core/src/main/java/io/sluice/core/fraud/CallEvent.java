package io.sluice.core.fraud;

import io.sluice.core.cdr.Cdr;
import io.sluice.core.cdr.Disposition;
import java.util.Comparator;
import java.util.Objects;

/**
 * What the windowed fraud rules (CDR-10) need of one accepted, de-duplicated record: who called, when (event time,
 * UTC epoch seconds), whom, how long it was billed, and whether the callee is abroad. The record key breaks ties so
 * that every ordering of the same records sorts the same way.
 *
 * @param subscriber    the caller in E.164
 * @param start         call start, epoch seconds UTC
 * @param callee        the dialled number as normalized (E.164 where possible)
 * @param billsec       billed seconds; 0 for an unanswered call
 * @param international the callee is in another country than the caller
 * @param key           the record's identity (hex), for evidence and ordering
 */
public record CallEvent(String subscriber, long start, String callee, long billsec, boolean international, String key) {

    /** Event time, then key: a total order independent of arrival. */
    public static final Comparator<CallEvent> EVENT_ORDER =
            Comparator.comparingLong(CallEvent::start).thenComparing(CallEvent::key);

    public CallEvent {
        Objects.requireNonNull(subscriber, "subscriber");
        Objects.requireNonNull(callee, "callee");
        Objects.requireNonNull(key, "key");
        if (billsec < 0) {
            throw new IllegalArgumentException("billsec must not be negative: " + billsec);
        }
    }

    /**
     * The event of an accepted record, or null when the rules cannot attribute it to a subscriber (a withheld or
     * non-E.164 caller: an internal extension is no subscriber to alert on); {@code international} as the caller
     * decided it (from the subscriber's profile, else the number's country).
     */
    public static CallEvent of(Cdr c, boolean international) {
        if (!c.caller().e164() || c.caller().text().isEmpty()) {
            return null;
        }
        long billsec = c.disposition() == Disposition.ANSWERED ? c.times().billsec() : 0;
        return new CallEvent(c.caller().text(), c.times().start(), c.callee().text(), billsec, international, c.key().hex());
    }
}
