package io.sluice.core.cdr;

import com.dynatrace.hash4j.hashing.HashStream128;
import com.dynatrace.hash4j.hashing.HashValue128;
import com.dynatrace.hash4j.hashing.Hasher128;
import com.dynatrace.hash4j.hashing.Hashing;

/**
 * Builds the normalized record from checked fields (CDR-4) and gives it its de-duplication key (CDR-5).
 * The key hashes normalized values, so the same call written with different quoting, or as an unanswered
 * time written {@code ""} rather than bare, is still the same record.
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
                | Cdr.UNKNOWN_SUBSCRIBER;
        RecordKey key = key(f, t, caller, callee);
        return new Cdr(raw.source(), raw.line(), t, f.disposition(), caller, callee, f.route(), f.account(),
                f.uniqueId(), international, key, flags, SubscriberProfile.unknown(caller.text()));
    }

    static RecordKey key(CdrFields f, CallTimes t, NormalizedNumber caller, NormalizedNumber callee) {
        HashStream128 h = HASHER.hashStream();
        h.putLong(t.start()).putLong(t.answer()).putLong(t.end()).putInt(t.duration()).putInt(t.billsec())
                .putInt(f.disposition().ordinal())
                .putString(caller.text()).putString(callee.text()).putString(f.route())
                .putString(f.account()).putString(f.uniqueId()).putString(f.leg());
        HashValue128 v = h.get();
        return RecordKey.of(Math.floorDiv(t.start(), 86_400L), v.getMostSignificantBits(), v.getLeastSignificantBits());
    }
}
