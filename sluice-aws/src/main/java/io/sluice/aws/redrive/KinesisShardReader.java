package io.sluice.aws.redrive;

import io.sluice.aws.events.KinesisEventRecord;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * {@link ShardReader} over Kinesis: an {@code AT_SEQUENCE_NUMBER} iterator taken just before use (iterators expire
 * after five minutes; AWS-CONTRACTS.md section 1), then {@code GetRecords} until a record past the range's end, the
 * shard's end, or the stream's tip. The SDK retries throttled calls ({@code ProvisionedThroughputExceeded}).
 */
public final class KinesisShardReader implements ShardReader {
    /** {@code GetRecords} returns at most this many records per call. */
    static final int LIMIT = 10_000;
    private final KinesisClient kinesis;
    private final int maxCalls;

    public KinesisShardReader(KinesisClient kinesis) {
        this(kinesis, 1_000);
    }

    KinesisShardReader(KinesisClient kinesis, int maxCalls) {
        this.kinesis = kinesis;
        this.maxCalls = maxCalls;
    }

    @Override
    public Range read(String streamArn, String shardId, String startSequence, String endSequence) {
        BigInteger end = new BigInteger(endSequence);
        String iterator = kinesis.getShardIterator(b -> b.streamARN(streamArn).shardId(shardId)
                .shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER).startingSequenceNumber(startSequence)).shardIterator();
        List<KinesisEventRecord> records = new ArrayList<>();
        Boolean startFound = null;
        for (int calls = 0; iterator != null; calls++) {
            if (calls == maxCalls) {
                throw new IllegalStateException("Shard " + shardId + " of " + streamArn + ": " + maxCalls + " GetRecords calls did not "
                        + "reach sequence number " + endSequence + " (read " + records.size() + " records from " + startSequence + ")");
            }
            String current = iterator;
            GetRecordsResponse r = kinesis.getRecords(b -> b.streamARN(streamArn).shardIterator(current).limit(LIMIT));
            for (Record rec : r.records()) {
                if (startFound == null) {
                    startFound = rec.sequenceNumber().equals(startSequence);
                }
                if (new BigInteger(rec.sequenceNumber()).compareTo(end) > 0) {
                    return new Range(records, startFound);
                }
                records.add(new KinesisEventRecord(streamArn, shardId, rec.sequenceNumber(), rec.partitionKey(),
                        rec.data().asByteArray(), null, null));
            }
            if (r.records().isEmpty() && Long.valueOf(0).equals(r.millisBehindLatest())) {
                break; // at the shard's tip: nothing past the range's end has been written yet
            }
            iterator = r.nextShardIterator(); // null once a closed shard is read to its end
        }
        return new Range(records, Boolean.TRUE.equals(startFound));
    }
}
