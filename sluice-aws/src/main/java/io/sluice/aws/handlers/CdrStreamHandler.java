package io.sluice.aws.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.sluice.aws.events.BatchResponses;
import io.sluice.aws.events.KinesisEventRecord;
import io.sluice.aws.events.KinesisEvents;
import io.sluice.aws.events.MalformedEventException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * The Kinesis function (CDR-1, CDR-12): a Kinesis event in, {@code {"batchItemFailures": [...]}} out, for an
 * event source mapping with {@code ReportBatchItemFailures}. A thin adapter: decoding and the response here, the
 * work in {@link KinesisBatch} and the core.
 */
public final class CdrStreamHandler implements RequestStreamHandler {
    private final Wiring wiring;
    private final KinesisBatch batch;
    private final PrintStream log;

    /** What Lambda calls: the container's shared wiring from the environment. */
    public CdrStreamHandler() {
        this(Wiring.shared(), System.out);
        SnapStartPriming.register();
    }

    public CdrStreamHandler(Wiring wiring, PrintStream log) {
        this.wiring = wiring;
        this.batch = new KinesisBatch(wiring.processor());
        this.log = log;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        long started = System.nanoTime();
        byte[] event = input.readAllBytes();
        List<KinesisEventRecord> records;
        try {
            records = KinesisEvents.parse(new ByteArrayInputStream(event));
        } catch (MalformedEventException e) {
            // Not a Kinesis event at all (a wrong trigger or a hand-made test event): say so, loudly, with context.
            wiring.errors().record(wiring.functionName(), Instant.now(), e, millisSince(started), text(event));
            throw e;
        }
        KinesisBatch.Result r = batch.process(records);
        InvocationLog line = new InvocationLog().metric("KinesisRecords", records.size()).metric("RecordsIn", r.recordsIn())
                .metric("Accepted", r.accepted()).metric("Rejected", r.rejected()).metric("Duplicates", r.duplicates())
                .metric("FailedItems", r.failedSequenceNumbers().size())
                // Alerts the batch raised go out once it committed; what a topic down left owed goes next time.
                .metric("FraudAlertsSent", wiring.deliverAlerts(log));
        if (r.failure() != null) {
            String id = wiring.errors().record(wiring.functionName(), Instant.now(), r.failure(), millisSince(started), text(event));
            line.field("error", r.failure().toString()).field("error_id", id)
                    .field("retry_from", r.failedSequenceNumbers().get(0));
        }
        log.println(line.metric("DurationMillis", millisSince(started)).render(wiring.functionName(), System.currentTimeMillis()));
        BatchResponses.write(output, r.failedSequenceNumbers());
    }

    static long millisSince(long nanoStart) {
        return (System.nanoTime() - nanoStart) / 1_000_000;
    }

    static String text(byte[] event) {
        return new String(event, 0, Math.min(event.length, 64 * 1024), StandardCharsets.UTF_8);
    }
}
