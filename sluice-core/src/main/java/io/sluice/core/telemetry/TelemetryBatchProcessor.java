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
        return processAll(batch, List.of(parsed)).get(0);
    }

    /**
     * Several requests as one batch (group commit: the requests that arrived while the store's writer was busy): one
     * de-duplication claim, one rules evaluation and one store write for all of them, an outcome each. A reading sent by
     * two of them is the earlier request's; the later one counts it as a duplicate.
     */
    public List<Outcome> processAll(BatchId batch, List<TelemetryParser.Parsed> requests) {
        Map<RecordKey, int[]> firstAt = new LinkedHashMap<>(); // key -> {request, index in it}
        List<Reading> candidates = new ArrayList<>();
        List<List<Integer>> duplicates = new ArrayList<>();
        List<ReadingRejection> allRejected = new ArrayList<>();
        for (int q = 0; q < requests.size(); q++) {
            List<Integer> dup = new ArrayList<>();
            for (TelemetryParser.Indexed r : requests.get(q).readings()) {
                if (firstAt.putIfAbsent(r.reading().key(), new int[] {q, r.index()}) != null) {
                    dup.add(r.index()); // within the group: the earlier one counts, this one is a duplicate
                } else {
                    candidates.add(r.reading());
                }
            }
            duplicates.add(dup);
            allRejected.addAll(requests.get(q).rejected());
        }
        Set<RecordKey> owned = firstAt.isEmpty() ? Set.of() : new HashSet<>(dedup.claim(batch, firstAt.keySet()));
        List<List<Reading>> accepted = new ArrayList<>();
        for (int q = 0; q < requests.size(); q++) {
            accepted.add(new ArrayList<>());
        }
        List<Reading> allAccepted = new ArrayList<>();
        int c = 0;
        for (Map.Entry<RecordKey, int[]> e : firstAt.entrySet()) {
            Reading reading = candidates.get(c++);
            if (owned.contains(e.getKey())) {
                accepted.get(e.getValue()[0]).add(reading);
                allAccepted.add(reading);
            } else {
                duplicates.get(e.getValue()[0]).add(e.getValue()[1]); // sent before, by another batch
            }
        }
        List<TelemetryAlert> alerts = rules.evaluate(allAccepted, state);
        store.write(batch, allAccepted, allRejected, Rollups.of(allAccepted));
        List<Outcome> out = new ArrayList<>();
        for (int q = 0; q < requests.size(); q++) {
            Set<String> mine = new HashSet<>();
            for (Reading r : accepted.get(q)) {
                mine.add(r.deviceId() + "|" + r.metric() + "|" + r.timestampMillis());
            }
            List<TelemetryAlert> itsAlerts = alerts.stream().filter(a -> mine.contains(a.deviceId() + "|" + a.metric() + "|" + a.timestampMillis()))
                    .toList();
            List<Integer> dup = duplicates.get(q);
            dup.sort(null);
            out.add(new Outcome(requests.get(q).readingsIn(), List.copyOf(accepted.get(q)), requests.get(q).rejected(), List.copyOf(dup),
                    itsAlerts));
        }
        return out;
    }
}
