package io.sluice.bench;

import io.sluice.core.fraud.FraudRules;
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
 * Same code path as {@code sluice ingest} (IngestJob on the DuckDB store), with the default fraud rules of CDR-10;
 * {@code -Dsluice.bench.rules=off} runs none (engine {@code sluice-no-rules}), for the rules' cost in the same run.
 */
public final class IngestRun {
    public static void main(String[] args) {
        Path dataDir = Path.of(args[0]);
        List<Path> files = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            files.add(Path.of(args[i]));
        }
        boolean rules = !"off".equals(System.getProperty("sluice.bench.rules"));
        CdrPipelineConfig config = CdrPipelineConfig.defaults().withFraudRules(rules ? FraudRules.defaults() : FraudRules.none());
        IngestSummary s;
        long[] alerts = new long[1];
        try (LocalStore store = LocalStore.open(dataDir)) {
            LocalCdrPipeline pipeline = new LocalCdrPipeline(store, config, a -> alerts[0]++);
            s = new IngestJob(pipeline, Optional.empty(),
                    Integer.getInteger("sluice.bench.chunk", IngestJob.DEFAULT_CHUNK_RECORDS), IngestJob.DEFAULT_EXPORT_ROWS, new IngestListener() { }).run(files);
        }
        System.out.printf("{\"engine\":\"%s\",\"alert_notifications\":%d,\"records_in\":%d,\"accepted\":%d,\"rejected\":%d,\"duplicates\":%d,"
                        + "\"seconds\":%.2f,\"records_per_s\":%.0f,\"peak_heap_mib\":%d,\"peak_rss_mib\":%d}%n",
                rules ? "sluice" : "sluice-no-rules", alerts[0], s.recordsIn(), s.accepted(), s.rejected(), s.duplicates(), s.seconds(), s.recordsIn() / s.seconds(),
                ProcessStats.peakHeapMiB(), ProcessStats.peakRssMiB());
    }
}
