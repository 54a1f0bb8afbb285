package io.sluice.aws.redrive;

import io.sluice.aws.events.ObjectEvents;
import io.sluice.aws.events.ObjectNotification;
import io.sluice.aws.events.ObjectRef;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * The redrive tool of OBJ-3: looks into the object queue's dead-letter queue and sends its messages back to the
 * object queue. A message is deleted from the dead-letter queue only after the object queue took it; a crash
 * in between leaves it in both, which is harmless: the object's manifest makes a second processing a no-op
 * (OBJ-2).
 */
public final class DeadLetterRedrive {
    private final SqsClient sqs;
    private final String deadLetterQueueUrl;
    private final String sourceQueueUrl;

    public DeadLetterRedrive(SqsClient sqs, String deadLetterQueueUrl, String sourceQueueUrl) {
        this.sqs = sqs;
        this.deadLetterQueueUrl = deadLetterQueueUrl;
        this.sourceQueueUrl = sourceQueueUrl;
    }

    /** One dead-lettered message: its id, how often it was received, and the objects it names (or why none). */
    public record Entry(String messageId, int receiveCount, long firstReceivedEpochMillis, List<String> objects, String problem) {
    }

    /** What a redrive did. */
    public record Result(int moved, int failed, List<String> errors) {
    }

    /**
     * Up to {@code max} messages, left in the queue (received with a zero visibility timeout, so they are
     * visible again at once). SQS returns a sample: a large queue may need several looks.
     */
    public List<Entry> inspect(int max) {
        return QueueSample.peek(sqs, deadLetterQueueUrl, max).stream().map(DeadLetterRedrive::describe).toList();
    }

    /** Moves up to {@code max} messages back to the object queue. */
    public Result redrive(int max) {
        int moved = 0;
        int failed = 0;
        List<String> errors = new ArrayList<>();
        while (moved + failed < max) {
            List<Message> got = QueueSample.receive(sqs, deadLetterQueueUrl, Math.min(QueueSample.SQS_BATCH, max - moved - failed), 60);
            if (got.isEmpty()) {
                break;
            }
            List<SendMessageBatchRequestEntry> sends = new ArrayList<>();
            for (int i = 0; i < got.size(); i++) {
                sends.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(i)).messageBody(got.get(i).body())
                        .messageAttributes(got.get(i).messageAttributes()).build());
            }
            SendMessageBatchResponse sent = sqs.sendMessageBatch(b -> b.queueUrl(sourceQueueUrl).entries(sends));
            List<DeleteMessageBatchRequestEntry> deletes = new ArrayList<>();
            for (var ok : sent.successful()) {
                Message m = got.get(Integer.parseInt(ok.id()));
                deletes.add(DeleteMessageBatchRequestEntry.builder().id(ok.id()).receiptHandle(m.receiptHandle()).build());
            }
            for (var bad : sent.failed()) {
                failed++;
                errors.add(got.get(Integer.parseInt(bad.id())).messageId() + ": " + bad.code() + " " + bad.message());
            }
            if (!deletes.isEmpty()) {
                DeleteMessageBatchResponse deleted = sqs.deleteMessageBatch(b -> b.queueUrl(deadLetterQueueUrl).entries(deletes));
                moved += deleted.successful().size();
                for (var bad : deleted.failed()) {
                    // Sent back but still in the dead-letter queue: it will show again; processing it twice is a no-op.
                    errors.add(got.get(Integer.parseInt(bad.id())).messageId() + " was sent back but not deleted: " + bad.code());
                }
            }
            if (sent.successful().isEmpty()) {
                break; // the object queue refuses everything: stop instead of spinning
            }
        }
        return new Result(moved, failed, errors);
    }

    private static Entry describe(Message m) {
        int count = QueueSample.receiveCount(m);
        long first = QueueSample.firstReceived(m);
        ObjectNotification n = ObjectEvents.notificationIn(m.body());
        return switch (n) {
            case ObjectNotification.Objects o -> new Entry(m.messageId(), count, first,
                    o.objects().stream().map(ObjectRef::identity).toList(), null);
            case ObjectNotification.Malformed bad -> new Entry(m.messageId(), count, first, List.of(), bad.reason());
            case ObjectNotification.Ignored i -> new Entry(m.messageId(), count, first, List.of(), i.reason());
            case ObjectNotification.TestEvent t -> new Entry(m.messageId(), count, first, List.of(), "S3 test event");
        };
    }
}
