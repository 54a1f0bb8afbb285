package io.sluice.bench;

import io.sluice.aws.handlers.CdrStreamHandler;
import io.sluice.aws.handlers.Wiring;
import io.sluice.core.cdr.CdrFormat;
import io.sluice.core.cdr.CdrParser;
import io.sluice.core.cdr.RawRecord;
import io.sluice.core.pipeline.BatchId;
import io.sluice.core.pipeline.BatchOutcome;
import io.sluice.core.pipeline.CdrBatchProcessor;
import io.sluice.core.pipeline.CdrPipelineConfig;
import io.sluice.core.pipeline.memory.InMemoryStores;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
 * Handler CPU per record (issue 4 goal: at most 3 us): {@link CdrStreamHandler#handleRequest} on a 10,000-CDR
 * Kinesis event (JSON parsing, base64, framing, the core, the response), ports replaced by in-memory fakes.
 * The baseline in the same run is the core alone on the same CDRs, already framed: {@code prepare} and
 * {@code commitAll} through the same in-memory ledger. Scores are nanoseconds per record.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 3)
@Measurement(iterations = 8, time = 3)
@Fork(value = 1, jvmArgs = {"-Xmx1g"})
public class StreamHandlerBenchmark {
    static final int BATCH = 10_000;
    /**
     * 10,000 CDRs of about 450 bytes, one per Kinesis record, make an event over Lambda's 6 MB payload limit
     * (the handler refuses it, as the event source mapping never sends it); so 2,000 records of 5 CDRs each.
     */
    static final int CDRS_PER_KINESIS_RECORD = 5;
    private static final PrintStream DISCARD = new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);

    byte[] event;
    List<RawRecord> framed;
    CdrStreamHandler handler;
    CdrBatchProcessor core;
    long batchNo;

    @Setup(Level.Trial)
    public void generate() throws IOException {
        List<String> lines = KinesisEventFiles.lines(BATCH, 2_000, 7, 11);
        event = KinesisEventFiles.event("shardId-000000000000", 1, lines, CDRS_PER_KINESIS_RECORD);
        framed = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            framed.add(RawRecord.of("kinesis:shardId-000000000000:" + i / CDRS_PER_KINESIS_RECORD, 1 + i % CDRS_PER_KINESIS_RECORD,
                    lines.get(i).getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** Fresh stores per batch, so every invocation sees new records (the normal path, not replays). */
    @Setup(Level.Invocation)
    public void freshStores() {
        InMemoryStores stores = new InMemoryStores(false);
        Wiring w = Wiring.overMemory(CdrPipelineConfig.defaults(), stores, "bench");
        handler = new CdrStreamHandler(w, DISCARD);
        core = w.processor();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int streamHandler() throws IOException {
        CountingStream out = new CountingStream();
        handler.handleRequest(new ByteArrayInputStream(event), out, null);
        return out.count;
    }

    /** Baseline: the core alone on the same CDRs already framed, prepared and committed as one batch. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public List<BatchOutcome> coreOnly() {
        BatchId id = new BatchId("b-" + batchNo++);
        return core.commitAll(id, List.of(core.prepare(id, CdrParser.of(CdrFormat.ASTERISK), framed)));
    }

    static final class CountingStream extends OutputStream {
        int count;

        @Override
        public void write(int b) {
            count++;
        }
    }
}
