package io.sluice.aws.events;

import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Decodes the events of {@code CdrObjectHandler} (CDR-1, OBJ-1): S3 object-created notifications that reach it
 * through an SQS queue, or EventBridge "Object Created" events. Shapes, as documented:
 * <ul>
 * <li>SQS event: https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html; each body is an S3 event notification
 *     (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html), the
 *     {@code s3:TestEvent} message, or an EventBridge event a rule sent to the queue;</li>
 * <li>EventBridge event: https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html.</li>
 * </ul>
 *
 * <p>A broken envelope throws {@link MalformedEventException}: not JSON, over 6 MB or nested deeper than 32 (SEC-5),
 * or an SQS record without what SQS always writes. A body never throws: {@link #notificationIn} returns
 * {@link ObjectNotification.Malformed} with the reason, the handler dead-letters that one message and acknowledges the
 * rest (OBJ-4). Unknown fields are ignored and any {@code eventVersion} 2.x is accepted, as S3's page recommends; a
 * new major version is Malformed rather than guessed at.
 */
public final class ObjectEvents {
    private static final String CREATED_PREFIX = "ObjectCreated:";
    private static final String EVENTBRIDGE_CREATED = "Object Created";

    private ObjectEvents() {
    }

    /** The SQS batch or the direct EventBridge event of one invocation. */
    public static ObjectEvent parse(InputStream json) {
        EventNode event = EventNode.read(json, "event");
        if (event.has("Records")) {
            return new ObjectEvent.SqsBatch(sqsMessages(event.array("Records")));
        }
        if (event.has("detail-type")) {
            return new ObjectEvent.Direct(decodeOrMalformed(event));
        }
        throw new MalformedEventException("event",
                "is neither an SQS event (Records) nor an EventBridge event (detail-type)");
    }

    /**
     * What an SQS message body says. Never throws for a bad body: the reason comes back as
     * {@link ObjectNotification.Malformed}, its JSON path starting with {@code body}. A body nested deeper than 32
     * levels is Malformed too (SEC-5).
     */
    public static ObjectNotification notificationIn(String body) {
        Objects.requireNonNull(body, "body");
        EventNode node;
        try {
            node = EventNode.read(body, "body");
        } catch (MalformedEventException e) {
            return new ObjectNotification.Malformed(e.getMessage());
        }
        return decodeOrMalformed(node);
    }

    private static List<SqsMessage> sqsMessages(EventNode records) {
        List<SqsMessage> messages = new ArrayList<>(records.count());
        for (int i = 0; i < records.count(); i++) {
            EventNode r = records.element(i);
            String source = r.text("eventSource");
            if (!source.equals("aws:sqs")) {
                throw r.problem("eventSource", "is " + EventNode.quote(source)
                        + ", expected 'aws:sqs' (S3 notifications reach this function through SQS or EventBridge)");
            }
            String messageId = r.text("messageId");
            String body = r.text("body");
            messages.add(new SqsMessage(messageId, receiveCount(r.object("attributes")), body));
        }
        return messages;
    }

    private static int receiveCount(EventNode attributes) {
        String count = attributes.text("ApproximateReceiveCount");
        boolean digits = count.length() <= 9 && count.chars().allMatch(c -> c >= '0' && c <= '9');
        int n = digits ? Integer.parseInt(count) : 0;
        if (n < 1) {
            throw attributes.problem("ApproximateReceiveCount", "is " + EventNode.quote(count) + ", expected a count >= 1");
        }
        return n;
    }

    private static ObjectNotification decodeOrMalformed(EventNode node) {
        try {
            return decode(node);
        } catch (MalformedEventException e) {
            return new ObjectNotification.Malformed(e.getMessage());
        }
    }

    private static ObjectNotification decode(EventNode node) {
        if (node.has("Records")) {
            return s3Notification(node.array("Records"));
        }
        if ("s3:TestEvent".equals(node.json().path("Event").textValue())) {
            return new ObjectNotification.TestEvent();
        }
        if (node.has("detail-type")) {
            return eventBridge(node);
        }
        if (node.has("TopicArn") && node.has("Message")) {
            throw new MalformedEventException(node.path(),
                    "is an SNS envelope, not an S3 event: turn on raw message delivery on the SNS subscription");
        }
        throw new MalformedEventException(node.path(),
                "is none of an S3 event notification (Records), the s3:TestEvent message, an EventBridge event (detail-type)");
    }

    /**
     * An S3 event notification. S3 sends one record per message; should a message hold several, the created objects
     * are processed and the others acknowledged, so it is Ignored only when none is an object creation.
     */
    private static ObjectNotification s3Notification(EventNode records) {
        if (records.count() == 0) {
            throw new MalformedEventException(records.path(), "is empty");
        }
        List<ObjectRef> created = new ArrayList<>();
        String firstIgnored = null;
        for (int i = 0; i < records.count(); i++) {
            EventNode r = records.element(i);
            String source = r.text("eventSource");
            if (!source.equals("aws:s3")) {
                throw r.problem("eventSource", "is " + EventNode.quote(source) + ", expected 'aws:s3'");
            }
            String version = r.text("eventVersion");
            if (!version.equals("2") && !version.startsWith("2.")) {
                throw r.problem("eventVersion", "is " + EventNode.quote(version) + ", only major version 2 is understood");
            }
            String eventName = r.text("eventName");
            if (eventName.startsWith(CREATED_PREFIX)) {
                created.add(s3Object(r, eventName));
            } else if (firstIgnored == null) {
                firstIgnored = r.pathOf("eventName") + ": " + EventNode.quote(eventName) + " is not an object creation";
            }
        }
        return created.isEmpty() ? new ObjectNotification.Ignored(firstIgnored) : new ObjectNotification.Objects(created);
    }

    private static ObjectRef s3Object(EventNode r, String eventName) {
        EventNode s3 = r.object("s3");
        EventNode object = s3.object("object");
        return new ObjectRef(s3.object("bucket").text("name"), decodedKey(object), object.byteCount("size"),
                object.text("eTag"), object.optionalText("versionId"), object.optionalText("sequencer"), eventName,
                r.text("awsRegion"));
    }

    /** S3 notifications URL-encode the key, form style: {@code red flower.jpg} arrives as {@code red+flower.jpg}. */
    private static String decodedKey(EventNode object) {
        String encoded = object.text("key");
        try {
            return URLDecoder.decode(encoded, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw object.problem("key",
                    "is " + EventNode.quote(encoded) + ", not URL-encoded as S3 writes keys (" + e.getMessage() + ")");
        }
    }

    /** An EventBridge event from S3: kebab-case keys, {@code etag} in lower case, the key not URL-encoded. */
    private static ObjectNotification eventBridge(EventNode event) {
        String source = event.text("source");
        if (!source.equals("aws.s3")) {
            throw event.problem("source", "is " + EventNode.quote(source) + ", expected 'aws.s3'");
        }
        String detailType = event.text("detail-type");
        if (!detailType.equals(EVENTBRIDGE_CREATED)) {
            return new ObjectNotification.Ignored(
                    event.pathOf("detail-type") + ": " + EventNode.quote(detailType) + " is not an object creation");
        }
        EventNode detail = event.object("detail");
        EventNode object = detail.object("object");
        String reason = detail.optionalText("reason");
        return new ObjectNotification.Objects(List.of(new ObjectRef(detail.object("bucket").text("name"),
                object.text("key"), object.byteCount("size"), object.text("etag"), object.optionalText("version-id"),
                object.optionalText("sequencer"), reason == null ? detailType : detailType + ":" + reason,
                event.text("region"))));
    }
}
