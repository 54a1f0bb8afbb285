package io.sluice.core.cdr;

import java.util.HexFormat;

/**
 * A record's identity for de-duplication (CDR-5): a 128-bit hash of the call's normalized content (times,
 * numbers, disposition, route, account, source id and leg), never the source's own id alone, because the
 * legs of one Asterisk call share a uniqueid (CDR-FORMATS.md). 128 bits keep the chance of two different
 * records colliding below 10^-20 at a billion records.
 */
public record RecordKey(long hi, long lo) {

    public String hex() {
        HexFormat hex = HexFormat.of();
        return hex.toHexDigits(hi) + hex.toHexDigits(lo);
    }
}
