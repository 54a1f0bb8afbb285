package io.sluice.local.generate;

import io.sluice.core.cdr.Disposition;

/** One generated call, reused for every line: the fields the format writers turn into text. */
final class Call {
    static final long NOT_ANSWERED = -1;

    /** Caller's subscriber index, national number, traits, and whether this line writes it in E.164. */
    int caller;
    long callerNational;
    /** The caller as written on this line, national 10 digits or E.164, computed once per call. */
    final AsciiLine callerText = new AsciiLine(16);
    long callerTraits;
    boolean callerE164;
    /** The destination as dialled. */
    final AsciiLine callee = new AsciiLine(24);
    /** The destination's identity whatever the dialled form, for the (caller, start, callee) uniqueness check. */
    long calleeId;
    Route route;
    Disposition disposition;
    byte[] hangupCause;
    int ring;
    int billsec;
    int duration;
    long start;
    long answer;
    long end;
    /** Running call number: makes uniqueid, channel names and uuids unique. */
    long seq;
    Defect defect = Defect.NONE;
    /** Which flavour of the defect a writer applies; writers take it modulo their own count. */
    int variant;

    boolean answered() {
        return answer != NOT_ANSWERED;
    }

    /** Sets the absolute times from the start and the durations already chosen. */
    void place(long startEpoch) {
        start = startEpoch;
        end = startEpoch + duration;
        answer = disposition == Disposition.ANSWERED ? startEpoch + ring : NOT_ANSWERED;
    }
}
