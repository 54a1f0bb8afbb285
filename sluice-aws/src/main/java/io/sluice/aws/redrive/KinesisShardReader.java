package io.sluice.aws.redrive;

import io.sluice.aws.events.KinesisEventRecord;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * {@link ShardReader} over Kinesis. It first finds the shard's oldest record (a {@code TRIM_HORIZON} iterator): AWS
 * does not document what {@code AT_SEQUENCE_NUMBER} does with a sequence number past the retention (users report an
 * error, or an iterator whose pages stay empty), so a trimmed range is read from the trim horizon instead, and
 * reported as not whole. A range still whole is read from an {@code AT_SEQUENCE_NUMBER} iterator taken just before
 * use (iterators expire after five minutes; AWS-CONTRACTS.md section 1), through its last record, the stream's tip or
 * a closed shard's end.
 *
 * <p>A shard serves five read calls a second to all its consumers together, the stream function's event source
 * mapping included, so the reader waits a second between calls, as AWS advises, and gives up after a bounded number
 * of calls. The SDK retries throttled calls ({@code ProvisionedThroughputExceeded}).
 */
public final class KinesisShardReader implements ShardReader {
    /** Records per {@code GetRecords} call: a failed batch has at most 10,000 (the event source's largest batch). */
    static final int LIMIT = 1_000;
    static final long PAUSE_MILLIS = 1_000;
    /** About two minutes of calls per range, well inside the replay's message visibility. */
    static final int MAX_CALLS = 120;

    private final KinesisClient kinesis;
    private final int maxCalls;
    private final LongConsumer pause;

    public KinesisShardReader(KinesisClient kinesis) {
        this(kinesis, MAX_CALLS, KinesisShardReader::sleep);
    }

    KinesisShardReader(KinesisClient kinesis, int maxCalls, LongConsumer pause) {
        this.kinesis = kinesis;
        this.maxCalls = maxCalls;
        this.pause = pause;
    }

    @Override
    public Range read(String streamArn, String shardId, String startSequence, String endSequence) {
        return new Reading(streamArn, shardId, startSequence, endSequence).range();
    }

    /** One range's reading: its calls count against {@link #maxCalls}. */
    private final class Reading {
        private final String streamArn;
        private final String shardId;
        private final String startSequence;
        private final String endSequence;
        private int calls;

        Reading(String streamArn, String shardId, String startSequence, String endSequence) {
            this.streamArn = streamArn;
            this.shardId = shardId;
            this.startSequence = startSequence;
            this.endSequence = endSequence;
        }

        Range range() {
            BigInteger start = new BigInteger(startSequence);
            BigInteger end = new BigInteger(endSequence);
            Record first = new Page(iterator(ShardIteratorType.TRIM_HORIZON, null), 1).next();
            if (first == null || new BigInteger(first.sequenceNumber()).compareTo(end) > 0) {
                return new Range(List.of(), false); // the whole range is past the retention
            }
            boolean whole = new BigInteger(first.sequenceNumber()).compareTo(start) <= 0;
            Page page = new Page(whole ? iterator(ShardIteratorType.AT_SEQUENCE_NUMBER, startSequence)
                    : iterator(ShardIteratorType.TRIM_HORIZON, null), LIMIT);
            List<KinesisEventRecord> records = new ArrayList<>();
            for (Record r = page.next(); r != null; r = page.next()) {
                BigInteger seq = new BigInteger(r.sequenceNumber());
                if (seq.compareTo(end) > 0) {
                    break;
                }
                if (records.isEmpty() && whole && seq.compareTo(start) != 0) {
                    whole = false; // trimmed between the two iterators
                }
                records.add(new KinesisEventRecord(streamArn, shardId, r.sequenceNumber(), r.partitionKey(), r.data().asByteArray(),
                        null, null));
                if (seq.compareTo(end) == 0) {
                    break;
                }
            }
            return new Range(records, whole);
        }

        private String iterator(ShardIteratorType type, String sequence) {
            return kinesis.getShardIterator(b -> b.streamARN(streamArn).shardId(shardId).shardIteratorType(type)
                    .startingSequenceNumber(sequence)).shardIterator();
        }

        /** The records behind one iterator, page by page; null after the last (the tip, or a closed shard's end). */
        private final class Page {
            private String iterator;
            private final int limit;
            private List<Record> records = List.of();
            private int at;
            private boolean tip;

            Page(String iterator, int limit) {
                this.iterator = iterator;
                this.limit = limit;
            }

            Record next() {
                while (at == records.size()) {
                    if (iterator == null || tip) {
                        return null;
                    }
                    if (calls == maxCalls) {
                        throw new IllegalStateException("Shard " + shardId + " of " + streamArn + ": " + maxCalls + " GetRecords calls "
                                + "did not get through sequence numbers " + startSequence + ".." + endSequence);
                    }
                    if (calls++ > 0) {
                        pause.accept(PAUSE_MILLIS);
                    }
                    String current = iterator;
                    GetRecordsResponse r = kinesis.getRecords(b -> b.streamARN(streamArn).shardIterator(current).limit(limit));
                    records = r.records();
                    at = 0;
                    // An empty page with nothing behind it is the tip; an empty page behind the tip is a gap: read on.
                    tip = r.records().isEmpty() && Long.valueOf(0).equals(r.millisBehindLatest());
                    iterator = r.nextShardIterator(); // null once a closed shard is read to its end
                }
                return records.get(at++);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while pacing Kinesis reads", e);
        }
    }
}
