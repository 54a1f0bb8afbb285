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
                f.get(1), f.get(2), route(dstChannel, f.get(7), f.get(8)),
                f.get(9), f.get(10), f.get(11), f.get(12), f.get(13),
                disposition.get(), f.get(0), uniqueId, channel + '>' + dstChannel);
    }

    /** The route of a call that never left on a trunk: shown apart, never mixed into a trunk's figures (issue 16). */
    public static final String NOT_DIALED_OUT = "(not dialed out)";

    /**
     * A call's route is the trunk it left on (CDR-7, issue 16): the destination channel's trunk; else, for a call
     * that failed before an outgoing channel existed (CONGESTION, FAILED: an empty {@code dstchannel}), the target
     * of its {@code Dial} ({@code lastdata}); else {@link #NOT_DIALED_OUT}. The dialplan context is not a route:
     * filing failed calls under {@code from-internal} made a failing trunk read near 100 % ASR.
     */
    static String route(String dstChannel, String lastApp, String lastData) {
        if (!dstChannel.isEmpty()) {
            return trunk(dstChannel);
        }
        if (lastApp.equalsIgnoreCase("Dial") && !lastData.isBlank()) {
            String target = dialTarget(lastData);
            if (target != null) {
                return target;
            }
        }
        return NOT_DIALED_OUT;
    }

    /**
     * The trunk of a Dial's first target: {@code SIP/carrier/0044...} (chan_sip) and {@code IAX2/user:secret@carrier/...}
     * give {@code SIP/carrier}, {@code IAX2/carrier}; {@code PJSIP/0044...@carrier} gives {@code PJSIP/carrier};
     * {@code DAHDI/g1/...} gives {@code DAHDI/g1}; options after the first comma and targets after the first
     * {@code &} are ignored. Null when the data names no technology.
     */
    static String dialTarget(String lastData) {
        String first = lastData.split(",", 2)[0].split("&", 2)[0].strip();
        int slash = first.indexOf('/');
        if (slash <= 0 || slash == first.length() - 1) {
            return null;
        }
        String tech = first.substring(0, slash);
        String rest = first.substring(slash + 1);
        if (tech.equalsIgnoreCase("PJSIP")) {
            int at = rest.lastIndexOf('@');
            String endpoint = at >= 0 ? rest.substring(at + 1) : rest;
            int s2 = endpoint.indexOf('/');
            endpoint = s2 >= 0 ? endpoint.substring(0, s2) : endpoint;
            return endpoint.isEmpty() ? null : tech + "/" + endpoint;
        }
        int s2 = rest.indexOf('/');
        String resource = s2 >= 0 ? rest.substring(0, s2) : rest;
        int at = resource.lastIndexOf('@'); // IAX2/user:secret@peer
        if (at >= 0) {
            resource = resource.substring(at + 1);
        }
        return resource.isEmpty() ? null : tech + "/" + resource;
    }

    /** {@code SIP/carrier-0000002a} and {@code PJSIP/carrier-00000001} become the trunk {@code SIP/carrier}. */
    private static String trunk(String dstChannel) {
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
