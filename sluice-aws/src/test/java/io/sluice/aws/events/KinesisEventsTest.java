package io.sluice.aws.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** CDR-1, OBJ-4, SEC-5: decoding the Kinesis event source mapping's event. */
class KinesisEventsTest {
    private static final String SEQ_56 = "49590338271490256608559692538361571095921575989136588898";
    private static final String SEQ_57 = "100000000000000000000000000000000000000000000000000000000";

    private static InputStream json(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    /** One record; {@code kinesisFields} and {@code recordFields} are spliced into the documented shape. */
    private static String event(String kinesisFields, String recordFields) {
        return """
                {"Records":[{"kinesis":{"kinesisSchemaVersion":"1.0","partitionKey":"pbx-dub-01",%s,
                  "approximateArrivalTimestamp":1793697419.512},
                 "eventSource":"aws:kinesis","eventVersion":"1.0","eventName":"aws:kinesis:record",
                 "invokeIdentityArn":"arn:aws:iam::123456789012:role/sluice-cdr-stream-handler","awsRegion":"eu-west-1",
                 "eventSourceARN":"arn:aws:kinesis:eu-west-1:123456789012:stream/sluice-cdr"%s}]}
                """.formatted(kinesisFields, recordFields);
    }

    private static String event(String sequenceNumber) {
        return event("\"sequenceNumber\":" + sequenceNumber + ",\"data\":\"Q0RS\"",
                ",\"eventID\":\"shardId-000000000006:" + SEQ_56 + "\"");
    }

    @Test
    @DisplayName("CDR-1: a record carries its stream, its shard from eventID, sequence number, partition key and data")
    void readsTheDocumentedFields() {
        KinesisEventRecord r = KinesisEvents.parse(json(event("\"" + SEQ_56 + "\""))).getFirst();

        assertThat(r.eventSourceArn()).isEqualTo("arn:aws:kinesis:eu-west-1:123456789012:stream/sluice-cdr");
        assertThat(r.shardId()).isEqualTo("shardId-000000000006");
        assertThat(r.sequenceNumber()).isEqualTo(SEQ_56);
        assertThat(r.partitionKey()).isEqualTo("pbx-dub-01");
        assertThat(r.data()).asString(StandardCharsets.UTF_8).isEqualTo("CDR");
        assertThat(r.problem()).isNull();
    }

    @Test
    @DisplayName("CDR-1: without eventID the shard is unknown-shard")
    void shardIsUnknownWithoutEventId() {
        KinesisEventRecord r = KinesisEvents.parse(json(event("\"sequenceNumber\":\"0\",\"data\":\"\"", ""))).getFirst();

        assertThat(r.shardId()).isEqualTo(KinesisEvents.UNKNOWN_SHARD).isEqualTo("unknown-shard");
        assertThat(r.sequenceNumber()).isEqualTo("0");
        assertThat(r.data()).isEmpty();
    }

    @Test
    @DisplayName("OBJ-4: an eventID without a shard part is refused")
    void rejectsEventIdWithoutShard() {
        assertThatThrownBy(() -> KinesisEvents.parse(json(event("\"sequenceNumber\":\"1\",\"data\":\"\"",
                ",\"eventID\":\"" + SEQ_56 + "\""))))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageStartingWith("Records[0].eventID: ");
    }

    @Test
    @DisplayName("OBJ-4: missing data is the record's problem, not the batch's")
    void missingDataIsARecordProblem() {
        List<KinesisEventRecord> records = KinesisEvents.parse(json(event("\"sequenceNumber\":\"7\"", "")));

        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.data()).isNull();
            assertThat(r.problem()).isEqualTo("Records[0].kinesis.data: is missing");
        });
    }

    @Test
    @DisplayName("OBJ-4: data that is not a string is the record's problem")
    void nonTextDataIsARecordProblem() {
        KinesisEventRecord r = KinesisEvents.parse(json(event("\"sequenceNumber\":\"7\",\"data\":42", ""))).getFirst();

        assertThat(r.problem()).isEqualTo("Records[0].kinesis.data: is a number, expected base64 text");
    }

    @Test
    @DisplayName("OBJ-4: text that is not JSON is refused as a whole")
    void rejectsNotJson() {
        assertThatThrownBy(() -> KinesisEvents.parse(json("Records: none")))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageStartingWith("event: is not valid JSON")
                .hasMessageContaining("line 1, column");
    }

    @Test
    @DisplayName("OBJ-4: an empty input and a JSON array are refused")
    void rejectsEmptyAndNonObjectInput() {
        assertThatThrownBy(() -> KinesisEvents.parse(json("")))
                .isInstanceOf(MalformedEventException.class).hasMessage("event: is empty, expected a JSON object");
        assertThatThrownBy(() -> KinesisEvents.parse(json("[]")))
                .isInstanceOf(MalformedEventException.class).hasMessage("event: is an array, expected an object");
    }

    @Test
    @DisplayName("OBJ-4: an event without Records, or with Records that is not an array, is refused")
    void rejectsMissingRecords() {
        assertThatThrownBy(() -> KinesisEvents.parse(json("{\"records\":[]}")))
                .isInstanceOf(MalformedEventException.class).hasMessage("Records: is missing");
        assertThatThrownBy(() -> KinesisEvents.parse(json("{\"Records\":{}}")))
                .isInstanceOf(MalformedEventException.class).hasMessage("Records: is an object, expected an array");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"0123\"", "\"12a4\"", "\"-1\"", "\"\"", "12345", "\"1e10\"", "\" 1\""})
    @DisplayName("OBJ-4: a sequence number that is not 0|[1-9]\\d{0,128} (as a string) is refused, naming its path")
    void rejectsBadSequenceNumbers(String sequenceNumber) {
        assertThatThrownBy(() -> KinesisEvents.parse(json(event(sequenceNumber))))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageStartingWith("Records[0].kinesis.sequenceNumber: ")
                .extracting(e -> ((MalformedEventException) e).where()).isEqualTo("Records[0].kinesis.sequenceNumber");
    }

    @Test
    @DisplayName("OBJ-4: 129 digits is the longest sequence number; 130 is refused")
    void sequenceNumbersHaveAtMost129Digits() {
        String longest = "9".repeat(129);

        assertThat(KinesisEvents.parse(json(event("\"" + longest + "\""))).getFirst().sequenceNumber()).isEqualTo(longest);
        assertThatThrownBy(() -> KinesisEvents.parse(json(event("\"1" + "0".repeat(129) + "\""))))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("not a Kinesis sequence number");
    }

    @Test
    @DisplayName("OBJ-4: a problem in the fourth record names Records[3]")
    void pathNamesTheRecordIndex() {
        String good = "{\"kinesis\":{\"partitionKey\":\"k\",\"sequenceNumber\":\"1\",\"data\":\"\"},"
                + "\"eventSource\":\"aws:kinesis\",\"eventSourceARN\":\"arn:aws:kinesis:eu-west-1:123456789012:stream/s\"}";
        String bad = good.replace("\"1\"", "\"01\"");

        assertThatThrownBy(() -> KinesisEvents.parse(json("{\"Records\":[" + good + "," + good + "," + good + "," + bad + "]}")))
                .isInstanceOf(MalformedEventException.class)
                .hasMessage("Records[3].kinesis.sequenceNumber: is '01', not a Kinesis sequence number (0|[1-9]\\d{0,128})");
    }

    @Test
    @DisplayName("OBJ-4: a record from another event source is refused")
    void rejectsOtherEventSources() {
        assertThatThrownBy(() -> KinesisEvents.parse(json(event("\"" + SEQ_56 + "\"").replace("aws:kinesis\"", "aws:dynamodb\""))))
                .isInstanceOf(MalformedEventException.class)
                .hasMessage("Records[0].eventSource: is 'aws:dynamodb', expected 'aws:kinesis'");
    }

    @Test
    @DisplayName("OBJ-4: control characters from the event are not echoed into messages")
    void messagesDoNotEchoControlCharacters() {
        assertThatThrownBy(() -> KinesisEvents.parse(json(event("\"12\\nFAKE LOG LINE\""))))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("'12?FAKE LOG LINE'")
                .message().doesNotContain("\n");
    }

    @Test
    @DisplayName("CDR-12: a 57-digit sequence number is larger than a 56-digit one, though it sorts first as text")
    void comparesByLengthFirst() {
        assertThat(SEQ_57.compareTo(SEQ_56)).as("text order").isNegative();

        assertThat(KinesisEvents.compareSequenceNumbers(SEQ_57, SEQ_56)).isPositive();
        assertThat(KinesisEvents.compareSequenceNumbers(SEQ_56, SEQ_57)).isNegative();
        assertThat(KinesisEvents.compareSequenceNumbers("9", "10")).isNegative();
    }

    @Test
    @DisplayName("CDR-12: sequence numbers of equal length compare digit by digit")
    void comparesEqualLengthsDigitByDigit() {
        String next = SEQ_56.substring(0, 55) + "9";

        assertThat(KinesisEvents.compareSequenceNumbers(SEQ_56, next)).isEqualTo(-1);
        assertThat(KinesisEvents.compareSequenceNumbers(next, SEQ_56)).isEqualTo(1);
        assertThat(KinesisEvents.compareSequenceNumbers(SEQ_56, new String(SEQ_56))).isZero();
        assertThat(KinesisEvents.compareSequenceNumbers("0", "0")).isZero();
    }

    @Test
    @DisplayName("CDR-12: comparing something that is not a sequence number is a programming error")
    void compareRefusesNonSequenceNumbers() {
        assertThatThrownBy(() -> KinesisEvents.compareSequenceNumbers("007", "7"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'007'");
    }

    @Test
    @DisplayName("CDR-12: padded sequence numbers have 129 digits and sort as text the way the numbers sort")
    void paddedSortsLikeTheNumbers() {
        List<String> seqs = List.of("0", "9", "10", SEQ_56, SEQ_57, "9".repeat(129), SEQ_56.substring(0, 55) + "9");

        assertThat(KinesisEvents.padded(SEQ_56)).hasSize(129).startsWith("0".repeat(73)).endsWith(SEQ_56);
        assertThat(KinesisEvents.padded("9".repeat(129))).isEqualTo("9".repeat(129));
        for (String a : seqs) {
            for (String b : seqs) {
                assertThat(Integer.signum(KinesisEvents.padded(a).compareTo(KinesisEvents.padded(b))))
                        .as("%s vs %s", a, b).isEqualTo(KinesisEvents.compareSequenceNumbers(a, b));
            }
        }
        assertThatThrownBy(() -> KinesisEvents.padded("x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("SEC-5: a Kinesis event over 6 MB is refused before it is parsed")
    void rejectsOversizeEvents() {
        byte[] big = new byte[EventNode.MAX_EVENT_BYTES + 1];
        Arrays.fill(big, (byte) ' ');

        assertThatThrownBy(() -> KinesisEvents.parse(new ByteArrayInputStream(big)))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageStartingWith("event: larger than 6291456 bytes");
    }
}
