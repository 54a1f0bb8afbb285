package io.sluice.core.cdr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import com.dynatrace.hash4j.hashing.HashStream128;
import com.dynatrace.hash4j.hashing.HashValue128;
import com.dynatrace.hash4j.hashing.Hashing;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A record's key may never change between versions (CDR-5): stores keep the marks of every call they took, and a file
 * taken again after an upgrade must find its records already there. The keys below were computed by the version that
 * introduced this test (before issue 23 changed how the key is hashed, not what it hashes); a change to the key's
 * derivation fails here instead of double-counting a user's data.
 */
class RecordKeyStabilityTest {
    private static final List<String[]> GOLDEN = List.of(
            new String[] {"\"acct49640\",\"2146826131\",\"4044341232\",\"from-internal\",\"2146826131\",\"PJSIP/2146826131-00000000\","
                    + "\"SIP/carrier-b-00000001\",\"Dial\",\"SIP/carrier-b/4044341232,60,tT\",\"2026-10-22 00:00:47\",,\"2026-10-22 00:01:23\","
                    + "36,0,\"NO ANSWER\",\"DOCUMENTATION\",\"1792627247.0\",\"\"", "0510c62a401dcb07cec5db1c9ceca948"},
            new String[] {"\"\",\"9174610530\",\"2128920844\",\"from-internal\",\"\"\"Lisa King\"\" <9174610530>\",\"PJSIP/9174610530-00000002\","
                    + "\"SIP/carrier-b-00000003\",\"Dial\",\"SIP/carrier-b/2128920844,60,tT\",\"2026-10-22 00:00:37\",\"2026-10-22 00:01:01\","
                    + "\"2026-10-22 00:04:32\",235,211,\"ANSWERED\",\"DOCUMENTATION\",\"1792627237.1\",\"\"", "0510c1ba1741979e2e00d4c922de3636"},
            // Unicode digits and surrounding blanks fold to the same key as their plain form would.
            new String[] {"\"acct1\",\" +49 30 1234567 \",\"０３０１２３４５６７\",\"from-internal\",\"\",\"PJSIP/a-1\",\"SIP/b-2\",\"Dial\","
                    + "\"SIP/trunk/0301234567\",\"1800000000\",\"1800000005\",\"1800000065\",65,60,\"ANSWERED\",\"BILLING\",\"1800000000.7\",\"\"",
                    "05161a37fd34de958dae7821e10f15d8"});

    /** The key as the first versions streamed it into hash4j: the reference the one-shot hash must equal. */
    private static RecordKey streamedKey(CdrFields f, CallTimes t) {
        HashStream128 h = Hashing.xxh3_128().hashStream();
        h.putString(CdrNormalizer.fold(f.start())).putString(CdrNormalizer.fold(f.answer())).putString(CdrNormalizer.fold(f.end()))
                .putString(CdrNormalizer.fold(f.duration())).putString(CdrNormalizer.fold(f.billsec()))
                .putInt(f.disposition().ordinal())
                .putString(CdrNormalizer.fold(f.caller())).putString(CdrNormalizer.fold(f.callee())).putString(CdrNormalizer.fold(f.route()))
                .putString(CdrNormalizer.fold(f.account())).putString(CdrNormalizer.fold(f.uniqueId())).putString(CdrNormalizer.fold(f.leg()));
        HashValue128 v = h.get();
        return RecordKey.of(CdrNormalizer.key(f, t).epochDay(), v.getMostSignificantBits(), v.getLeastSignificantBits());
    }

    @Test
    void theOneShotHashEqualsTheStreamedOneOnAnyFields() {
        Random r = new Random(7);
        String[] pieces = {"", " ", "0", "12", "+4930123456", "２０２６", "ANSWERED", "\u00e9t\u00e9", "\"q\"", "\u0661\u0662", "\t x \t",
            "SIP/carrier-b/4044341232,60,tT", "x".repeat(3000), "\u4e2d\u6587"};
        CdrValidator validator = new CdrValidator(ZoneOffset.UTC);
        String line = GOLDEN.get(1)[0];
        RawRecord raw = RawRecord.of("golden.csv", 1, line.getBytes(StandardCharsets.UTF_8));
        CdrFields base = (CdrFields) CdrParser.of(CdrFormat.ASTERISK).parse(raw, line);
        CallTimes t = (CallTimes) validator.validate(raw, base);
        for (int i = 0; i < 2_000; i++) {
            String[] v = new String[12];
            for (int j = 0; j < v.length; j++) {
                v[j] = pieces[r.nextInt(pieces.length)] + (r.nextBoolean() ? "" : pieces[r.nextInt(pieces.length)]);
            }
            CdrFields f = new CdrFields(v[0], v[1], v[2], base.start(), v[3], v[4], v[5], v[6], base.disposition(), v[7], v[8], v[9]);
            assertEquals(streamedKey(f, t), CdrNormalizer.key(f, t), "fields " + String.join("|", v));
        }
    }

    @Test
    void keysOfKnownRecordsNeverChange() {
        CdrValidator validator = new CdrValidator(ZoneOffset.UTC);
        for (String[] g : GOLDEN) {
            RawRecord raw = RawRecord.of("golden.csv", 1, g[0].getBytes(StandardCharsets.UTF_8));
            CdrFields f = (CdrFields) CdrParser.of(CdrFormat.ASTERISK).parse(raw, g[0]);
            CallTimes t = (CallTimes) validator.validate(raw, f);
            assertEquals(g[1], CdrNormalizer.key(f, t).hex(), "the key of " + g[0]);
        }
    }
}
