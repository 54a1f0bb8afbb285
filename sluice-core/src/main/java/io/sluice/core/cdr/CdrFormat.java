package io.sluice.core.cdr;

import java.util.Locale;

/** The input formats Sluice reads (CDR-2). */
public enum CdrFormat {
    /** Asterisk {@code cdr_csv} Master.csv: 16 columns, plus uniqueid, userfield and the post-1.8 columns when configured. */
    ASTERISK,
    /** FreeSWITCH {@code mod_cdr_csv} with its {@code default} (13 fields) or vanilla {@code example} (15 fields) template. */
    FREESWITCH,
    /** Sluice's own JSON-lines schema, one object per line. */
    JSONL;

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True where a record may span lines inside quotes (RFC 4180); FreeSWITCH does no escaping, so its records end at LF. */
    public boolean quotedNewlines() {
        return this == ASTERISK;
    }
}
