package io.sluice.core.pipeline.contract;

/** Asterisk cdr_csv lines for tests of every module (the core's test jar): 18 columns, as cdr_csv.c writes them. */
public final class CdrLines {
    private CdrLines() {
    }

    /** Call {@code i}: distinct callers, callees and uniqueids for distinct {@code i}; answered, 60 s, 50 billed. */
    public static String asterisk(int i) {
        return String.join(",", q("acme"), q("4155550" + (100 + i)), q("4155551" + (100 + i)), q("from-internal"),
                q("\"Ann\" <4155550100>"), q("SIP/alice-0000000" + i), q("SIP/carrier-0000002a"), q("Dial"),
                q("SIP/carrier/4155551100,30"), q("2024-01-15 10:00:0" + (i % 10)), q("2024-01-15 10:00:1" + (i % 10)),
                q("2024-01-15 10:01:0" + (i % 10)), "60", "50", q("ANSWERED"), q("DOCUMENTATION"), q("1705312800." + i), q(""));
    }

    /** append_string: wrap in quotes, double embedded quotes. */
    public static String q(String v) {
        return '"' + v.replace("\"", "\"\"") + '"';
    }
}
