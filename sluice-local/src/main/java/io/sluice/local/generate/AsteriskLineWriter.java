package io.sluice.local.generate;

/**
 * Asterisk {@code cdr_csv} with {@code loguniqueid} and {@code loguserfield} (the shipped sample config, 18 columns,
 * {@code usegmtime=yes}): strings quoted with inner quotes doubled, duration and billsec bare, an unanswered call's
 * answer time a bare empty field, LF endings (CDR-FORMATS.md section 1).
 *
 * <pre>"","9173750980","3344428436","from-internal","""Mary Lee"" &lt;9173750980&gt;","PJSIP/9173750980-0000002a",
 * "SIP/carrier-a-0000002b","Dial","SIP/carrier-a/3344428436,60,tT","2017-06-27 10:29:03","2017-06-27 10:29:14",
 * "2017-06-27 10:35:45",402,391,"ANSWERED","DOCUMENTATION","1498559343.21",""</pre>
 */
final class AsteriskLineWriter extends CdrLineWriter {
    private static final byte[] ACCOUNT_PREFIX = AsciiLine.ascii("acct");
    private static final byte[] CONTEXT = AsciiLine.ascii("\"from-internal\",");
    private static final byte[] CHANNEL = AsciiLine.ascii("\"PJSIP/");
    private static final byte[] DIAL = AsciiLine.ascii("\"Dial\",");
    private static final byte[] DIAL_OPTIONS = AsciiLine.ascii(",60,tT\",");
    private static final byte[] AMA_FLAGS = AsciiLine.ascii("\"DOCUMENTATION\",");
    private static final byte[] UNKNOWN_NAME = AsciiLine.ascii("Unknown");
    private static final byte[][] NOT_DISPOSITIONS = {AsciiLine.ascii("UNKNOWN"), AsciiLine.ascii("ANSWER"),
            AsciiLine.ascii("answered"), AsciiLine.ascii("NOANSWER")};
    private static final byte[][] DISPOSITIONS = new byte[io.sluice.core.cdr.Disposition.values().length][];

    static {
        for (io.sluice.core.cdr.Disposition d : io.sluice.core.cdr.Disposition.values()) {
            DISPOSITIONS[d.ordinal()] = AsciiLine.ascii(d.asteriskName());
        }
    }

    AsteriskLineWriter(long seed) {
        super(seed);
    }

    @Override
    void write(Call c, AsciiLine o) {
        boolean brokenQuotes = c.defect == Defect.BROKEN_QUOTING;
        int flavour = c.variant % 3;
        o.clear();
        o.ch('"');
        int account = NumberPlan.account(c.callerTraits);
        if (account >= 0) {
            o.bytes(ACCOUNT_PREFIX).digits(account, 5);
        }
        o.ch('"').ch(',');
        o.ch('"');
        caller(o, c);
        o.ch('"').ch(',');
        o.ch('"').line(c.callee).ch('"').ch(',');
        o.bytes(CONTEXT);
        clid(o, c, brokenQuotes && flavour == 0);
        o.bytes(CHANNEL).bytes(c.callerText.buf, c.callerE164 ? 2 : 0, 10).ch('-').hex(2 * c.seq, 8).ch('"').ch(',');
        o.ch('"').bytes(c.route.channel).ch('-').hex(2 * c.seq + 1, 8).ch('"').ch(',');
        o.bytes(DIAL);
        o.ch('"').bytes(c.route.channel).ch('/').line(c.callee).bytes(DIAL_OPTIONS);
        o.ch('"');
        timeField(o, c, c.start, true, false);
        o.ch('"').ch(',');
        if (c.answered()) {
            o.ch('"');
            time(o, c.answer, ' ');
            o.ch('"');
        }
        o.ch(',');
        o.ch('"');
        timeField(o, c, c.end, false, false);
        o.ch('"').ch(',');
        o.num(c.duration);
        if (brokenQuotes && flavour == 2) {
            o.ch('"').ch('"'); // quotes inside a bare field
        }
        o.ch(',').num(c.billsec).ch(',');
        o.ch('"');
        o.bytes(c.defect == Defect.UNKNOWN_DISPOSITION ? NOT_DISPOSITIONS[c.variant % NOT_DISPOSITIONS.length]
                : DISPOSITIONS[c.disposition.ordinal()]);
        o.ch('"');
        if (brokenQuotes && flavour == 1) {
            o.ch(' '); // text after a closing quote
        }
        o.ch(',');
        o.bytes(AMA_FLAGS);
        o.ch('"').num(c.start).ch('.').num(c.seq).ch('"').ch(',');
        o.ch('"').ch('"');
        if (c.defect == Defect.WRONG_COLUMN_COUNT) {
            switch (c.variant % 4) {
                case 0 -> o.keepColumns(13);
                case 1 -> o.keepColumns(15);
                default -> {
                    for (int i = c.variant % 4 == 2 ? 4 : 6; i > 0; i--) {
                        o.ch(',').ch('"').ch('"');
                    }
                }
            }
        }
        o.ch('\n');
    }

    /**
     * {@code "Name" <number>} quoted RFC-4180 style, or just the number when the subscriber sends no name. The broken
     * form leaves the inner quotes undoubled, as a FreeSWITCH-style ${caller_id} would: the quotes still pair up,
     * so framing is unharmed, but the field is not valid CSV.
     */
    private static void clid(AsciiLine o, Call c, boolean broken) {
        byte[] name = NumberPlan.name(c.callerTraits);
        if (broken) {
            o.ch('"').ch('"').bytes(name != null ? name : UNKNOWN_NAME).ch('"').ch(' ').ch('<');
            caller(o, c);
            o.ch('>').ch('"');
        } else if (name != null) {
            o.ch('"').ch('"').ch('"').bytes(name).ch('"').ch('"').ch(' ').ch('<');
            caller(o, c);
            o.ch('>').ch('"');
        } else {
            o.ch('"');
            caller(o, c);
            o.ch('"');
        }
        o.ch(',');
    }
}
