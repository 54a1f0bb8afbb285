package io.sluice.aws.events;

import java.util.Objects;

/**
 * One Kinesis record as the event source mapping delivered it (CDR-1). {@code eventSourceArn}, {@code shardId} and
 * {@code sequenceNumber} together name the record across redeliveries, which partial failure, bisection and retries
 * all cause (AWS-CONTRACTS.md section 8, item 2).
 *
 * <p>Exactly one of {@code data} and {@code problem} is set: a record whose data is missing or not base64 still
 * comes back, with the reason, so that the handler dead-letters it instead of failing the batch (CDR-3, OBJ-4).
 * The decoded array is handed over, not copied.
 *
 * @param shardId {@code unknown-shard} when the event has no {@code eventID}
 * @param problem  why {@code data} could not be decoded, starting with its JSON path; null when it could
 * @param received the {@code data} field as it came when it could not be decoded (its text, or the JSON of a
 *                 value that is not text), for the dead letter's original bytes; null when decoded or missing
 */
public record KinesisEventRecord(String eventSourceArn, String shardId, String sequenceNumber, String partitionKey,
                                 byte[] data, String problem, String received) {
    public KinesisEventRecord {
        Objects.requireNonNull(eventSourceArn, "eventSourceArn");
        Objects.requireNonNull(shardId, "shardId");
        Objects.requireNonNull(sequenceNumber, "sequenceNumber");
        Objects.requireNonNull(partitionKey, "partitionKey");
        if ((data == null) == (problem == null)) {
            throw new IllegalArgumentException("exactly one of data and problem must be set, record " + sequenceNumber);
        }
    }
}
