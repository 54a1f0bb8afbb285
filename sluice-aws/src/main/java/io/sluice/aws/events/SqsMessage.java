package io.sluice.aws.events;

import java.util.Objects;

/**
 * One SQS message of a batch: the {@code messageId} is what a partial batch response names (AWS-CONTRACTS.md
 * section 2), {@code receiveCount} is SQS's {@code ApproximateReceiveCount} (at least 1), and the body is still
 * undecoded text.
 */
public record SqsMessage(String messageId, int receiveCount, String body) {
    public SqsMessage {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(body, "body");
        if (receiveCount < 1) {
            throw new IllegalArgumentException("receiveCount must be >= 1, was " + receiveCount + " for message " + messageId);
        }
    }
}
