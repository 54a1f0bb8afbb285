package io.sluice.core.cdr;

/**
 * A phone number after normalization (CDR-4).
 *
 * @param text        E.164 ({@code +4930123456}) when {@code e164}, otherwise the number exactly as written
 * @param e164        whether the number could be normalized; extensions and short codes cannot, and are kept
 * @param countryCode the E.164 country calling code, 0 when not normalized
 * @param region      ISO 3166 region of the number ({@code "DE"}), {@code ""} when unknown or non-geographic
 */
public record NormalizedNumber(String text, boolean e164, int countryCode, String region) {

    public static NormalizedNumber asWritten(String text) {
        return new NormalizedNumber(text, false, 0, "");
    }
}
