package io.sluice.aws.redrive;

import io.sluice.aws.events.KinesisEventRecord;
import java.util.List;

/**
 * Reads a range of one shard's records back from the stream: what a Kinesis on-failure record names (its shard and
 * first and last sequence numbers) but does not hold (AWS-CONTRACTS.md section 1).
 */
public interface ShardReader {
    /**
     * The records of {@code shardId} from {@code startSequence} through {@code endSequence}, in order, as the event
     * source mapping would deliver them ({@code eventSourceArn} is the stream's ARN).
     */
    Range read(String streamArn, String shardId, String startSequence, String endSequence);

    /**
     * @param records    the records of the range the stream still holds
     * @param startFound false when the range's first record is gone (older than the stream's retention): records
     *                   of the range may be missing
     */
    record Range(List<KinesisEventRecord> records, boolean startFound) {
    }
}
