package io.sluice.local.generate;

import io.sluice.core.cdr.Disposition;

/**
 * FreeSWITCH {@code mod_cdr_csv} with the vanilla {@code example} template (15 fields, every one quoted, durations
 * too, unset variables empty, no escaping, LF endings; CDR-FORMATS.md section 2):
 *
 * <pre>"${caller_id_name}","${caller_id_number}","${destination_number}","${context}","${start_stamp}",
 * "${answer_stamp}","${end_stamp}","${duration}","${billsec}","${hangup_cause}","${uuid}","${bleg_uuid}",
 * "${accountcode}","${read_codec}","${write_codec}"</pre>
 */
final class FreeSwitchLineWriter extends CdrLineWriter {
    private static final byte[] DEFAULT_CONTEXT = AsciiLine.ascii("default");
    private static final byte[] PUBLIC_CONTEXT = AsciiLine.ascii("public");
    private static final byte[] ACCOUNT_PREFIX = AsciiLine.ascii("acct");
    private static final byte[] PCMU = AsciiLine.ascii("\"PCMU\",\"PCMU\"");
    private static final byte[] PCMA = AsciiLine.ascii("\"PCMA\",\"PCMA\"");
    private static final byte[] G722 = AsciiLine.ascii("\"G722\",\"G722\"");
    private static final byte[] NO_CODECS = AsciiLine.ascii("\"\",\"\"");
    private static final byte[][] NOT_CAUSES = {AsciiLine.ascii("NORMAL_CLEARNG"), AsciiLine.ascii("HANGUP"),
            AsciiLine.ascii("UNKNOWN"), AsciiLine.ascii("ANSWERED")};

    FreeSwitchLineWriter(long seed) {
        super(seed);
    }

    @Override
    void write(Call c, AsciiLine o) {
        o.clear();
        o.ch('"');
        byte[] name = NumberPlan.name(c.callerTraits);
        if (name != null) {
            o.bytes(name);
        } else {
            caller(o, c);
        }
        o.ch('"').ch(',').ch('"');
        caller(o, c);
        o.ch('"').ch(',').ch('"').line(c.callee).ch('"').ch(',').ch('"');
        o.bytes(NumberPlan.trunkCustomer(c.callerTraits) ? PUBLIC_CONTEXT : DEFAULT_CONTEXT);
        o.ch('"').ch(',').ch('"');
        timeField(o, c, c.start, true, false);
        o.ch('"').ch(',').ch('"');
        if (c.answered()) {
            time(o, c.answer, ' ');
        }
        o.ch('"').ch(',').ch('"');
        timeField(o, c, c.end, false, false);
        o.ch('"').ch(',').ch('"').num(c.duration).ch('"').ch(',').ch('"').num(c.billsec).ch('"').ch(',').ch('"');
        o.bytes(c.defect == Defect.UNKNOWN_DISPOSITION ? NOT_CAUSES[c.variant % NOT_CAUSES.length] : c.hangupCause);
        o.ch('"').ch(',').ch('"');
        uuid(o, c.seq, 0);
        o.ch('"').ch(',').ch('"');
        // A B leg exists once the far end was reached: answered, or rung without answer.
        if (c.answered() || c.disposition == Disposition.NO_ANSWER) {
            uuid(o, c.seq, 1);
        }
        o.ch('"').ch(',').ch('"');
        int account = NumberPlan.account(c.callerTraits);
        if (account >= 0) {
            o.bytes(ACCOUNT_PREFIX).digits(account, 5);
        }
        o.ch('"').ch(',');
        if (c.answered()) {
            long codec = c.seq % 10;
            o.bytes(codec < 6 ? PCMU : codec < 9 ? PCMA : G722);
        } else {
            o.bytes(NO_CODECS);
        }
        if (c.defect == Defect.WRONG_COLUMN_COUNT) {
            switch (c.variant % 4) {
                case 0 -> o.keepColumns(12);
                case 1 -> o.keepColumns(14);
                case 2 -> o.ch(',').ch('"').ch('"');
                default -> o.ch(',').ch('"').ch('"').ch(',').ch('"').ch('"');
            }
        } else if (c.defect == Defect.BROKEN_QUOTING) {
            if ((c.variant & 1) == 0) {
                o.ch(';'); // text after the last quote, as the fallback template's ';' ending
            } else {
                o.deleteAt(0); // the opening quote of the first field
            }
        }
        o.ch('\n');
    }
}
