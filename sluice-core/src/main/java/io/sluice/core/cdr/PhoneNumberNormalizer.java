package io.sluice.core.cdr;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.Locale;

/**
 * Numbers to E.164 with libphonenumber (CDR-4), behind a bounded cache: the same few hundred thousand
 * subscribers and destinations recur in every batch, and a libphonenumber parse costs microseconds.
 *
 * <p>A number is normalized when libphonenumber parses it in the default region and finds it a possible
 * number for its country (length check, not an allocation check, so test ranges such as 555 still
 * normalize). Anything else (extensions, short codes, text) is kept as written and flagged; that alone
 * never rejects a record.
 */
public final class PhoneNumberNormalizer {
    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

    private final String defaultRegion;
    private final int defaultCountryCode;
    private final Cache<String, NormalizedNumber> cache;

    public PhoneNumberNormalizer(String defaultRegion, long cacheSize) {
        String region = defaultRegion.toUpperCase(Locale.ROOT);
        int cc = UTIL.getCountryCodeForRegion(region);
        if (cc == 0) {
            throw new IllegalArgumentException("The default country '" + defaultRegion
                    + "' is invalid: use an ISO 3166 two-letter region such as US, DE or GB");
        }
        this.defaultRegion = region;
        this.defaultCountryCode = cc;
        this.cache = Caffeine.newBuilder().maximumSize(cacheSize).build();
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
        NormalizedNumber hit = cache.getIfPresent(raw);
        if (hit == null) {
            hit = compute(raw);
            cache.put(raw, hit);
        }
        return hit;
    }

    private NormalizedNumber compute(String raw) {
        if (raw.length() > 32 || !hasEnoughDigits(raw)) {
            return NormalizedNumber.asWritten(raw);
        }
        try {
            PhoneNumber number = UTIL.parse(raw, defaultRegion);
            if (!UTIL.isPossibleNumber(number)) {
                return NormalizedNumber.asWritten(raw);
            }
            String region = UTIL.getRegionCodeForNumber(number);
            return new NormalizedNumber(UTIL.format(number, PhoneNumberUtil.PhoneNumberFormat.E164), true,
                    number.getCountryCode(), region == null || "ZZ".equals(region) ? "" : region);
        } catch (NumberParseException e) {
            return NormalizedNumber.asWritten(raw);
        }
    }

    /** Extensions (3-4 digits) and text are not worth a parse. */
    private static boolean hasEnoughDigits(String raw) {
        int digits = 0;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c >= '0' && c <= '9') {
                digits++;
            } else if (Character.isLetter(c)) {
                return false;
            }
        }
        return digits >= 6;
    }
}
