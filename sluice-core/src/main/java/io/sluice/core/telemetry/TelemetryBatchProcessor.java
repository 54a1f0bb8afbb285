package io.sluice.core.telemetry;

import io.sluice.core.cdr.RecordKey;
import io.sluice.core.pipeline.BatchId;
import io.sluice.core.pipeline.DedupStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one place a telemetry body goes through the steps (IOT-2..IOT-4), on both homes, as {@code CdrBatchProcessor} is
 * for CDRs: read and validate by {@link TelemetryConfig} ({@link TelemetryParser}), de-duplicate (the same device, metric
 * and timestamp count once: within the request, then across requests through the same {@link DedupStore} as calls),
 * evaluate the threshold rules, fold the rollups, and hand the batch to the {@link TelemetryStore}. Every reading in is
 * counted once as accepted, rejected or duplicate.
 */
public final class TelemetryBatchProcessor {
    private final TelemetryConfig config;
    private final DedupStore dedup;
    private final ThresholdEvaluator rules;
    private final ThresholdState state;
    private final TelemetryStore store;

    public TelemetryBatchProcessor(TelemetryConfig config, DedupStore dedup, ThresholdEvaluator rules, ThresholdState state,
                                   TelemetryStore store) {
        this.config = config;
        this.dedup = dedup;
        this.rules = rules;
        this.state = state;
        this.store = store;
    }

    /**
     * What a batch did.
     *
     * @param duplicateIndexes the indexes of the readings counted as duplicates, in the request
     */
    public record Outcome(int readingsIn, List<Reading> accepted, List<ReadingRejection> rejected, List<Integer> duplicateIndexes,
                          List<TelemetryAlert> alerts) {
        public Outcome {
            if (readingsIn != accepted.size() + rejected.size() + duplicateIndexes.size()) {
                throw new IllegalStateException("readings in " + readingsIn + " != accepted " + accepted.size() + " + rejected "
                        + rejected.size() + " + duplicates " + duplicateIndexes.size() + ": a reading was lost or counted twice");
            }
        }

        public int duplicates() {
            return duplicateIndexes.size();
        }
    }

    /** Processes one body received at {@code receivedAtMillis} as {@code batch}; a body refused whole stores nothing. */
    public Outcome process(BatchId batch, byte[] body, long receivedAtMillis) throws TelemetryParser.Refused {
        return process(batch, TelemetryParser.parse(body, config, receivedAtMillis));
    }

    /**
     * The steps after reading, for an entry that reads the body where it receives it (an HTTP thread) and commits elsewhere
     * (the store's one writer): {@code parsed} is {@link TelemetryParser#parse} of the body under this processor's config.
     */
    public Outcome process(BatchId batch, TelemetryParser.Parsed parsed) {
        Map<RecordKey, TelemetryParser.Indexed> first = new LinkedHashMap<>();
        List<Integer> duplicates = new ArrayList<>();
        for (TelemetryParser.Indexed r : parsed.readings()) {
            if (first.putIfAbsent(r.reading().key(), r) != null) {
                duplicates.add(r.index()); // the same reading twice in one request: counted once
            }
        }
        Set<RecordKey> owned = first.isEmpty() ? Set.of() : new HashSet<>(dedup.claim(batch, first.keySet()));
        List<Reading> accepted = new ArrayList<>();
        for (Map.Entry<RecordKey, TelemetryParser.Indexed> e : first.entrySet()) {
            if (owned.contains(e.getKey())) {
                accepted.add(e.getValue().reading());
            } else {
                duplicates.add(e.getValue().index()); // sent before, by another request
            }
        }
        duplicates.sort(null);
        List<TelemetryAlert> alerts = rules.evaluate(accepted, state);
        store.write(batch, accepted, parsed.rejected(), Rollups.of(accepted));
        return new Outcome(parsed.readingsIn(), List.copyOf(accepted), parsed.rejected(), List.copyOf(duplicates), alerts);
    }
}
