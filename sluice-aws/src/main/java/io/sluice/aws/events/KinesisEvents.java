package io.sluice.aws.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Decodes the event a Kinesis event source mapping sends to {@code CdrStreamHandler} (CDR-1), in the shape documented
 * at https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html: {@code Records[]} of
 * {@code kinesis{partitionKey, sequenceNumber, data}}, {@code eventSource}, {@code eventID} and
 * {@code eventSourceARN}; other fields are ignored.
 *
 * <p>What Lambda writes must be right, or the whole event is refused with {@link MalformedEventException} (OBJ-4):
 * not JSON, over 6 MB or nested deeper than 32 (SEC-5), no {@code Records}, a sequence number that is not one, an
 * {@code eventSource} other than {@code aws:kinesis}. What the producer wrote, the data, is checked per record and
 * reported in {@link KinesisEventRecord#problem()}: one bad record must not make Lambda retry the batch until the
 * record expires (AWS-CONTRACTS.md section 1).
 */
public final class KinesisEvents {
    /** The shard id given to records of an event without {@code eventID}, the only place the shard id appears. */
    public static final String UNKNOWN_SHARD = "unknown-shard";
    /** Kinesis sequence numbers match {@code 0|[1-9]\d{0,128}} (Kinesis API reference, Record). */
    private static final int MAX_SEQUENCE_DIGITS = 129;

    private KinesisEvents() {
    }

    /** The records of one invocation, in delivery order. */
    public static List<KinesisEventRecord> parse(InputStream json) {
        EventNode records = EventNode.read(json, "event").array("Records");
        List<KinesisEventRecord> out = new ArrayList<>(records.count());
        for (int i = 0; i < records.count(); i++) {
            out.add(record(records.element(i)));
        }
        return List.copyOf(out);
    }

    /**
     * Orders two sequence numbers as the numbers they are, without parsing them: the longer is larger (there are no
     * leading zeros), equal lengths compare digit by digit. Text order alone would put {@code 9} after {@code 10}.
     *
     * @throws IllegalArgumentException if either is not a sequence number
     */
    public static int compareSequenceNumbers(String a, String b) {
        requireSequenceNumber(a);
        requireSequenceNumber(b);
        return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : Integer.signum(a.compareTo(b));
    }

    /**
     * The sequence number left-padded with zeros to 129 digits, so that stores which only compare text (DynamoDB
     * sort keys, S3 names) order them as numbers.
     *
     * @throws IllegalArgumentException if {@code seq} is not a sequence number
     */
    public static String padded(String seq) {
        requireSequenceNumber(seq);
        return "0".repeat(MAX_SEQUENCE_DIGITS - seq.length()) + seq;
    }

    /** True for {@code 0|[1-9]\d{0,128}}, checked without a regular expression: this runs for every record. */
    static boolean isSequenceNumber(String s) {
        if (s.isEmpty() || s.length() > MAX_SEQUENCE_DIGITS || (s.charAt(0) == '0' && s.length() > 1)) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static void requireSequenceNumber(String s) {
        if (!isSequenceNumber(s)) {
            throw new IllegalArgumentException("not a Kinesis sequence number (0|[1-9]\\d{0,128}): " + EventNode.quote(s));
        }
    }

    private static KinesisEventRecord record(EventNode r) {
        String source = r.text("eventSource");
        if (!source.equals("aws:kinesis")) {
            throw r.problem("eventSource", "is " + EventNode.quote(source) + ", expected 'aws:kinesis'");
        }
        String arn = r.text("eventSourceARN");
        EventNode kinesis = r.object("kinesis");
        String seq = kinesis.text("sequenceNumber");
        if (!isSequenceNumber(seq)) {
            throw kinesis.problem("sequenceNumber",
                    "is " + EventNode.quote(seq) + ", not a Kinesis sequence number (0|[1-9]\\d{0,128})");
        }
        String partitionKey = kinesis.text("partitionKey");
        String shardId = shardId(r);
        String dataPath = kinesis.pathOf("data");
        JsonNode data = kinesis.json().get("data");
        if (data == null || data.isNull()) {
            return new KinesisEventRecord(arn, shardId, seq, partitionKey, null, dataPath + ": is missing", null);
        }
        if (!data.isTextual()) {
            return new KinesisEventRecord(arn, shardId, seq, partitionKey, null,
                    dataPath + ": is " + EventNode.kind(data) + ", expected base64 text", data.toString());
        }
        try {
            return new KinesisEventRecord(arn, shardId, seq, partitionKey, Base64.getDecoder().decode(data.textValue()), null, null);
        } catch (IllegalArgumentException e) {
            return new KinesisEventRecord(arn, shardId, seq, partitionKey, null,
                    dataPath + ": is not base64 (" + e.getMessage() + ")", data.textValue());
        }
    }

    /** The text before the last ':' of {@code eventID} ({@code shardId-000000000006:<sequence number>}). */
    private static String shardId(EventNode r) {
        String eventId = r.optionalText("eventID");
        if (eventId == null) {
            return UNKNOWN_SHARD;
        }
        int colon = eventId.lastIndexOf(':');
        if (colon <= 0) {
            throw r.problem("eventID", "is " + EventNode.quote(eventId) + ", expected <shardId>:<sequenceNumber>");
        }
        return eventId.substring(0, colon);
    }
}
