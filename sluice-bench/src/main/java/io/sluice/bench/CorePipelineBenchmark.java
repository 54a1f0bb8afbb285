package io.sluice.bench;

import io.sluice.core.cdr.CdrParser;
import io.sluice.core.cdr.CdrFormat;
import io.sluice.core.cdr.RawRecord;
import io.sluice.core.cdr.RecordFramer;
import io.sluice.core.pipeline.BatchId;
import io.sluice.core.pipeline.BatchOutcome;
import io.sluice.core.pipeline.CdrBatchProcessor;
import io.sluice.core.pipeline.CdrPipelineConfig;
import io.sluice.core.pipeline.PreparedBatch;
import io.sluice.core.pipeline.UsageAggregator;
import io.sluice.core.pipeline.UsageDelta;
import io.sluice.core.pipeline.memory.InMemoryStores;
import io.sluice.local.generate.CdrGenerator;
import io.sluice.local.generate.GeneratorSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-record CPU cost of the core on a 10,000-record batch of generated Asterisk CDRs (1 % invalid, 1 %
 * duplicates), ports replaced by in-memory adapters. Scores are nanoseconds per record.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx1g"})
public class CorePipelineBenchmark {
    static final int BATCH = 10_000;

    List<RawRecord> records;
    CdrParser parser = CdrParser.of(CdrFormat.ASTERISK);
    CdrBatchProcessor prepareOnly;
    CdrBatchProcessor full;
    /** One processor for the whole run, its stores cleared before each batch: caches warm, as in a long-lived process. */
    CdrBatchProcessor warm;
    InMemoryStores warmStores;
    final UsageAggregator aggregator = new UsageAggregator();
    long batchNo;

    @Setup(Level.Trial)
    public void generate() throws IOException {
        Path dir = Files.createTempDirectory("sluice-jmh");
        var result = CdrGenerator.generate(new GeneratorSpec(BATCH, 2_000, 7, CdrFormat.ASTERISK, 0.01, 0.01, 7,
                LocalDate.of(2026, 11, 20), 1, "US"), dir, n -> { });
        records = new ArrayList<>();
        try (RecordFramer f = new RecordFramer(Files.newInputStream(result.files().get(0)), "bench.csv", true,
                RecordFramer.DEFAULT_MAX_RECORD_BYTES)) {
            RawRecord r;
            while ((r = f.next()) != null) {
                records.add(r);
            }
        }
        InMemoryStores none = new InMemoryStores(false);
        prepareOnly = new CdrBatchProcessor(CdrPipelineConfig.defaults(), none, none, none, none, none);
        warmStores = new InMemoryStores(false);
        warm = new CdrBatchProcessor(CdrPipelineConfig.defaults(), warmStores, warmStores, warmStores, warmStores, warmStores);
    }

    /** A fresh store per batch, so that de-duplication sees new records each time. */
    @Setup(Level.Invocation)
    public void freshStores() {
        InMemoryStores stores = new InMemoryStores(false);
        full = new CdrBatchProcessor(CdrPipelineConfig.defaults(), stores, stores, stores, stores, stores);
        warmStores.clearState();
    }

    /** Parse + validate + normalize + in-batch dedup + aggregate: the core's own per-record cost. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public UsageDelta parseValidateNormalizeAggregate() {
        PreparedBatch p = prepareOnly.prepare(new BatchId("b"), parser, records);
        return aggregator.aggregate(p.candidates());
    }

    /** The whole batch through {@link CdrBatchProcessor#process}, dedup, enrichment and archive included. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public BatchOutcome processWithInMemoryPorts() {
        return full.process(new BatchId("b-" + batchNo++), parser, records);
    }

    /**
     * The same, through one long-lived processor (its number caches warm, as in 'sluice ingest', 'sluice up' or a warm
     * Lambda container), de-duplication still seeing new records each batch.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public BatchOutcome processWithWarmProcessor() {
        return warm.process(new BatchId("w-" + batchNo++), parser, records);
    }
}
