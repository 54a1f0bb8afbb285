package io.sluice.aws.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.sluice.aws.events.BatchResponses;
import io.sluice.core.monitoring.Instrumentation;
import io.sluice.aws.events.ObjectEvent;
import io.sluice.aws.events.ObjectEvents;
import io.sluice.aws.events.ObjectNotification;
import io.sluice.aws.events.ObjectRef;
import io.sluice.aws.events.SqsMessage;
import io.sluice.aws.objects.ObjectIngest;
import io.sluice.core.cdr.RawRecord;
import io.sluice.core.cdr.RejectReason;
import io.sluice.core.cdr.Rejection;
import io.sluice.core.pipeline.BatchId;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The object function (CDR-1, OBJ-1..OBJ-4): S3 "object created" notifications delivered through SQS (the
 * response then lists the message ids to retry, {@code SQSBatchResponse}), or an EventBridge "Object Created"
 * event invoking it directly (then a failure is thrown, and Lambda's asynchronous retries apply).
 *
 * <p>A message that cannot be a notification is dead-lettered with its body and acknowledged (OBJ-4): retrying
 * it cannot help. S3's test event and other event types are acknowledged. An object that fails (S3 or a store
 * unavailable) fails its message only; after the queue's maxReceiveCount it moves to the dead-letter queue
 * (OBJ-3), where {@code DeadLetterRedriveHandler} can send it back.
 */
public final class CdrObjectHandler implements RequestStreamHandler {
    private final Wiring wiring;
    private final ObjectIngest ingest;
    private final PrintStream log;

    public CdrObjectHandler() {
        this(Wiring.shared(), System.out);
        SnapStartPriming.register();
    }

    public CdrObjectHandler(Wiring wiring, PrintStream log) {
        this.wiring = wiring;
        this.ingest = wiring.objectIngest();
        this.log = log;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        byte[] event = input.readAllBytes();
        // One invocation of the core instrumentation (MON-1, MON-2): a malformed event is thrown with an error record,
        // an object that failed gets one and is retried.
        wiring.instrumentation().invoke(wiring.functionName(), () -> CdrStreamHandler.text(event), call -> {
            handleRequest(event, output, call);
            return null;
        });
    }

    private void handleRequest(byte[] event, OutputStream output, Instrumentation.Invocation call) throws IOException {
        ObjectEvent decoded = ObjectEvents.parse(new ByteArrayInputStream(event));
        Counts counts = new Counts();
        if (decoded instanceof ObjectEvent.Direct direct) {
            RuntimeException failure = handle(direct.n(), "eventbridge", event, counts, call);
            logLine(counts, call, failure, wiring.deliverAlerts(log), false); // thrown: Lambda counts it
            if (failure != null) {
                throw failure;
            }
            return;
        }
        List<String> failed = new ArrayList<>();
        RuntimeException last = null;
        for (SqsMessage m : ((ObjectEvent.SqsBatch) decoded).messages()) {
            RuntimeException failure = handle(ObjectEvents.notificationIn(m.body()), "sqs:" + m.messageId(),
                    m.body().getBytes(StandardCharsets.UTF_8), counts, call);
            if (failure != null) {
                failed.add(m.messageId());
                last = failure;
            }
        }
        logLine(counts, call, last, wiring.deliverAlerts(log), last != null); // reported as failed items: no Lambda error
        BatchResponses.write(output, failed);
    }

    private static final class Counts {
        long objects;
        long processed;
        long rejected;
        long alreadyDone;
        long ignored;
        long malformed;
        long failed;
        long recordsIn;
        long accepted;
        long rejectedRecords;
        long duplicates;
        final List<String> rejections = new ArrayList<>();
    }

    /** Handles one notification; returns the failure to retry it for, or null when it is done with. */
    private RuntimeException handle(ObjectNotification n, String source, byte[] original, Counts counts,
                                    Instrumentation.Invocation call) {
        switch (n) {
            case ObjectNotification.TestEvent t -> counts.ignored++;
            case ObjectNotification.Ignored i -> counts.ignored++;
            case ObjectNotification.Malformed bad -> {
                counts.malformed++;
                Rejection r = Rejection.of(RawRecord.of(source, 1, original), RejectReason.MALFORMED_JSON,
                        "not an S3 object-created notification: " + bad.reason());
                try {
                    wiring.deadLetters().store(new BatchId(source), List.of(r));
                } catch (RuntimeException e) {
                    counts.failed++;
                    return e; // keep the message: it is retried, then kept by the queue's DLQ
                }
            }
            case ObjectNotification.Objects objects -> {
                for (ObjectRef o : objects.objects()) {
                    counts.objects++;
                    try {
                        ObjectIngest.Outcome out = ingest.ingest(o);
                        switch (out.result()) {
                            case PROCESSED -> counts.processed++;
                            case REJECTED -> {
                                counts.rejected++;
                                counts.rejections.add(o.identity() + ": " + out.reason());
                            }
                            case ALREADY_DONE -> counts.alreadyDone++;
                        }
                        counts.recordsIn += out.recordsIn();
                        counts.accepted += out.accepted();
                        counts.rejectedRecords += out.rejected();
                        counts.duplicates += out.duplicates();
                    } catch (IOException | RuntimeException e) {
                        counts.failed++;
                        RuntimeException failure = e instanceof RuntimeException re ? re
                                : new java.io.UncheckedIOException("Cannot read " + o.identity() + ": " + e.getMessage(), (IOException) e);
                        call.failed(failure);
                        return failure;
                    }
                }
            }
        }
        return null;
    }

    private void logLine(Counts c, Instrumentation.Invocation call, RuntimeException failure, int alertsSent, boolean handled) {
        InvocationLog line = new InvocationLog().metric("Objects", c.objects).metric("ObjectsProcessed", c.processed)
                .metric("ObjectsRejected", c.rejected).metric("ObjectsAlreadyDone", c.alreadyDone)
                .metric("EventsIgnored", c.ignored).metric("EventsMalformed", c.malformed).metric("ObjectsFailed", c.failed)
                .metric("RecordsIn", c.recordsIn).metric("Accepted", c.accepted).metric("Rejected", c.rejectedRecords)
                .metric("Duplicates", c.duplicates).metric("FraudAlertsSent", alertsSent)
                .metric(InvocationLog.HANDLED_FAILURES, handled ? 1 : 0)
                .metric("DurationMillis", call.elapsedMillis());
        if (!c.rejections.isEmpty()) {
            line.field("rejected_objects", String.join("; ", c.rejections));
        }
        if (failure != null) {
            line.field("error", failure.toString());
        }
        log.println(line.render(wiring.functionName(), System.currentTimeMillis()));
    }
}
