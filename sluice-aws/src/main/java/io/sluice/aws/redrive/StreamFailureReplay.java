package io.sluice.aws.redrive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.aws.handlers.KinesisBatch;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Replays the Kinesis batches that ran out of retries (CDR-12). Each message in the stream-failures queue is Lambda's
 * on-failure record: metadata naming a shard and a sequence range, not the records (AWS-CONTRACTS.md section 1).
 * Replay reads that range back from the stream and runs it through the same {@link KinesisBatch} as the stream
 * function. The ledger's claims make this safe to repeat: records counted before count as duplicates.
 *
 * <p>A message is deleted only when its whole range was read and committed. It stays when the range is no longer
 * whole in the stream (older than the retention: what was left is committed, and the rest is lost; the message is
 * the evidence), when the commit failed (a store still throttled; replay again later), or when it is not an
 * on-failure record at all.
 */
public final class StreamFailureReplay {
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * While a message is replayed nobody else sees it; a kept message shows again after this. Longer than one range
     * takes: the reader gives up after about two minutes of calls ({@link KinesisShardReader#MAX_CALLS}).
     */
    static final int VISIBILITY_SECONDS = 300;

    private final SqsClient sqs;
    private final String queueUrl;
    private final ShardReader reader;
    private final KinesisBatch batch;

    public StreamFailureReplay(SqsClient sqs, String queueUrl, ShardReader reader, KinesisBatch batch) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.reader = reader;
        this.batch = batch;
    }

    /** The range an on-failure record names ({@code KinesisBatchInfo}), and why Lambda gave up on it. */
    public record BatchInfo(String streamArn, String shardId, String startSequence, String endSequence, int batchSize,
                            String condition) {
        /** Parses an on-failure record; throws, naming the missing or wrong field. */
        public static BatchInfo parse(String body) {
            JsonNode root;
            try {
                root = JSON.readTree(body);
            } catch (IOException e) {
                throw new IllegalArgumentException("not JSON: " + e.getMessage().lines().findFirst().orElse(""));
            }
            JsonNode info = root == null ? null : root.get("KinesisBatchInfo");
            if (info == null || !info.isObject()) {
                throw new IllegalArgumentException("no KinesisBatchInfo: not a Kinesis on-failure record");
            }
            String start = text(info, "startSequenceNumber");
            String end = text(info, "endSequenceNumber");
            if (!start.matches("0|[1-9][0-9]{0,128}") || !end.matches("0|[1-9][0-9]{0,128}")
                    || new BigInteger(start).compareTo(new BigInteger(end)) > 0) {
                throw new IllegalArgumentException("KinesisBatchInfo's sequence range " + start + ".." + end + " is not a range");
            }
            return new BatchInfo(text(info, "streamArn"), text(info, "shardId"), start, end, info.path("batchSize").asInt(0),
                    root.path("requestContext").path("condition").asText(""));
        }

        private static String text(JsonNode info, String field) {
            JsonNode v = info.get(field);
            if (v == null || !v.isTextual() || v.asText().isBlank()) {
                throw new IllegalArgumentException("KinesisBatchInfo." + field + " is missing");
            }
            return v.asText();
        }
    }

    /** What became of one message. */
    public enum Status {
        /** read whole and committed; the message is deleted */
        REPLAYED,
        /** the range is no longer whole in the stream: what was left is committed; the message stays */
        INCOMPLETE,
        /** reading or committing failed; the message stays for a later replay */
        FAILED,
        /** not an on-failure record; the message stays */
        MALFORMED,
        /** only looked at ({@link #inspect}) */
        WAITING
    }

    /**
     * One message and what became of it. Counts are those of {@link KinesisBatch.Result}: {@code recordsIn} CDRs in
     * {@code records} Kinesis records, {@code recordsIn = accepted + rejected + duplicates} once committed.
     */
    public record Outcome(String messageId, int receiveCount, BatchInfo batch, Status status, int records, long recordsIn,
                          long accepted, long rejected, long duplicates, String problem) {
    }

    /** Up to {@code max} messages, left in the queue, with the ranges they name. */
    public List<Outcome> inspect(int max) {
        List<Outcome> out = new ArrayList<>();
        for (Message m : QueueSample.peek(sqs, queueUrl, max)) {
            try {
                out.add(new Outcome(m.messageId(), QueueSample.receiveCount(m), BatchInfo.parse(m.body()), Status.WAITING, 0, 0, 0, 0, 0,
                        null));
            } catch (IllegalArgumentException e) {
                out.add(new Outcome(m.messageId(), QueueSample.receiveCount(m), null, Status.MALFORMED, 0, 0, 0, 0, 0, e.getMessage()));
            }
        }
        return out;
    }

    /** What a replay did: an outcome per message taken, and whether it stopped for want of time. */
    public record Report(List<Outcome> outcomes, boolean stoppedEarly) {
    }

    /**
     * Replays up to {@code max} messages, one at a time: each is received alone (hidden from other replays while its
     * range is read and committed), and the next only while {@code timeLeft} says there is time for one more.
     */
    public Report replay(int max, BooleanSupplier timeLeft) {
        List<Outcome> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        while (out.size() < max) {
            if (!timeLeft.getAsBoolean()) {
                return new Report(out, true);
            }
            List<Message> got = QueueSample.receive(sqs, queueUrl, 1, VISIBILITY_SECONDS);
            if (got.isEmpty()) {
                break;
            }
            Message m = got.get(0);
            if (seen.add(m.messageId())) { // one kept earlier in this run and visible again: not twice
                Outcome o = replay(m);
                if (o.status() == Status.REPLAYED) {
                    sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
                }
                out.add(o);
            }
        }
        return new Report(out, false);
    }

    /**
     * Deletes the message {@code messageId} (one kept as {@code INCOMPLETE} or {@code MALFORMED} whose loss is
     * accepted, so that the queue's alarm can clear) and returns its body, for the record; empty when no message of
     * that id is visible. The messages looked at on the way stay hidden while the search goes on (so that each look
     * sees others), then are made visible again.
     */
    public Optional<String> discard(String messageId, int maxLooks) {
        List<String> passed = new ArrayList<>();
        try {
            for (int look = 0; look < maxLooks; look++) {
                List<Message> got = QueueSample.receive(sqs, queueUrl, QueueSample.SQS_BATCH, 60);
                if (got.isEmpty()) {
                    return Optional.empty();
                }
                Optional<String> found = Optional.empty();
                for (Message m : got) {
                    if (m.messageId().equals(messageId)) {
                        sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
                        found = Optional.of(m.body());
                    } else {
                        passed.add(m.receiptHandle());
                    }
                }
                if (found.isPresent()) {
                    return found;
                }
            }
            return Optional.empty();
        } finally {
            for (String receipt : passed) {
                sqs.changeMessageVisibility(b -> b.queueUrl(queueUrl).receiptHandle(receipt).visibilityTimeout(0));
            }
        }
    }

    /** Messages waiting (visible) in the queue, as SQS approximates it. */
    public int waiting() {
        return Integer.parseInt(sqs.getQueueAttributes(b -> b.queueUrl(queueUrl)
                .attributeNamesWithStrings("ApproximateNumberOfMessages")).attributesAsStrings().get("ApproximateNumberOfMessages"));
    }

    private Outcome replay(Message m) {
        int receives = QueueSample.receiveCount(m);
        BatchInfo info;
        try {
            info = BatchInfo.parse(m.body());
        } catch (IllegalArgumentException e) {
            return new Outcome(m.messageId(), receives, null, Status.MALFORMED, 0, 0, 0, 0, 0, e.getMessage());
        }
        ShardReader.Range range;
        try {
            range = reader.read(info.streamArn(), info.shardId(), info.startSequence(), info.endSequence());
        } catch (RuntimeException e) {
            return new Outcome(m.messageId(), receives, info, Status.FAILED, 0, 0, 0, 0, 0, "reading the range failed: " + e);
        }
        KinesisBatch.Result r;
        try {
            r = batch.process(range.records());
        } catch (RuntimeException e) {
            return new Outcome(m.messageId(), receives, info, Status.FAILED, range.records().size(), 0, 0, 0, 0, "committing failed: " + e);
        }
        if (r.failure() != null) {
            return new Outcome(m.messageId(), receives, info, Status.FAILED, range.records().size(), r.recordsIn(), 0, 0, 0,
                    "committing failed: " + r.failure());
        }
        boolean whole = range.startFound() && !range.records().isEmpty()
                && range.records().get(range.records().size() - 1).sequenceNumber().equals(info.endSequence());
        String problem = whole ? null : "the stream no longer holds the whole range (retention passed?): read "
                + range.records().size() + " of " + (info.batchSize() > 0 ? info.batchSize() : "?") + " records, "
                + (range.startFound() ? "the last one missing" : "the first one missing");
        return new Outcome(m.messageId(), receives, info, whole ? Status.REPLAYED : Status.INCOMPLETE, range.records().size(),
                r.recordsIn(), r.accepted(), r.rejected(), r.duplicates(), problem);
    }
}
