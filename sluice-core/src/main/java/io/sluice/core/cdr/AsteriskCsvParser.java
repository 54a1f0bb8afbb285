package io.sluice.core.cdr;

import java.util.List;
import java.util.Optional;

/**
 * Asterisk {@code cdr_csv} Master.csv (CDR-2), column order from {@code cdr/cdr_csv.c build_csv_record}:
 * accountcode, src, dst, dcontext, clid, channel, dstchannel, lastapp, lastdata, start, answer, end,
 * duration, billsec, disposition, amaflags, then optionally uniqueid, userfield and (with
 * {@code newcdrcolumns}) peeraccount, linkedid, sequence.
 *
 * <p>Accepted column counts: 16 (code defaults), 17 (read as uniqueid; cdr_csv cannot tell uniqueid from
 * userfield when only one is on), 18 (the shipped sample config), 19 to 21 (with newcdrcolumns). The route
 * is the trunk of the destination channel ({@code SIP/carrier-0000002a} gives {@code SIP/carrier}), or the
 * destination context when there is no destination channel.
 */
public final class AsteriskCsvParser implements CdrParser {
    static final int MIN_COLUMNS = 16;
    static final int MAX_COLUMNS = 21;

    @Override
    public CdrFormat format() {
        return CdrFormat.ASTERISK;
    }

    @Override
    public Parsed parse(RawRecord raw, String text) {
        Optional<List<String>> split = CsvFields.strict(text);
        if (split.isEmpty()) {
            return Rejection.of(raw, RejectReason.BROKEN_QUOTING, "the record is not valid CSV (unbalanced or stray quote)");
        }
        List<String> f = split.get();
        if (f.size() < MIN_COLUMNS || f.size() > MAX_COLUMNS) {
            return Rejection.of(raw, RejectReason.WRONG_COLUMN_COUNT,
                    "expected 16 to 21 Asterisk cdr_csv columns, found " + f.size());
        }
        String dispositionText = f.get(14);
        Optional<Disposition> disposition = Disposition.fromText(dispositionText);
        if (disposition.isEmpty()) {
            return Rejection.of(raw, RejectReason.UNKNOWN_DISPOSITION,
                    "disposition '" + dispositionText + "' is none of ANSWERED, NO ANSWER, BUSY, FAILED, CONGESTION, CANCEL");
        }
        String channel = f.get(5);
        String dstChannel = f.get(6);
        String uniqueId = f.size() != 16 && f.size() != 19 ? f.get(16) : "";
        return new CdrFields(
                f.get(1), f.get(2), route(dstChannel, f.get(3)),
                f.get(9), f.get(10), f.get(11), f.get(12), f.get(13),
                disposition.get(), f.get(0), uniqueId, channel + '>' + dstChannel);
    }

    /** {@code SIP/carrier-0000002a} and {@code PJSIP/carrier-00000001} become the trunk {@code SIP/carrier}. */
    static String route(String dstChannel, String context) {
        if (dstChannel.isEmpty()) {
            return context.isEmpty() ? "unknown" : context;
        }
        int dash = dstChannel.lastIndexOf('-');
        int slash = dstChannel.indexOf('/');
        if (dash > slash && dash > 0 && isHexOrDigits(dstChannel, dash + 1)) {
            return dstChannel.substring(0, dash);
        }
        return dstChannel;
    }

    private static boolean isHexOrDigits(String s, int from) {
        int end = s.indexOf(';', from);
        if (end < 0) {
            end = s.length();
        }
        if (end == from) {
            return false;
        }
        for (int i = from; i < end; i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }
}
