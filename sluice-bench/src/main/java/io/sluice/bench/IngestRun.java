package io.sluice.bench;

import io.sluice.core.pipeline.CdrPipelineConfig;
import io.sluice.local.ingest.IngestJob;
import io.sluice.local.ingest.IngestListener;
import io.sluice.local.ingest.IngestSummary;
import io.sluice.local.ingest.LocalCdrPipeline;
import io.sluice.local.store.LocalStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * End-to-end ingest in a fresh JVM, reporting throughput and peak memory as one JSON line:
 * {@code java -Xmx1g -cp ... io.sluice.bench.IngestRun DATA_DIR FILE...}.
 * Same code path as {@code sluice ingest} (IngestJob on the DuckDB store).
 */
public final class IngestRun {
    public static void main(String[] args) {
        Path dataDir = Path.of(args[0]);
        List<Path> files = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            files.add(Path.of(args[i]));
        }
        IngestSummary s;
        try (LocalStore store = LocalStore.open(dataDir)) {
            s = new IngestJob(new LocalCdrPipeline(store, CdrPipelineConfig.defaults()), Optional.empty(),
                    IngestJob.DEFAULT_CHUNK_RECORDS, IngestJob.DEFAULT_EXPORT_ROWS, new IngestListener() { }).run(files);
        }
        System.out.printf("{\"engine\":\"sluice\",\"records_in\":%d,\"accepted\":%d,\"rejected\":%d,\"duplicates\":%d,"
                        + "\"seconds\":%.2f,\"records_per_s\":%.0f,\"peak_heap_mib\":%d,\"peak_rss_mib\":%d}%n",
                s.recordsIn(), s.accepted(), s.rejected(), s.duplicates(), s.seconds(), s.recordsIn() / s.seconds(),
                ProcessStats.peakHeapMiB(), ProcessStats.peakRssMiB());
    }
}
