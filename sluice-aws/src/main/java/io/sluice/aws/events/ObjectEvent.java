package io.sluice.aws.events;

import java.util.List;
import java.util.Objects;

/** What one invocation of {@code CdrObjectHandler} carries, decoded by {@link ObjectEvents#parse}. */
public sealed interface ObjectEvent {

    /**
     * Messages from the SQS queue S3 notifies, in delivery order. Each body is decoded on its own with
     * {@link ObjectEvents#notificationIn(String)}, so that one bad body fails its message only and the batch response
     * names it by {@code messageId}.
     */
    record SqsBatch(List<SqsMessage> messages) implements ObjectEvent {
        public SqsBatch {
            messages = List.copyOf(messages);
        }
    }

    /** An EventBridge event that invoked the function directly: one notification, no batch to report on. */
    record Direct(ObjectNotification n) implements ObjectEvent {
        public Direct {
            Objects.requireNonNull(n, "n");
        }
    }
}
