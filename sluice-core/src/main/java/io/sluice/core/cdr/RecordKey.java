package io.sluice.core.cdr;

import java.util.HexFormat;

/**
 * A record's identity for de-duplication (CDR-5): a hash of the call's normalized content (times, numbers,
 * disposition, route, account, source id and leg), never the source's own id alone, because the legs of one
 * Asterisk call share a uniqueid (CDR-FORMATS.md).
 *
 * <p>The top {@value #DAY_BITS} bits of {@code hi} hold the call's UTC start day, the other 108 bits come
 * from a 128-bit hash: a duplicate always has the same day, so stores can look keys up by day range (time
 * ordered keys keep their indexes and zone maps tight), and the chance of two different calls of one day
 * colliding stays below 10^-14 even at a billion calls that day.
 */
public record RecordKey(long hi, long lo) {
    public static final int DAY_BITS = 20;
    private static final int DAY_SHIFT = 64 - DAY_BITS;

    /** A key for a call starting on {@code epochDay} (0 .. 2^20-1, i.e. until the year 4840) from hash bits. */
    public static RecordKey of(long epochDay, long hashHi, long hashLo) {
        return new RecordKey((epochDay << DAY_SHIFT) | (hashHi >>> DAY_BITS), hashLo);
    }

    /** The call's UTC start day, days since 1970-01-01. */
    public long epochDay() {
        return hi >>> DAY_SHIFT;
    }

    /** The smallest {@code hi} of any key of {@code epochDay}, for range lookups. */
    public static long minHi(long epochDay) {
        return epochDay << DAY_SHIFT;
    }

    // Written out: the record's generated equals and hashCode go through ObjectMethods and showed in profiles of
    // the de-duplication sets. lo is a hash already; hi's low bits are hash bits too.
    @Override
    public boolean equals(Object o) {
        return o instanceof RecordKey k && k.lo == lo && k.hi == hi;
    }

    @Override
    public int hashCode() {
        return (int) (lo ^ (lo >>> 32) ^ hi);
    }

    public String hex() {
        HexFormat hex = HexFormat.of();
        return hex.toHexDigits(hi) + hex.toHexDigits(lo);
    }
}
