package io.sluice.aws.redrive;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** Looking into a queue without taking anything out of it: what the redrive tools' {@code inspect} shows. */
final class QueueSample {
    /** SQS batch operations take at most 10 entries. */
    static final int SQS_BATCH = 10;

    private QueueSample() {
    }

    /**
     * Up to {@code max} distinct messages, left in the queue (received with a zero visibility timeout, so they are
     * visible again at once), with their receive count and first receive time. SQS returns a sample: a large queue
     * may need several looks.
     */
    static List<Message> peek(SqsClient sqs, String queueUrl, int max) {
        List<Message> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        while (out.size() < max) {
            boolean news = false;
            for (Message m : receive(sqs, queueUrl, Math.min(SQS_BATCH, max - out.size()), 0)) {
                if (seen.add(m.messageId())) {
                    out.add(m);
                    news = true;
                }
            }
            if (!news) {
                break; // empty, or SQS showed the same messages again (they stay visible): that is all there is to see
            }
        }
        return out;
    }

    static List<Message> receive(SqsClient sqs, String queueUrl, int count, int visibilitySeconds) {
        return sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(count).visibilityTimeout(visibilitySeconds)
                .waitTimeSeconds(1).messageAttributeNames("All")
                .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT,
                        MessageSystemAttributeName.APPROXIMATE_FIRST_RECEIVE_TIMESTAMP)).messages();
    }

    static int receiveCount(Message m) {
        return (int) number(m.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT));
    }

    static long firstReceived(Message m) {
        return number(m.attributes().get(MessageSystemAttributeName.APPROXIMATE_FIRST_RECEIVE_TIMESTAMP));
    }

    private static long number(String n) {
        try {
            return n == null ? 0 : Long.parseLong(n);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
