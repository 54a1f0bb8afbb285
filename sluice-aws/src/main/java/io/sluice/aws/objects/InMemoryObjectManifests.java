package io.sluice.aws.objects;

import io.sluice.aws.events.ObjectRef;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Object manifests in memory, with the DynamoDB adapter's semantics: for tests, benchmarks and
 * {@code sluice invoke} without a table.
 */
public final class InMemoryObjectManifests implements ObjectManifests {

    /** One manifest entry. */
    public record Entry(String status, Instant leaseFrom, int attempts, long recordsIn, long accepted, long rejected,
                        long duplicates, String error) {
    }

    private final Map<String, Entry> entries = new HashMap<>();

    @Override
    public synchronized Start begin(ObjectRef o, Instant now, long leaseSeconds) {
        Entry e = entries.get(o.identity());
        if (e != null && !e.status().equals("FAILED")) {
            if (!e.status().equals("PROCESSING")) {
                return Start.ALREADY_DONE;
            }
            if (!e.leaseFrom().isBefore(now.minusSeconds(leaseSeconds))) {
                return Start.IN_PROGRESS;
            }
        }
        entries.put(o.identity(), new Entry("PROCESSING", now, e == null ? 1 : e.attempts() + 1, 0, 0, 0, 0, null));
        return Start.PROCESS;
    }

    @Override
    public synchronized void finish(ObjectRef o, Status status, long recordsIn, long accepted, long rejected, long duplicates,
                                    String error, Instant now) {
        Entry e = entries.get(o.identity());
        entries.put(o.identity(), new Entry(status.name(), e == null ? now : e.leaseFrom(), e == null ? 1 : e.attempts(), recordsIn,
                accepted, rejected, duplicates, error));
    }

    public synchronized Entry entry(ObjectRef o) {
        return entries.get(o.identity());
    }
}
