package io.sluice.core.cdr;

import com.dynatrace.hash4j.hashing.HashValue128;
import com.dynatrace.hash4j.hashing.Hasher128;
import com.dynatrace.hash4j.hashing.Hashing;

/**
 * Builds the normalized record from checked fields (CDR-4) and gives it its de-duplication key (CDR-5).
 * The key hashes the fields as written (see {@link #key}), so the same call written with different quoting or
 * line endings is still the same record, and settings such as the source zone cannot make it a new one.
 */
public final class CdrNormalizer {
    private static final Hasher128 HASHER = Hashing.xxh3_128();

    private final PhoneNumberNormalizer numbers;

    public CdrNormalizer(PhoneNumberNormalizer numbers) {
        this.numbers = numbers;
    }

    public Cdr normalize(RawRecord raw, CdrFields f, CallTimes t) {
        String callerText = f.caller().trim();
        boolean withheld = callerText.isEmpty() || callerText.equalsIgnoreCase("anonymous");
        // Every way of withholding ("", "anonymous") is one subscriber: the empty one.
        NormalizedNumber caller = withheld ? NormalizedNumber.asWritten("") : numbers.normalize(callerText);
        NormalizedNumber callee = numbers.normalize(f.callee().trim());
        int homeCountry = caller.e164() ? caller.countryCode() : numbers.defaultCountryCode();
        boolean international = callee.e164() && callee.countryCode() != homeCountry;
        int flags = (withheld ? Cdr.CALLER_WITHHELD : 0)
                | (!withheld && !caller.e164() ? Cdr.CALLER_NOT_E164 : 0)
                | (!callee.e164() ? Cdr.CALLEE_NOT_E164 : 0)
                | (t.ambiguous() ? Cdr.TIME_AMBIGUOUS : 0)
                | Cdr.UNKNOWN_SUBSCRIBER;
        RecordKey key = key(f, t);
        return new Cdr(raw.source(), raw.line(), t, f.disposition(), caller, callee, f.route(), f.account(),
                f.uniqueId(), international, key, flags, SubscriberProfile.unknown(caller.text()));
    }

    /**
     * A record's identity (CDR-5): its fields as written, folded only where folding cannot change what the record
     * means (surrounding whitespace, Unicode digits to ASCII; line endings and a byte order mark never reach the
     * fields). Nothing taken from settings enters it: the same source read again with another source zone or
     * default country finds its records already there. The day bits are the start date as written (the UTC day of
     * an epoch or offset time), so they do not move with the zone either.
     */
    static RecordKey key(CdrFields f, CallTimes t) {
        // The bytes hash4j's stream would take from putString (each char little-endian, then the length as an int) and
        // putInt, laid out here and hashed in one call: the same 128 bits (RecordKeyStabilityTest), about a fifth of
        // the time of twelve streamed strings (issue 23: the key was the costliest step of normalization).
        String[] parts = {fold(f.start()), fold(f.answer()), fold(f.end()), fold(f.duration()), fold(f.billsec()), null,
            fold(f.caller()), fold(f.callee()), fold(f.route()), fold(f.account()), fold(f.uniqueId()), fold(f.leg())};
        int size = 4;
        for (String p : parts) {
            size += p == null ? 0 : 2 * p.length() + 4;
        }
        byte[] b = new byte[size];
        int at = 0;
        for (String p : parts) {
            if (p == null) {
                at = putInt(b, at, f.disposition().ordinal());
                continue;
            }
            int n = p.length();
            for (int i = 0; i < n; i++) {
                char c = p.charAt(i);
                b[at++] = (byte) c;
                b[at++] = (byte) (c >>> 8);
            }
            at = putInt(b, at, n);
        }
        HashValue128 v = HASHER.hashBytesTo128Bits(b);
        return RecordKey.of(writtenDay(f.start(), t.start()), v.getMostSignificantBits(), v.getLeastSignificantBits());
    }

    private static int putInt(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
        b[at + 2] = (byte) (v >>> 16);
        b[at + 3] = (byte) (v >>> 24);
        return at + 4;
    }

    /** Surrounding whitespace dropped and every Unicode decimal digit written as its ASCII digit. */
    static String fold(String s) {
        String t = s.strip();
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c > 0x7f && Character.isDigit(c)) {
                StringBuilder b = new StringBuilder(t.length());
                for (int j = 0; j < t.length(); j++) {
                    char d = t.charAt(j);
                    b.append(d > 0x7f && Character.isDigit(d) ? (char) ('0' + Character.digit(d, 10)) : d);
                }
                return b.toString();
            }
        }
        return t;
    }

    /** The epoch day of a start written as yyyy-MM-dd..., else the UTC day of the start (an epoch or offset time). */
    private static long writtenDay(String start, long startEpochSeconds) {
        String s = start.strip();
        if (s.length() >= 10 && s.charAt(4) == '-' && s.charAt(7) == '-') {
            try {
                return java.time.LocalDate.of(Integer.parseInt(s, 0, 4, 10), Integer.parseInt(s, 5, 7, 10),
                        Integer.parseInt(s, 8, 10, 10)).toEpochDay();
            } catch (RuntimeException e) {
                // not a date after all: the start's UTC day
            }
        }
        return Math.floorDiv(startEpochSeconds, 86_400L);
    }
}
