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
    public static final String ACTIVE = "active";
    /** The statuses a profile may have (a profile read without one is {@link #ACTIVE}); {@code unknown} marks no profile. */
    public static final java.util.Set<String> STATUSES = java.util.Collections.unmodifiableSet(
            new java.util.LinkedHashSet<>(java.util.List.of(ACTIVE, "suspended", "barred")));

    /** Placeholder for a caller with no profile: kept and flagged, never dropped (CDR-6). */
    public static SubscriberProfile unknown(String msisdn) {
        return new SubscriberProfile(msisdn, "", "", "unknown");
    }
}
