package io.sluice.core.cdr;

import com.google.i18n.phonenumbers.NumberParseException;
import io.sluice.core.cache.GenerationalCache;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Numbers to E.164 with libphonenumber (CDR-4).
 *
 * <p>A number is normalized when it parses in the default region and libphonenumber holds it valid for its country
 * ({@code isValidNumber}: an allocated range, not only a plausible length; issue 16: {@code 190-590-0260} has no
 * area code 190 and is not E.164). Digits of any script (full-width {@code ３１２...}) are read as ASCII digits first.
 * Anything else (extensions, short codes, names, unallocated ranges) is kept as written and flagged; that alone
 * never rejects a record.
 *
 * <p>Destinations are many and mostly new, so a cache miss must be cheap: libphonenumber's {@code parse}
 * costs around ten microseconds, most of it regular expressions that clean free text. CDR numbers are
 * digits already, so the common shapes ({@code +CC...}, the default region's international prefix, its
 * national prefix, a national number) are split here and only checked with libphonenumber's metadata
 * (validity against the one region a number can belong to, {@code isValidNumberForRegion} on a built
 * {@link PhoneNumber}: NANP's 25 regions are told apart by area code, remembered per area code, instead of trying
 * every region's patterns). Whatever that fast path cannot place goes to
 * {@code parse}, behind a bounded cache; a test holds the two paths to the same answers. The fast path is
 * not cached: measured on 1M generated CDRs, a cache lookup in a map of a few hundred thousand numbers
 * (memory-bound) cost more than the fast path itself.
 */
public final class PhoneNumberNormalizer {
    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    private static final Set<Integer> CALLING_CODES = UTIL.getSupportedCallingCodes();

    private final String defaultRegion;
    private final int defaultCountryCode;
    private final String defaultCountryDigits;
    private final String internationalPrefix;
    private final String nationalPrefix;
    private final GenerationalCache<String, NormalizedNumber> cache;
    /** Validity verdicts of fast-path numbers by country code and national number ({@link #possible}). */
    private final java.util.concurrent.atomic.AtomicReferenceArray<Verdict> verdicts;
    /** NANP regions by area code: +1 covers 25 countries, and libphonenumber tells them apart by pattern matching. */
    private final Map<Integer, String> nanpRegions = new ConcurrentHashMap<>();
    private final Map<Integer, String> nationalPrefixes = new ConcurrentHashMap<>();

    public PhoneNumberNormalizer(String defaultRegion, long cacheSize) {
        String region = defaultRegion.toUpperCase(Locale.ROOT);
        int cc = UTIL.getSupportedRegions().contains(region) ? UTIL.getCountryCodeForRegion(region) : 0;
        if (cc == 0) {
            throw new IllegalArgumentException("The default country '" + defaultRegion
                    + "' is invalid: use an ISO 3166 two-letter region such as US, DE or GB");
        }
        this.defaultRegion = region;
        this.defaultCountryCode = cc;
        this.defaultCountryDigits = String.valueOf(cc);
        this.internationalPrefix = internationalPrefixOf(region);
        String ndd = UTIL.getNddPrefixForRegion(region, true);
        this.nationalPrefix = ndd == null ? "" : ndd;
        this.cache = new GenerationalCache<>(cacheSize);
        this.verdicts = new java.util.concurrent.atomic.AtomicReferenceArray<>(
                Integer.highestOneBit((int) Math.max(1024, Math.min(cacheSize, 1 << 22))) * 2);
    }

    /** The digits a caller in {@code region} dials before a foreign country code ("011" in the US, "00" in most of Europe). */
    private static String internationalPrefixOf(String region) {
        try {
            PhoneNumber foreign = UTIL.parse(region.equals("GB") ? "+33140000000" : "+442079460000", "ZZ");
            String dialled = UTIL.formatOutOfCountryCallingNumber(foreign, region).replaceAll("[^0-9]", "");
            String cc = String.valueOf(foreign.getCountryCode());
            int at = dialled.indexOf(cc);
            return at > 0 ? dialled.substring(0, at) : "";
        } catch (NumberParseException e) {
            throw new IllegalStateException("libphonenumber cannot parse its own example number", e);
        }
    }

    public String defaultRegion() {
        return defaultRegion;
    }

    public int defaultCountryCode() {
        return defaultCountryCode;
    }

    public NormalizedNumber normalize(String raw) {
        if (raw.isEmpty()) {
            return NormalizedNumber.asWritten(raw);
        }
        return compute(asciiDigits(raw));
    }

    /** {@code raw} with every decimal digit of another script (full-width, Arabic-Indic, ...) as its ASCII digit. */
    static String asciiDigits(String raw) {
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c > 0x7f && Character.isDigit(c)) {
                StringBuilder b = new StringBuilder(raw.length());
                for (int j = 0; j < raw.length(); j++) {
                    char d = raw.charAt(j);
                    b.append(d > 0x7f && Character.isDigit(d) ? (char) ('0' + Character.digit(d, 10)) : d);
                }
                return b.toString();
            }
        }
        return raw;
    }

    private NormalizedNumber compute(String raw) {
        if (raw.length() > 32) {
            return NormalizedNumber.asWritten(raw);
        }
        StringBuilder digits = new StringBuilder(20);
        boolean plus = false;
        boolean plain = true;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c >= '0' && c <= '9') {
                digits.append(c);
            } else if (c == '+' && digits.isEmpty() && !plus) {
                plus = true;
            } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')' && c != '/') {
                plain = false;
            }
        }
        if (digits.length() < 6) {
            return NormalizedNumber.asWritten(raw); // extensions and short codes
        }
        if (plain) {
            NormalizedNumber fast = fastPath(raw, digits.toString(), plus);
            if (fast != null) {
                return fast;
            }
        }
        NormalizedNumber hit = cache.get(raw);
        if (hit == null) {
            hit = reference(raw);
            cache.put(raw, hit);
        }
        return hit;
    }

    /**
     * The shapes where libphonenumber's parse has nothing left to decide: an explicit country code (after
     * {@code +} or the international prefix) followed by a national number that does not begin with that
     * country's national prefix, or a national number that begins with neither the national prefix, the
     * international prefix nor the default country code. Null sends the number to {@link #reference}.
     */
    private NormalizedNumber fastPath(String raw, String digits, boolean plus) {
        if (plus) {
            return international(raw, digits);
        }
        if (!internationalPrefix.isEmpty() && digits.startsWith(internationalPrefix)) {
            return international(raw, digits.substring(internationalPrefix.length()));
        }
        if (digits.startsWith(nationalPrefix) || digits.startsWith(defaultCountryDigits)
                || digits.charAt(0) == '0') {
            return null;
        }
        return possible(raw, defaultCountryCode, digits);
    }

    private NormalizedNumber international(String raw, String digits) {
        if (digits.isEmpty() || digits.charAt(0) == '0') {
            return null;
        }
        for (int len = 1; len <= 3 && len < digits.length(); len++) {
            int cc = Integer.parseInt(digits, 0, len, 10);
            if (CALLING_CODES.contains(cc)) {
                String nsn = digits.substring(len);
                String ndd = nddOf(cc);
                if (nsn.charAt(0) == '0' || !ndd.isEmpty() && nsn.startsWith(ndd)) {
                    return null; // libphonenumber may strip a national prefix written after the country code
                }
                return possible(raw, cc, nsn);
            }
        }
        return null;
    }

    private String nddOf(int cc) {
        return nationalPrefixes.computeIfAbsent(cc, c -> {
            String ndd = UTIL.getNddPrefixForRegion(UTIL.getRegionCodeForCountryCode(c), true);
            return ndd == null ? "" : ndd;
        });
    }

    private NormalizedNumber possible(String raw, int cc, String nsn) {
        if (nsn.length() < 7 || nsn.length() > 17) {
            return null; // short numbers may carry regional rewrite rules (Norfolk Island's leading 3): let parse decide
        }
        long national = Long.parseLong(nsn);
        // cc and national number as one key: E.164 has at most 15 digits, so up to 15 national digits fit beside cc.
        long key = nsn.length() <= 15 ? cc * 1_000_000_000_000_000L / 1000 + national : -1;
        Verdict known = key < 0 ? null : verdicts.get(slot(key));
        if (known != null && known.key == key) {
            return known.number; // null when not valid: the reference path says so too, and its answer is cached
        }
        PhoneNumber number = new PhoneNumber().setCountryCode(cc).setNationalNumber(national);
        String region = UTIL.isPossibleNumber(number) ? validRegion(cc, nsn, number) : null;
        NormalizedNumber result = region == null ? null : new NormalizedNumber("+" + cc + nsn, true, cc, region);
        if (key >= 0) {
            verdicts.set(slot(key), new Verdict(key, result));
        }
        return result;
    }

    /**
     * A number's validity, remembered: libphonenumber's pattern match costs about a microsecond a number (measured,
     * docs/benchmarks.md, issue 16), and CDRs repeat their numbers (callers are subscribers). One immutable entry per slot
     * of a direct-mapped table: a slot's entry is replaced whole, so a reader on another thread sees an old entry or a new
     * one, never half of each; a collision costs one more check, never a wrong answer (the key is compared). The entry
     * holds the normalized number itself (null when not valid), so a hit builds no E.164 text again (issue 23).
     */
    private record Verdict(long key, NormalizedNumber number) {
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 40) & (verdicts.length() - 1);
    }

    /**
     * The region of a valid number ("" for a non-geographic one, +800 freephone), or null when libphonenumber does not
     * hold it valid. Checks the patterns of the one region it can belong to, not of every region of its country code.
     */
    private String validRegion(int cc, String nsn, PhoneNumber number) {
        List<String> regions = UTIL.getRegionCodesForCountryCode(cc);
        if (regions.size() == 1) {
            String only = regions.get(0);
            if ("001".equals(only)) {
                return UTIL.isValidNumber(number) ? "" : null;
            }
            return UTIL.isValidNumberForRegion(number, only) ? only : null;
        }
        if (cc == 1 && nsn.length() == 10) {
            int area = Integer.parseInt(nsn, 0, 3, 10);
            String known = nanpRegions.get(area);
            if (known != null) {
                return UTIL.isValidNumberForRegion(number, known) ? known : null;
            }
            // getRegionCodeForNumber may name a region by leading digits alone: validate against it before trusting it.
            String region = UTIL.getRegionCodeForNumber(number);
            if (region == null || "ZZ".equals(region) || !UTIL.isValidNumberForRegion(number, region)) {
                return null;
            }
            nanpRegions.put(area, region); // an area code belongs to one NANP country
            return region;
        }
        String region = UTIL.getRegionCodeForNumber(number);
        if (region == null || "ZZ".equals(region) || !UTIL.isValidNumberForRegion(number, region)) {
            return null;
        }
        return "001".equals(region) ? "" : region;
    }

    private static String regionOf(PhoneNumber number) {
        String region = UTIL.getRegionCodeForNumber(number);
        if (region == null || "ZZ".equals(region) || "001".equals(region)) {
            // Not assigned to one region by its pattern: say its country's main region rather than nothing.
            String main = UTIL.getRegionCodeForCountryCode(number.getCountryCode());
            return "ZZ".equals(main) || "001".equals(main) ? "" : main;
        }
        return region;
    }

    /** libphonenumber's own parse: the reference the fast path must agree with, and the path for everything else. */
    NormalizedNumber reference(String raw) {
        try {
            PhoneNumber number = UTIL.parse(raw, defaultRegion);
            if (!UTIL.isValidNumber(number)) {
                return NormalizedNumber.asWritten(raw);
            }
            String e164 = UTIL.format(number, PhoneNumberUtil.PhoneNumberFormat.E164);
            return new NormalizedNumber(e164, true, number.getCountryCode(), regionOf(number));
        } catch (NumberParseException e) {
            return NormalizedNumber.asWritten(raw);
        }
    }
}
