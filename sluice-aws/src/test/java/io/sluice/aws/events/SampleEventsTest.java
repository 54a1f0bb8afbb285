package io.sluice.aws.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** CDR-1, OBJ-1, OBJ-4: the sample events in docs/events, in the documented AWS shapes, decode as documented. */
class SampleEventsTest {
    /** Relative to the module directory, where the build runs the tests. */
    static final Path EVENTS = Path.of("..", "docs", "events");
    private static final String STREAM_ARN = "arn:aws:kinesis:eu-west-1:123456789012:stream/sluice-cdr";
    private static final String BUCKET = "sluice-cdr-incoming-123456789012";

    static InputStream sample(String name) {
        try {
            return Files.newInputStream(EVENTS.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Stream<Path> sampleFiles() throws IOException {
        try (Stream<Path> files = Files.list(EVENTS)) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList().stream();
        }
    }

    private static String text(byte[] data) {
        return new String(data, StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @MethodSource("sampleFiles")
    @DisplayName("every sample event decodes with the decoder of the handler that takes it")
    void everySampleDecodes(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            if (file.getFileName().toString().startsWith("kinesis-")) {
                assertThatCode(() -> KinesisEvents.parse(in)).doesNotThrowAnyException();
            } else if (file.getFileName().toString().startsWith("http-api-")) {
                // TelemetryHandler reads these fields of the HTTP API's payload 2.0 (TelemetryHandlerTest runs it).
                var event = new com.fasterxml.jackson.databind.ObjectMapper().readTree(in);
                assertThat(event.path("version").asText()).isEqualTo("2.0");
                assertThat(event.path("rawPath").asText()).startsWith("/");
                assertThat(event.path("requestContext").path("http").path("method").asText()).isEqualTo("POST");
                assertThat(event.path("headers").path("content-type").asText()).isEqualTo("application/json");
                assertThat(event.path("body").isTextual()).isTrue();
            } else {
                assertThatCode(() -> ObjectEvents.parse(in)).doesNotThrowAnyException();
            }
        }
    }

    @Test
    @DisplayName("docs/events/README.md describes every sample and names no file that is not there")
    void readmeListsEverySample() throws IOException {
        String readme = Files.readString(EVENTS.resolve("README.md"));
        List<String> samples = sampleFiles().map(p -> p.getFileName().toString()).toList();

        assertThat(samples).hasSize(7);
        assertThat(samples).allSatisfy(name -> assertThat(readme).contains("`" + name + "`"));
        assertThat(readme.lines().filter(l -> l.startsWith("- `"))).hasSameSizeAs(samples);
    }

    @Test
    @DisplayName("CDR-1: the Asterisk sample has three records from one shard; the first holds two Master.csv lines")
    void asteriskCsvSample() {
        List<KinesisEventRecord> records = KinesisEvents.parse(sample("kinesis-asterisk-csv.json"));

        assertThat(records).hasSize(3);
        assertThat(records).allSatisfy(r -> {
            assertThat(r.problem()).isNull();
            assertThat(r.eventSourceArn()).isEqualTo(STREAM_ARN);
            assertThat(r.shardId()).isEqualTo("shardId-000000000000");
            assertThat(r.partitionKey()).isEqualTo("pbx-dub-01");
        });
        assertThat(records.get(0).sequenceNumber()).isEqualTo("49657934861052883317450135592744109476236513880651939842");
        assertThat(text(records.get(0).data()).lines()).hasSize(2)
                .allSatisfy(line -> assertThat(line).startsWith("\"acme\","));
        assertThat(text(records.get(1).data())).contains(",199,192,\"ANSWERED\",");
        assertThat(text(records.get(2).data())).as("the invalid CDR: billsec longer than duration").contains(",40,52,");
        assertThat(records).extracting(KinesisEventRecord::sequenceNumber)
                .isSortedAccordingTo(KinesisEvents::compareSequenceNumbers);
    }

    @Test
    @DisplayName("CDR-1: the JSON-lines sample has two records of Sluice JSON lines")
    void jsonLinesSample() {
        List<KinesisEventRecord> records = KinesisEvents.parse(sample("kinesis-json-lines.json"));

        assertThat(records).hasSize(2);
        assertThat(text(records.get(0).data()).lines()).hasSize(2);
        assertThat(records).allSatisfy(r -> assertThat(text(r.data())).startsWith("{\"caller\":").contains("\"disposition\":"));
    }

    @Test
    @DisplayName("OBJ-4: a record whose data is not base64 comes back with the reason; the good record is unharmed")
    void malformedRecordSample() {
        List<KinesisEventRecord> records = KinesisEvents.parse(sample("kinesis-malformed-record.json"));

        assertThat(records).hasSize(2);
        assertThat(records.get(0).problem()).isNull();
        assertThat(text(records.get(0).data())).contains("\"ANSWERED\"");
        assertThat(records.get(1).data()).isNull();
        assertThat(records.get(1).problem()).startsWith("Records[1].kinesis.data: is not base64");
        assertThat(records.get(1).sequenceNumber()).isEqualTo("49657934861052883317450135592757199663257975043894149122");
    }

    @Test
    @DisplayName("OBJ-1: the SQS sample holds an object-created notification with a form-encoded key, and the test event")
    void sqsSample() {
        ObjectEvent event = ObjectEvents.parse(sample("sqs-s3-object-created.json"));

        assertThat(event).isInstanceOf(ObjectEvent.SqsBatch.class);
        List<SqsMessage> messages = ((ObjectEvent.SqsBatch) event).messages();
        assertThat(messages).extracting(SqsMessage::messageId)
                .containsExactly("2e1424d4-f796-459a-8184-9c92662be6da", "9a0c6f55-3b1e-4d2a-9f73-0c8e2b4a6d17");
        assertThat(messages).extracting(SqsMessage::receiveCount).containsExactly(1, 1);

        ObjectNotification first = ObjectEvents.notificationIn(messages.get(0).body());
        assertThat(first).isEqualTo(new ObjectNotification.Objects(List.of(new ObjectRef(BUCKET,
                "incoming/2026/11/Master Nov.csv", 184532, "5f2b8c1d9e4a7b3c6d0e1f2a3b4c5d6e",
                "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY", "0069087A1D5C2B3E41", "ObjectCreated:Put", "eu-west-1"))));
        assertThat(ObjectEvents.notificationIn(messages.get(1).body())).isEqualTo(new ObjectNotification.TestEvent());
    }

    @Test
    @DisplayName("OBJ-2: the same upload has the same identity whether it arrives through SQS or EventBridge")
    void eventBridgeSampleHasTheSameIdentityAsTheSqsOne() {
        ObjectEvent event = ObjectEvents.parse(sample("eventbridge-object-created.json"));

        assertThat(event).isInstanceOf(ObjectEvent.Direct.class);
        ObjectNotification n = ((ObjectEvent.Direct) event).n();
        assertThat(n).isInstanceOf(ObjectNotification.Objects.class);
        ObjectRef ref = ((ObjectNotification.Objects) n).objects().getFirst();
        assertThat(ref.key()).isEqualTo("incoming/2026/11/Master Nov.csv");
        assertThat(ref.eventName()).isEqualTo("Object Created:PutObject");
        assertThat(ref.identity())
                .isEqualTo(BUCKET + "/incoming/2026/11/Master Nov.csv@v:3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY");

        SqsMessage viaSqs = ((ObjectEvent.SqsBatch) ObjectEvents.parse(sample("sqs-s3-object-created.json"))).messages().getFirst();
        ObjectRef sqsRef = ((ObjectNotification.Objects) ObjectEvents.notificationIn(viaSqs.body())).objects().getFirst();
        assertThat(sqsRef.identity()).isEqualTo(ref.identity());
    }

    @Test
    @DisplayName("OBJ-1: an EventBridge event that a rule sent to the queue is read from the message body")
    void eventBridgeEventInsideAnSqsBody() throws IOException {
        ObjectMapper json = new ObjectMapper();
        String eventBridge = Files.readString(EVENTS.resolve("eventbridge-object-created.json"));
        ObjectNode sqs = (ObjectNode) json.readTree(Files.readString(EVENTS.resolve("sqs-malformed-body.json")));
        ((ObjectNode) sqs.get("Records").get(0)).put("body", eventBridge);

        ObjectEvent event = ObjectEvents.parse(new ByteArrayInputStream(json.writeValueAsBytes(sqs)));

        ObjectNotification n = ObjectEvents.notificationIn(((ObjectEvent.SqsBatch) event).messages().getFirst().body());
        assertThat(n).isInstanceOf(ObjectNotification.Objects.class);
        assertThat(((ObjectNotification.Objects) n).objects()).extracting(ObjectRef::key)
                .containsExactly("incoming/2026/11/Master Nov.csv");
    }

    @Test
    @DisplayName("OBJ-4: a body that is not JSON is Malformed with the reason; the envelope still decodes")
    void malformedBodySample() {
        ObjectEvent event = ObjectEvents.parse(sample("sqs-malformed-body.json"));

        List<SqsMessage> messages = ((ObjectEvent.SqsBatch) event).messages();
        assertThat(messages).singleElement().satisfies(m -> {
            assertThat(m.messageId()).isEqualTo("c5b1e7a0-2f4d-4c83-b6e9-7d1a0f3e8b52");
            assertThat(m.receiveCount()).isEqualTo(2);
        });
        ObjectNotification n = ObjectEvents.notificationIn(messages.getFirst().body());
        assertThat(n).isInstanceOf(ObjectNotification.Malformed.class);
        assertThat(((ObjectNotification.Malformed) n).reason()).startsWith("body: is not valid JSON");
    }
}
