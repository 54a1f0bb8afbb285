package io.sluice.core.pipeline;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** Builds Asterisk cdr_csv records (18 columns, loguniqueid + loguserfield) the way cdr_csv.c writes them. */
final class AsteriskLines {
    static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private AsteriskLines() {
    }

    static String line(String src, String dst, String start, String answer, String end, String duration, String billsec,
                       String disposition, String uniqueId) {
        return String.join(",",
                q("acme"), q(src), q(dst), q("from-internal"), q("\"Test Caller\" <" + src + ">"),
                q("SIP/alice-00000001"), q("SIP/carrier-0000002a"), q("Dial"), q("SIP/carrier/" + dst + ",30"),
                q(start), answer.isEmpty() ? "" : q(answer), q(end), duration, billsec, q(disposition),
                q("DOCUMENTATION"), q(uniqueId), q(""));
    }

    static String answered(String src, String dst, LocalDateTime start, int ring, int talk, String uniqueId) {
        return line(src, dst, STAMP.format(start), STAMP.format(start.plusSeconds(ring)),
                STAMP.format(start.plusSeconds(ring + talk)), Integer.toString(ring + talk), Integer.toString(talk),
                "ANSWERED", uniqueId);
    }

    static String unanswered(String src, String dst, LocalDateTime start, int ring, String disposition, String uniqueId) {
        return line(src, dst, STAMP.format(start), "", STAMP.format(start.plusSeconds(ring)), Integer.toString(ring), "0",
                disposition, uniqueId);
    }

    /** append_string: wrap in quotes, double embedded quotes. */
    static String q(String value) {
        return '"' + value.replace("\"", "\"\"") + '"';
    }
}
