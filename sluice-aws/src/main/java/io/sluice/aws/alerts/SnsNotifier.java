package io.sluice.aws.alerts;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.sluice.core.pipeline.Notifier;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.PublishRequest;

/**
 * Alerts to an SNS topic (CDR-10, IOT-4, MON-3). SNS refuses a publish that breaks its rules instead of trimming
 * it, and an alert refused is worse than an alert shortened, so each alert is fitted to the rules of Publish
 * (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html and the {@code MessageAttributeValue} page) first:
 * <ul>
 *   <li>Subject: ASCII without line breaks or control characters, less than 100 characters, starting with a
 *       letter, digit or punctuation mark. Line breaks and tabs become spaces, other characters {@code ?}, outer
 *       spaces go, and a longer subject is cut to {@value #MAX_SUBJECT_CHARS} characters ending in {@code ...}.</li>
 *   <li>Message: at most 256 KiB of UTF-8, and the attributes' names, types and values count toward that limit
 *       too (the subject is counted as well, to be safe). A longer message is cut on a character boundary and ends
 *       with a line saying it was truncated and how long it was. SNS refuses an empty message: the subject is
 *       sent as the message instead.</li>
 *   <li>Attributes: String attributes, for subscription filter policies; one with an empty value is left out,
 *       because SNS refuses empty values.</li>
 * </ul>
 * Errors of the client propagate: the caller decides whether a lost alert fails its batch ({@link Notifier}).
 */
public final class SnsNotifier implements Notifier {
    static final int MAX_SUBJECT_CHARS = 99;
    static final int MAX_MESSAGE_BYTES = 256 * 1024;
    private static final String STRING_TYPE = "String";

    private final SnsClient client;
    private final String topicArn;

    public SnsNotifier(SnsClient client, String topicArn) {
        this.client = client;
        this.topicArn = topicArn;
    }

    @Override
    public void notify(Alert alert) {
        String subject = subject(alert.subject());
        Map<String, MessageAttributeValue> attributes = new HashMap<>();
        int budget = MAX_MESSAGE_BYTES - subject.length();
        for (Map.Entry<String, String> a : alert.attributes().entrySet()) {
            if (!a.getValue().isEmpty()) {
                attributes.put(a.getKey(), MessageAttributeValue.builder().dataType(STRING_TYPE).stringValue(a.getValue()).build());
                budget -= utf8Length(a.getKey()) + STRING_TYPE.length() + utf8Length(a.getValue());
            }
        }
        String message = alert.message().isBlank() ? alert.subject() : alert.message();
        client.publish(PublishRequest.builder()
                .topicArn(topicArn)
                .subject(subject)
                .message(fit(message, budget))
                .messageAttributes(attributes)
                .build());
    }

    /** The subject as SNS takes it: printable ASCII, one line, fewer than 100 characters. */
    static String subject(String text) {
        StringBuilder b = new StringBuilder(text.length());
        text.codePoints().forEach(c -> b.append(c == '\n' || c == '\r' || c == '\t' ? ' ' : c >= 0x20 && c <= 0x7e ? (char) c : '?'));
        String s = b.toString().strip();
        return s.length() <= MAX_SUBJECT_CHARS ? s : s.substring(0, MAX_SUBJECT_CHARS - 3).stripTrailing() + "...";
    }

    /** {@code text} if its UTF-8 fits in {@code maxBytes}; else its longest prefix that fits with a note saying so. */
    static String fit(String text, int maxBytes) {
        byte[] utf8 = text.getBytes(UTF_8);
        if (utf8.length <= maxBytes) {
            return text;
        }
        String note = "\n[Message truncated by Sluice: it had " + utf8.length + " bytes, more than SNS takes]";
        int keep = Math.max(0, maxBytes - note.length());
        // Never cut inside a character: step back over UTF-8 continuation bytes (10xxxxxx).
        while (keep > 0 && (utf8[keep] & 0xC0) == 0x80) {
            keep--;
        }
        return new String(utf8, 0, keep, UTF_8) + note;
    }

    private static int utf8Length(String s) {
        return s.getBytes(UTF_8).length;
    }
}
