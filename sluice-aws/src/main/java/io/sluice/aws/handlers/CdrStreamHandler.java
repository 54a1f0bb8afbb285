package io.sluice.aws.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.sluice.aws.events.BatchResponses;
import io.sluice.aws.events.KinesisEventRecord;
import io.sluice.aws.events.KinesisEvents;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
        byte[] event = input.readAllBytes();
        // One invocation of the core instrumentation (MON-1, MON-2): a malformed event (a wrong trigger or a hand-made
        // test event) is thrown, with an error record; a batch with failed items returns, with one too.
        List<String> failedItems = wiring.instrumentation().invoke(wiring.functionName(), () -> text(event), call -> {
            List<KinesisEventRecord> records = KinesisEvents.parse(new ByteArrayInputStream(event));
            KinesisBatch.Result r = batch.process(records);
            InvocationLog line = new InvocationLog().metric("KinesisRecords", records.size()).metric("RecordsIn", r.recordsIn())
                    .metric("Accepted", r.accepted()).metric("Rejected", r.rejected()).metric("Duplicates", r.duplicates())
                    .metric("FailedItems", r.failedSequenceNumbers().size())
                    // A failure reported as failed items is no Lambda error: the error-rate alarm adds this (MON-3).
                    .metric(InvocationLog.HANDLED_FAILURES, r.failure() != null ? 1 : 0)
                    // Alerts the batch raised go out once it committed; what a topic down left owed goes next time.
                    .metric("FraudAlertsSent", wiring.deliverAlerts(log));
            if (r.failure() != null) {
                String id = call.failed(r.failure());
                line.field("error", r.failure().toString()).field("error_id", id)
                        .field("retry_from", r.failedSequenceNumbers().get(0));
            }
            log.println(line.metric("DurationMillis", call.elapsedMillis()).render(wiring.functionName(), System.currentTimeMillis()));
            return r.failedSequenceNumbers();
        });
        BatchResponses.write(output, failedItems);
    }

    static long millisSince(long nanoStart) {
        return (System.nanoTime() - nanoStart) / 1_000_000;
    }

    static String text(byte[] event) {
        return new String(event, 0, Math.min(event.length, 64 * 1024), StandardCharsets.UTF_8);
    }
}
