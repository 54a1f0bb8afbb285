package io.sluice.core.pipeline;

import io.sluice.core.cache.GenerationalCache;
import io.sluice.core.cdr.SubscriberProfile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A bounded, expiring cache in front of any {@link ProfileStore} (CDR-6): the same subscribers call all day,
 * and a lookup per batch per subscriber would cost a round trip each time. Misses are cached too, so unknown
 * subscribers do not hit the store on every batch; the TTL bounds how stale a profile can look (at most twice it).
 */
public final class CachingProfileStore implements ProfileStore {
    private final ProfileStore delegate;
    private final GenerationalCache<String, Optional<SubscriberProfile>> cache;

    public CachingProfileStore(ProfileStore delegate, long maxEntries, Duration ttl) {
        this.delegate = delegate;
        this.cache = new GenerationalCache<>(maxEntries, ttl);
    }

    @Override
    public Map<String, SubscriberProfile> findAll(Collection<String> msisdns) {
        Map<String, SubscriberProfile> found = new HashMap<>();
        List<String> missing = new ArrayList<>();
        for (String m : msisdns) {
            Optional<SubscriberProfile> hit = cache.get(m);
            if (hit == null) {
                missing.add(m);
            } else {
                hit.ifPresent(p -> found.put(m, p));
            }
        }
        if (!missing.isEmpty()) {
            Map<String, SubscriberProfile> loaded = delegate.findAll(missing);
            for (String m : missing) {
                SubscriberProfile p = loaded.get(m);
                cache.put(m, Optional.ofNullable(p));
                if (p != null) {
                    found.put(m, p);
                }
            }
        }
        return found;
    }

    /** Forget everything, e.g. after a profile import. */
    public void invalidateAll() {
        cache.clear();
    }
}
