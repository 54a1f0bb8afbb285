package io.sluice.local.generate;

import io.sluice.core.cdr.Disposition;

/**
 * Sluice's JSON-lines schema ({@code JsonLinesCdrParser}): one flat object per line, ISO-8601 UTC times with
 * {@code Z}, {@code answer} null when unanswered, the caller in E.164, the callee as dialled.
 *
 * <pre>{"caller":"+19173750980","callee":"3344428436","start":"2017-06-27T10:29:03Z","answer":"2017-06-27T10:29:14Z",
 * "end":"2017-06-27T10:35:45Z","duration":402,"billsec":391,"disposition":"ANSWERED","route":"carrier-a",
 * "id":"1f0c...-..."}</pre>
 */
final class JsonLinesWriter extends CdrLineWriter {
    private static final byte[] CALLER = AsciiLine.ascii("{\"caller\":\"+1");
    private static final byte[] CALLEE = AsciiLine.ascii(",\"callee\":\"");
    private static final byte[] START = AsciiLine.ascii(",\"start\":\"");
    private static final byte[] ANSWER = AsciiLine.ascii(",\"answer\":");
    private static final byte[] NULL = AsciiLine.ascii("null");
    private static final byte[] END = AsciiLine.ascii(",\"end\":\"");
    private static final byte[] DURATION = AsciiLine.ascii(",\"duration\":");
    private static final byte[] BILLSEC = AsciiLine.ascii(",\"billsec\":");
    private static final byte[] DISPOSITION = AsciiLine.ascii(",\"disposition\":");
    private static final byte[] ROUTE = AsciiLine.ascii(",\"route\":\"");
    private static final byte[] ACCOUNT = AsciiLine.ascii(",\"account\":\"acct");
    private static final byte[] ID = AsciiLine.ascii(",\"id\":\"");
    private static final byte[][] NOT_DISPOSITIONS = {AsciiLine.ascii("UNKNOWN"), AsciiLine.ascii("answered"),
            AsciiLine.ascii("DONE"), AsciiLine.ascii("HANGUP")};
    private static final byte[][] DISPOSITIONS = new byte[Disposition.values().length][];

    static {
        for (Disposition d : Disposition.values()) {
            DISPOSITIONS[d.ordinal()] = AsciiLine.ascii(d.name());
        }
    }

    JsonLinesWriter(long seed) {
        super(seed);
    }

    @Override
    void write(Call c, AsciiLine o) {
        boolean missing = c.defect == Defect.WRONG_COLUMN_COUNT;
        int gone = c.variant % 4;
        boolean broken = c.defect == Defect.BROKEN_QUOTING;
        int flavour = c.variant % 3;
        o.clear();
        o.bytes(CALLER).digits(c.callerNational, 10);
        if (!(broken && flavour == 0)) {
            o.ch('"'); // without it the caller string swallows the next key
        }
        if (!(missing && gone == 3)) {
            o.bytes(CALLEE).line(c.callee).ch('"');
        }
        o.bytes(START);
        timeField(o, c, c.start, true, true);
        o.ch('"').bytes(ANSWER);
        if (c.answered()) {
            o.ch('"');
            time(o, c.answer, 'T');
            o.ch('Z').ch('"');
        } else {
            o.bytes(NULL);
        }
        if (!(missing && gone == 0)) {
            o.bytes(END);
            timeField(o, c, c.end, false, true);
            o.ch('"');
        }
        if (!(missing && gone == 1)) {
            o.bytes(DURATION).num(c.duration);
        }
        o.bytes(BILLSEC).num(c.billsec);
        if (!(missing && gone == 2)) {
            char quote = broken && flavour == 2 ? '\'' : '"';
            o.bytes(DISPOSITION).ch(quote);
            o.bytes(c.defect == Defect.UNKNOWN_DISPOSITION ? NOT_DISPOSITIONS[c.variant % NOT_DISPOSITIONS.length]
                    : DISPOSITIONS[c.disposition.ordinal()]);
            o.ch(quote);
        }
        o.bytes(ROUTE).bytes(c.route.shortName).ch('"');
        int account = NumberPlan.account(c.callerTraits);
        if (account >= 0) {
            o.bytes(ACCOUNT).digits(account, 5).ch('"');
        }
        o.bytes(ID);
        uuid(o, c.seq, 0);
        o.ch('"');
        if (!(broken && flavour == 1)) {
            o.ch('}');
        }
        o.ch('\n');
    }
}
