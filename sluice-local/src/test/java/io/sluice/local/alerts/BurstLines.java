package io.sluice.local.alerts;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** Asterisk cdr_csv lines for the fraud rules' tests: one answered call each, and an international burst. */
public final class BurstLines {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private BurstLines() {
    }

    private static String q(String v) {
        return '"' + v + '"';
    }

    /** An answered call of {@code talk} seconds (3 s of ringing first). */
    public static String answered(String src, String dst, LocalDateTime start, int talk, String id) {
        return String.join(",", q("acme"), q(src), q(dst), q("from-internal"), q(src), q("SIP/a-1"), q("SIP/carrier-2"), q("Dial"),
                q("SIP/carrier/" + dst), q(STAMP.format(start)), q(STAMP.format(start.plusSeconds(3))),
                q(STAMP.format(start.plusSeconds(3 + talk))), Integer.toString(3 + talk), Integer.toString(talk), q("ANSWERED"),
                q("DOCUMENTATION"), q(id), q(""));
    }

    /** {@code n} calls to London two minutes apart from {@code caller}, then five domestic ones of others; LF-terminated. */
    public static String burst(String caller, int n, LocalDateTime from, String idPrefix) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(answered(caller, "+44207946" + String.format("%04d", i), from.plusMinutes(2L * i), 90, idPrefix + ".b" + i)).append('\n');
        }
        for (int i = 0; i < 5; i++) {
            b.append(answered("+1212555" + (3000 + i), "+12125550" + (200 + i), from.plusMinutes(i), 60, idPrefix + ".d" + i)).append('\n');
        }
        return b.toString();
    }
}
