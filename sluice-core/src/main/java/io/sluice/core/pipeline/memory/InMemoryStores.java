package io.sluice.core.pipeline.memory;

import io.sluice.core.cdr.Cdr;
import io.sluice.core.cdr.RecordKey;
import io.sluice.core.cdr.Rejection;
import io.sluice.core.cdr.SubscriberProfile;
import io.sluice.core.pipeline.Archive;
import io.sluice.core.pipeline.BatchId;
import io.sluice.core.pipeline.DeadLetters;
import io.sluice.core.pipeline.DedupStore;
import io.sluice.core.pipeline.ProfileStore;
import io.sluice.core.pipeline.RecordLedger;
import io.sluice.core.pipeline.UsageAggregator;
import io.sluice.core.pipeline.UsageDelta;
import io.sluice.core.pipeline.UsageDelta.RouteCounters;
import io.sluice.core.pipeline.UsageDelta.RouteHour;
import io.sluice.core.pipeline.UsageDelta.SubscriberDay;
import io.sluice.core.pipeline.UsageDelta.UsageCounters;
import io.sluice.core.pipeline.UsageStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * In-memory adapters of every CDR port, with the same semantics as the real ones: for tests, benchmarks of
 * the core's own cost, and as the reference the port contract suites are written against. Not bounded:
 * never used for real traffic.
 */
public final class InMemoryStores implements ProfileStore, DedupStore, UsageStore, Archive, DeadLetters, RecordLedger {
    private final Map<String, SubscriberProfile> profiles = new HashMap<>();
    private final Map<RecordKey, BatchId> seen = new HashMap<>();
    private final Set<BatchId> appliedBatches = new HashSet<>();
    private final Set<BatchId> archivedBatches = new HashSet<>();
    private final Set<BatchId> deadLetterBatches = new HashSet<>();
    private final Map<SubscriberDay, UsageCounters> usage = new HashMap<>();
    private final Map<RouteHour, RouteCounters> routes = new HashMap<>();
    private final List<Cdr> archived = new ArrayList<>();
    private final List<Rejection> deadLetters = new ArrayList<>();
    private final boolean keepRecords;

    /** @param keepRecords false to count archive and dead-letter appends without holding the records (benchmarks) */
    public InMemoryStores(boolean keepRecords) {
        this.keepRecords = keepRecords;
    }

    public InMemoryStores() {
        this(true);
    }

    /** Forgets every mark, counter, archived record and dead letter; profiles stay (a benchmark's next batch). */
    public synchronized void clearState() {
        seen.clear();
        appliedBatches.clear();
        archivedBatches.clear();
        deadLetterBatches.clear();
        usage.clear();
        routes.clear();
        archived.clear();
        deadLetters.clear();
    }

    public void putProfile(SubscriberProfile p) {
        profiles.put(p.msisdn(), p);
    }

    @Override
    public synchronized Map<String, SubscriberProfile> findAll(Collection<String> msisdns) {
        Map<String, SubscriberProfile> found = new HashMap<>();
        for (String m : msisdns) {
            SubscriberProfile p = profiles.get(m);
            if (p != null) {
                found.put(m, p);
            }
        }
        return found;
    }

    @Override
    public synchronized Set<RecordKey> claimedByOthers(BatchId batch, Collection<RecordKey> keys) {
        Set<RecordKey> taken = new HashSet<>();
        for (RecordKey k : keys) {
            BatchId owner = seen.get(k);
            if (owner != null && !owner.equals(batch)) {
                taken.add(k);
            }
        }
        return taken;
    }

    @Override
    public synchronized Set<RecordKey> claimAndCount(BatchId batch, List<Cdr> accepted, Collection<RecordKey> rejected) {
        Set<RecordKey> owned = new HashSet<>();
        List<Cdr> counted = new ArrayList<>();
        for (Cdr c : accepted) {
            BatchId owner = seen.putIfAbsent(c.key(), batch);
            if (owner == null) {
                counted.add(c);
            }
            if (owner == null || owner.equals(batch)) {
                owned.add(c.key());
            }
        }
        owned.addAll(claim(batch, rejected));
        addCounters(new UsageAggregator().aggregate(counted));
        return owned;
    }

    @Override
    public synchronized Set<RecordKey> claim(BatchId batch, Collection<RecordKey> keys) {
        Set<RecordKey> owned = new HashSet<>();
        for (RecordKey k : keys) {
            BatchId owner = seen.putIfAbsent(k, batch);
            if (owner == null || owner.equals(batch)) {
                owned.add(k);
            }
        }
        return owned;
    }

    @Override
    public synchronized void apply(BatchId batch, UsageDelta delta) {
        if (!appliedBatches.add(batch)) {
            return;
        }
        addCounters(delta);
    }

    private void addCounters(UsageDelta delta) {
        delta.usage().forEach((k, v) -> usage.computeIfAbsent(k, x -> new UsageCounters()).add(v));
        delta.routes().forEach((k, v) -> routes.computeIfAbsent(k, x -> new RouteCounters()).add(v));
    }

    private long archivedCount;
    private long deadLetterCount;

    @Override
    public synchronized void append(BatchId batch, List<Cdr> records) {
        if (!archivedBatches.add(batch)) {
            return;
        }
        archivedCount += records.size();
        if (keepRecords) {
            archived.addAll(records);
        }
    }

    @Override
    public synchronized void store(BatchId batch, List<Rejection> rejections) {
        if (!deadLetterBatches.add(batch)) {
            return;
        }
        deadLetterCount += rejections.size();
        if (keepRecords) {
            deadLetters.addAll(rejections);
        }
    }

    public synchronized Map<SubscriberDay, UsageCounters> usage() {
        return Map.copyOf(usage);
    }

    public synchronized Map<RouteHour, RouteCounters> routes() {
        return Map.copyOf(routes);
    }

    public synchronized List<Cdr> archived() {
        return List.copyOf(archived);
    }

    public synchronized List<Rejection> deadLetters() {
        return List.copyOf(deadLetters);
    }

    public synchronized long archivedCount() {
        return archivedCount;
    }

    public synchronized long deadLetterCount() {
        return deadLetterCount;
    }
}
