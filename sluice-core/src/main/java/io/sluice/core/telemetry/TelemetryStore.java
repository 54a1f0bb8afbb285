package io.sluice.core.telemetry;

import io.sluice.core.pipeline.BatchId;
import java.util.List;
import java.util.Map;

/**
 * Where a batch of readings goes (IOT-3, IOT-5), a core port: the time series, the rollups and the rejected readings
 * (as dead letters, with their original text and reason), all of one batch at once: DynamoDB and Firehose on AWS, the
 * embedded store and the Parquet archive on one machine. Writing the same batch again adds nothing.
 */
public interface TelemetryStore {

    void write(BatchId batch, List<Reading> accepted, List<ReadingRejection> rejected, Map<Rollups.Key, Rollups.Rollup> rollups);
}
