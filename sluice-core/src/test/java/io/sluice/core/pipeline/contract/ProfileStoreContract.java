package io.sluice.core.pipeline.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.cdr.SubscriberProfile;
import io.sluice.core.pipeline.ProfileStore;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What every {@link ProfileStore} adapter must do (CDR-6). Extend it once per adapter. */
public abstract class ProfileStoreContract {

    /** A store holding exactly these profiles. */
    protected abstract ProfileStore storeWith(List<SubscriberProfile> profiles);

    @Test
    void findsKnownAndOmitsUnknownSubscribers() {
        SubscriberProfile a = new SubscriberProfile("+12125550100", "gold", "US", "active");
        SubscriberProfile b = new SubscriberProfile("+442071234567", "basic", "GB", "suspended");
        ProfileStore s = storeWith(List.of(a, b));
        Map<String, SubscriberProfile> found = s.findAll(List.of("+12125550100", "+19999999999", "+442071234567"));
        assertThat(found).containsOnly(Map.entry(a.msisdn(), a), Map.entry(b.msisdn(), b));
    }

    @Test
    void emptyLookupFindsNothing() {
        ProfileStore s = storeWith(List.of(new SubscriberProfile("+12125550100", "gold", "US", "active")));
        assertThat(s.findAll(List.of())).isEmpty();
    }
}
