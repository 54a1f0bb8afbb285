package io.sluice.core.cdr;

/**
 * What Sluice knows of a subscriber (CDR-6).
 *
 * @param msisdn      the subscriber's number in E.164
 * @param plan        tariff plan name
 * @param homeCountry ISO 3166 region of the subscriber's home network
 * @param status      account status ({@code active}, {@code suspended}, ...)
 */
public record SubscriberProfile(String msisdn, String plan, String homeCountry, String status) {

    /** Placeholder for a caller with no profile: kept and flagged, never dropped (CDR-6). */
    public static SubscriberProfile unknown(String msisdn) {
        return new SubscriberProfile(msisdn, "", "", "unknown");
    }
}
