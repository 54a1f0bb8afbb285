package io.sluice.local.migrate;

import io.sluice.core.cdr.NormalizedNumber;
import io.sluice.core.cdr.PhoneNumberNormalizer;
import io.sluice.core.cdr.SubscriberProfile;
import java.util.Locale;

/**
 * What a source row makes: a profile, normalized as CDR numbers are so it matches the calls it belongs to, or the
 * reason it cannot be one (CDR-6, MIG-1). The rules of {@code sluice profiles import}, applied to one row.
 */
public final class ProfileRows {
    private final PhoneNumberNormalizer numbers;

    public ProfileRows(PhoneNumberNormalizer numbers) {
        this.numbers = numbers;
    }

    /** A profile, or the reason this row is none. */
    public record Outcome(SubscriberProfile profile, String reason) {
    }

    public Outcome of(MigrationSource.Row row) {
        if (row.key() == null) {
            return new Outcome(null, "missing key: the key column is NULL");
        }
        String raw = row.fields().get("msisdn");
        if (raw == null || raw.isBlank()) {
            return new Outcome(null, "missing msisdn");
        }
        NormalizedNumber n = numbers.normalize(raw.strip());
        if (!n.e164()) {
            return new Outcome(null, "msisdn '" + raw.strip() + "' is not a phone number");
        }
        String plan = text(row.fields().get("plan"));
        if (plan.isEmpty()) {
            return new Outcome(null, "plan is empty");
        }
        String home = text(row.fields().get("home_country")).toUpperCase(Locale.ROOT);
        if (!home.matches("[A-Z]{2}")) {
            return new Outcome(null, "home_country '" + home + "' is not a two-letter country");
        }
        String status = text(row.fields().get("status")).toLowerCase(Locale.ROOT);
        if (status.isEmpty()) {
            status = SubscriberProfile.ACTIVE;
        }
        if (!SubscriberProfile.STATUSES.contains(status)) {
            return new Outcome(null, "unknown status '" + status + "' (" + String.join(", ", SubscriberProfile.STATUSES) + ")");
        }
        return new Outcome(new SubscriberProfile(n.text(), plan, home, status), null);
    }

    private static String text(String s) {
        return s == null ? "" : s.strip();
    }
}
