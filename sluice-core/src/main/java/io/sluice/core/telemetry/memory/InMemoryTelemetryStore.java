package io.sluice.core.telemetry.memory;

import io.sluice.core.pipeline.BatchId;
import io.sluice.core.telemetry.Reading;
import io.sluice.core.telemetry.ReadingRejection;
import io.sluice.core.telemetry.Rollups;
import io.sluice.core.telemetry.TelemetryStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Readings, rollups and rejected readings in memory, once per batch: for tests and priming. */
public final class InMemoryTelemetryStore implements TelemetryStore {
    private final Set<BatchId> written = new HashSet<>();
    private final List<Reading> readings = new ArrayList<>();
    private final List<ReadingRejection> rejected = new ArrayList<>();
    private final Map<Rollups.Key, Rollups.Rollup> rollups = new LinkedHashMap<>();

    @Override
    public synchronized void write(BatchId batch, List<Reading> accepted, List<ReadingRejection> rejections,
                                   Map<Rollups.Key, Rollups.Rollup> batchRollups) {
        if (!written.add(batch)) {
            return;
        }
        readings.addAll(accepted);
        rejected.addAll(rejections);
        batchRollups.forEach((k, v) -> rollups.merge(k, v, Rollups.Rollup::merge));
    }

    public synchronized List<Reading> readings() {
        return List.copyOf(readings);
    }

    public synchronized List<ReadingRejection> rejected() {
        return List.copyOf(rejected);
    }

    public synchronized Map<Rollups.Key, Rollups.Rollup> rollups() {
        return Map.copyOf(rollups);
    }
}
