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

/** OBJ-1, OBJ-2, OBJ-4, SEC-5: decoding S3 notifications from SQS and EventBridge. */
class ObjectEventsTest {
    private static final String OBJECT = "{\"key\":\"incoming/a.csv\",\"size\":42,\"eTag\":\"0123abcd\",\"sequencer\":\"0A1B\"}";

    private static InputStream json(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    /** An S3 notification body in the documented shape, with the given version, event name and s3.object. */
    private static String s3Body(String eventVersion, String eventName, String object) {
        return """
                {"Records":[{"eventVersion":"%s","eventSource":"aws:s3","awsRegion":"eu-west-1",
                  "eventTime":"2026-11-03T09:30:05.412Z","eventName":"%s",
                  "userIdentity":{"principalId":"AWS:AROA4QWERTYUIOPASDFGH:uploader"},
                  "requestParameters":{"sourceIPAddress":"198.51.100.24"},
                  "responseElements":{"x-amz-request-id":"J7QG4ZK2V9XWM3PB","x-amz-id-2":"q9Xr3mZb7Lk2"},
                  "s3":{"s3SchemaVersion":"1.0","configurationId":"sluice-cdr-object-created",
                    "bucket":{"name":"cdr-in","ownerIdentity":{"principalId":"A2K7QX9D4TLM3B"},"arn":"arn:aws:s3:::cdr-in"},
                    "object":%s}}]}
                """.formatted(eventVersion, eventName, object);
    }

    private static String created(String object) {
        return s3Body("2.1", "ObjectCreated:Put", object);
    }

    private static ObjectRef onlyObject(ObjectNotification n) {
        assertThat(n).isInstanceOf(ObjectNotification.Objects.class);
        return ((ObjectNotification.Objects) n).objects().getFirst();
    }

    private static String malformedReason(ObjectNotification n) {
        assertThat(n).isInstanceOf(ObjectNotification.Malformed.class);
        return ((ObjectNotification.Malformed) n).reason();
    }

    /** An SQS event of one message, with {@code recordFields} replacing the documented messageId and eventSource. */
    private static String sqsEvent(String recordFields) {
        return """
                {"Records":[{%s,"receiptHandle":"AQEBzWwaftRI0KuVm4tP","body":"{}",
                  "attributes":{"ApproximateReceiveCount":"1","SentTimestamp":"1793698205519",
                    "SenderId":"AIDAJQR6QDGQ7PATMSYEY","ApproximateFirstReceiveTimestamp":"1793698205556"},
                  "messageAttributes":{},"md5OfBody":"99914b932bd37a50b983c5e7c90ae93b",
                  "eventSourceARN":"arn:aws:sqs:eu-west-1:123456789012:sluice-object-events","awsRegion":"eu-west-1"}]}
                """.formatted(recordFields);
    }

    private static String nested(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    @Test
    @DisplayName("OBJ-1: a form-encoded key is decoded: '+' is a space, %28 and %29 are parentheses")
    void decodesFormEncodedKeys() {
        ObjectRef ref = onlyObject(ObjectEvents.notificationIn(created(OBJECT.replace("incoming/a.csv", "red+flower%28v2%29.csv"))));

        assertThat(ref.key()).isEqualTo("red flower(v2).csv");
        assertThat(ref.bucket()).isEqualTo("cdr-in");
        assertThat(ref.size()).isEqualTo(42);
        assertThat(ref.region()).isEqualTo("eu-west-1");
        assertThat(ref.eventName()).isEqualTo("ObjectCreated:Put");
        assertThat(ref.sequencer()).isEqualTo("0A1B");
    }

    @Test
    @DisplayName("OBJ-1: a key that is not valid URL encoding is Malformed")
    void rejectsBrokenKeyEncoding() {
        assertThat(malformedReason(ObjectEvents.notificationIn(created(OBJECT.replace("incoming/a.csv", "bad%zz.csv")))))
                .startsWith("body.Records[0].s3.object.key: is 'bad%zz.csv', not URL-encoded");
    }

    @Test
    @DisplayName("OBJ-2: without a versionId the identity uses the ETag, without its quotes")
    void identityUsesTheEtagWithoutVersion() {
        ObjectRef ref = onlyObject(ObjectEvents.notificationIn(created(OBJECT.replace("0123abcd", "\\\"0123abcd\\\""))));

        assertThat(ref.versionId()).isNull();
        assertThat(ref.eTag()).isEqualTo("0123abcd");
        assertThat(ref.identity()).isEqualTo("cdr-in/incoming/a.csv@etag:0123abcd");
    }

    @Test
    @DisplayName("OBJ-2: with a versionId the identity uses the version")
    void identityUsesTheVersion() {
        ObjectRef ref = onlyObject(ObjectEvents.notificationIn(created(OBJECT.replace("}", ",\"versionId\":\"3HL4kq.rmSp\"}"))));

        assertThat(ref.identity()).isEqualTo("cdr-in/incoming/a.csv@v:3HL4kq.rmSp");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"null\"", "null", "\"\""})
    @DisplayName("OBJ-2: S3's 'null' version (versioning suspended), JSON null and empty all mean no version")
    void nullVersionsFallBackToTheEtag(String versionId) {
        ObjectRef ref = onlyObject(ObjectEvents.notificationIn(created(OBJECT.replace("}", ",\"versionId\":" + versionId + "}"))));

        assertThat(ref.versionId()).isNull();
        assertThat(ref.identity()).endsWith("@etag:0123abcd");
    }

    @Test
    @DisplayName("OBJ-1: the s3:TestEvent message is recognised, so that it is acknowledged")
    void recognisesTheTestEvent() {
        String body = "{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\",\"Time\":\"2026-11-01T08:00:00.118Z\","
                + "\"Bucket\":\"cdr-in\",\"RequestId\":\"5582815E1AEA5ADF\",\"HostId\":\"r4Tq8Lw2Zp6Ny0Vb3Kc9\"}";

        assertThat(ObjectEvents.notificationIn(body)).isEqualTo(new ObjectNotification.TestEvent());
    }

    @Test
    @DisplayName("OBJ-1: ObjectRemoved events are Ignored, with the event name, even though they carry no size")
    void ignoresRemovals() {
        ObjectNotification n = ObjectEvents.notificationIn(s3Body("2.1", "ObjectRemoved:Delete",
                "{\"key\":\"incoming/a.csv\",\"sequencer\":\"0A1C\"}"));

        assertThat(n).isEqualTo(new ObjectNotification.Ignored(
                "body.Records[0].eventName: 'ObjectRemoved:Delete' is not an object creation"));
    }

    @Test
    @DisplayName("OBJ-1: of a message with several records, the created objects are kept and removals skipped")
    void keepsCreatedObjectsBesideIgnoredRecords() {
        String removed = s3Body("2.1", "ObjectRemoved:Delete", "{\"key\":\"old.csv\"}");
        String createdRecord = created(OBJECT);
        String both = removed.substring(0, removed.lastIndexOf("]}")) + ","
                + createdRecord.substring(createdRecord.indexOf("[") + 1);

        ObjectNotification n = ObjectEvents.notificationIn(both);

        assertThat(n).isInstanceOf(ObjectNotification.Objects.class);
        assertThat(((ObjectNotification.Objects) n).objects()).extracting(ObjectRef::key).containsExactly("incoming/a.csv");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2.1", "2.2", "2.3", "2.6", "2"})
    @DisplayName("OBJ-4: any eventVersion of major 2 is accepted, and unknown fields are ignored")
    void acceptsEveryMinorVersionOfTwo(String version) {
        String body = s3Body(version, "ObjectCreated:CompleteMultipartUpload",
                OBJECT.replace("}", ",\"storageClass\":\"STANDARD\",\"newField\":{\"x\":[1]}}"));

        assertThat(onlyObject(ObjectEvents.notificationIn(body)).eventName()).isEqualTo("ObjectCreated:CompleteMultipartUpload");
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.0", "1.0", "20.1", "v2"})
    @DisplayName("OBJ-4: an eventVersion of another major version is Malformed")
    void rejectsOtherMajorVersions(String version) {
        assertThat(malformedReason(ObjectEvents.notificationIn(s3Body(version, "ObjectCreated:Put", OBJECT))))
                .isEqualTo("body.Records[0].eventVersion: is '" + version + "', only major version 2 is understood");
    }

    @Test
    @DisplayName("OBJ-4: a negative, fractional or missing size is Malformed")
    void rejectsBadSizes() {
        assertThat(malformedReason(ObjectEvents.notificationIn(created(OBJECT.replace("42", "-1")))))
                .isEqualTo("body.Records[0].s3.object.size: is -1, must be >= 0");
        assertThat(malformedReason(ObjectEvents.notificationIn(created(OBJECT.replace("42", "4.2")))))
                .isEqualTo("body.Records[0].s3.object.size: is '4.2', expected a whole number of bytes");
        assertThat(malformedReason(ObjectEvents.notificationIn(created(OBJECT.replace("\"size\":42,", "")))))
                .isEqualTo("body.Records[0].s3.object.size: is missing");
    }

    @Test
    @DisplayName("OBJ-4: a missing bucket name or key is Malformed, naming the path")
    void rejectsMissingBucketOrKey() {
        assertThat(malformedReason(ObjectEvents.notificationIn(created(OBJECT).replace("\"name\":\"cdr-in\",", ""))))
                .isEqualTo("body.Records[0].s3.bucket.name: is missing");
        assertThat(malformedReason(ObjectEvents.notificationIn(created(OBJECT.replace("\"key\":\"incoming/a.csv\",", "")))))
                .isEqualTo("body.Records[0].s3.object.key: is missing");
        assertThat(malformedReason(ObjectEvents.notificationIn(created(OBJECT.replace("incoming/a.csv", "")))))
                .isEqualTo("body.Records[0].s3.object.key: is empty");
    }

    @Test
    @DisplayName("OBJ-4: a body that is not JSON, or JSON of no known shape, is Malformed and never throws")
    void badBodiesAreMalformed() {
        assertThat(malformedReason(ObjectEvents.notificationIn("incoming/a.csv"))).startsWith("body: is not valid JSON");
        assertThat(malformedReason(ObjectEvents.notificationIn("{\"Records\":[]}"))).isEqualTo("body.Records: is empty");
        assertThat(malformedReason(ObjectEvents.notificationIn("{\"hello\":1}"))).startsWith("body: is none of");
        assertThat(malformedReason(ObjectEvents.notificationIn("{\"a\":1,\"a\":2}"))).contains("Duplicate field 'a'");
    }

    @Test
    @DisplayName("OBJ-4: an SNS envelope says how to fix the subscription")
    void snsEnvelopeNamesTheFix() {
        String sns = "{\"Type\":\"Notification\",\"MessageId\":\"95df01b4\",\"TopicArn\":\"arn:aws:sns:eu-west-1:123456789012:t\","
                + "\"Message\":\"{}\"}";

        assertThat(malformedReason(ObjectEvents.notificationIn(sns))).contains("raw message delivery");
    }

    @Test
    @DisplayName("SEC-5: a body nested 33 levels deep is Malformed; 32 levels are read")
    void deepBodiesAreMalformed() {
        assertThat(malformedReason(ObjectEvents.notificationIn("{\"x\":" + nested(EventNode.MAX_DEPTH) + "}")))
                .startsWith("body: exceeds an input limit");
        assertThat(malformedReason(ObjectEvents.notificationIn("{\"x\":" + nested(EventNode.MAX_DEPTH - 1) + "}")))
                .startsWith("body: is none of");
    }

    @Test
    @DisplayName("SEC-5: an event nested deeper than 32 levels is refused")
    void deepEventsAreRefused() {
        assertThatThrownBy(() -> ObjectEvents.parse(json("{\"Records\":[],\"x\":" + nested(EventNode.MAX_DEPTH) + "}")))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageStartingWith("event: exceeds an input limit");
    }

    @Test
    @DisplayName("SEC-5: an event over 6 MB is refused; one of exactly 6 MB is read")
    void oversizeEventsAreRefused() {
        byte[] limit = new byte[EventNode.MAX_EVENT_BYTES];
        Arrays.fill(limit, (byte) ' ');
        byte[] records = "{\"Records\":[]}".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(records, 0, limit, 0, records.length);
        byte[] over = Arrays.copyOf(limit, limit.length + 1);
        over[limit.length] = ' ';

        assertThat(ObjectEvents.parse(new ByteArrayInputStream(limit))).isEqualTo(new ObjectEvent.SqsBatch(List.of()));
        assertThatThrownBy(() -> ObjectEvents.parse(new ByteArrayInputStream(over)))
                .isInstanceOf(MalformedEventException.class)
                .hasMessage("event: larger than 6291456 bytes, Lambda's synchronous payload limit");
    }

    @Test
    @DisplayName("OBJ-4: an SQS record without messageId breaks the envelope and is refused")
    void rejectsSqsRecordsWithoutMessageId() {
        assertThatThrownBy(() -> ObjectEvents.parse(json(sqsEvent("\"eventSource\":\"aws:sqs\""))))
                .isInstanceOf(MalformedEventException.class)
                .hasMessage("Records[0].messageId: is missing");
    }

    @Test
    @DisplayName("OBJ-4: an S3 notification invoking the function directly is refused, saying how events must arrive")
    void rejectsDirectS3Notifications() {
        assertThatThrownBy(() -> ObjectEvents.parse(json(created(OBJECT))))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageStartingWith("Records[0].eventSource: is 'aws:s3', expected 'aws:sqs'")
                .hasMessageContaining("through SQS or EventBridge");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "one", "", "99999999999"})
    @DisplayName("OBJ-4: an ApproximateReceiveCount that is not a count >= 1 is refused")
    void rejectsBadReceiveCounts(String count) {
        String event = sqsEvent("\"messageId\":\"2e1424d4\",\"eventSource\":\"aws:sqs\"")
                .replace("\"ApproximateReceiveCount\":\"1\"", "\"ApproximateReceiveCount\":\"" + count + "\"");

        assertThatThrownBy(() -> ObjectEvents.parse(json(event)))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageStartingWith("Records[0].attributes.ApproximateReceiveCount: ");
    }

    @Test
    @DisplayName("OBJ-4: an event that is neither SQS nor EventBridge is refused")
    void rejectsUnknownEnvelopes() {
        assertThatThrownBy(() -> ObjectEvents.parse(json("{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\"}")))
                .isInstanceOf(MalformedEventException.class)
                .hasMessage("event: is neither an SQS event (Records) nor an EventBridge event (detail-type)");
    }

    @Test
    @DisplayName("OBJ-1: an EventBridge key is taken as written, not URL-decoded; etag is lower case")
    void eventBridgeKeysAreNotDecoded() {
        String event = eventBridge("Object Created", "\"key\":\"a+b%28c%29.csv\",\"size\":5,\"etag\":\"b1946ac9\"");

        ObjectRef ref = onlyObject(((ObjectEvent.Direct) ObjectEvents.parse(json(event))).n());

        assertThat(ref.key()).isEqualTo("a+b%28c%29.csv");
        assertThat(ref.identity()).isEqualTo("cdr-in/a+b%28c%29.csv@etag:b1946ac9");
    }

    @Test
    @DisplayName("OBJ-1: other S3 EventBridge events are Ignored; a bad one is Malformed, not thrown")
    void otherEventBridgeEvents() {
        ObjectNotification deleted = ((ObjectEvent.Direct) ObjectEvents.parse(json(eventBridge("Object Deleted",
                "\"key\":\"a.csv\",\"sequencer\":\"617f\"")))).n();
        ObjectNotification noEtag = ((ObjectEvent.Direct) ObjectEvents.parse(json(eventBridge("Object Created",
                "\"key\":\"a.csv\",\"size\":5")))).n();
        ObjectNotification otherSource = ((ObjectEvent.Direct) ObjectEvents.parse(json(eventBridge("Object Created",
                "\"key\":\"a.csv\"").replace("aws.s3", "aws.ec2")))).n();

        assertThat(deleted).isEqualTo(new ObjectNotification.Ignored("detail-type: 'Object Deleted' is not an object creation"));
        assertThat(malformedReason(noEtag)).isEqualTo("detail.object.etag: is missing");
        assertThat(malformedReason(otherSource)).isEqualTo("source: is 'aws.ec2', expected 'aws.s3'");
    }

    private static String eventBridge(String detailType, String objectFields) {
        return """
                {"version":"0","id":"6f9c2d41-8a3b-2e7f-c015-4b8d9e0a1c3f","detail-type":"%s","source":"aws.s3",
                 "account":"123456789012","time":"2026-11-03T09:30:05Z","region":"eu-west-1",
                 "resources":["arn:aws:s3:::cdr-in"],
                 "detail":{"version":"0","bucket":{"name":"cdr-in"},"object":{%s},
                   "request-id":"J7QG4ZK2V9XWM3PB","requester":"123456789012","source-ip-address":"198.51.100.24"}}
                """.formatted(detailType, objectFields);
    }
}
