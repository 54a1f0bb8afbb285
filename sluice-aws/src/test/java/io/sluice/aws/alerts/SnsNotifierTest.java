package io.sluice.aws.alerts;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.pipeline.Notifier.Alert;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.PublishRequest;
import software.amazon.awssdk.services.sns.model.PublishResponse;
import software.amazon.awssdk.services.sns.model.SnsException;

/** The SNS notifier against a hand-written client that records each publish. */
class SnsNotifierTest {
    private static final String TOPIC = "arn:aws:sns:eu-central-1:123456789012:sluice-alerts";
    private static final int LIMIT = 256 * 1024;

    private final List<PublishRequest> published = new ArrayList<>();
    private final SnsClient sns = new SnsClient() {
        @Override
        public PublishResponse publish(PublishRequest request) {
            published.add(request);
            return PublishResponse.builder().messageId("m-" + published.size()).build();
        }

        @Override
        public String serviceName() {
            return "sns";
        }

        @Override
        public void close() {
        }
    };
    private final SnsNotifier notifier = new SnsNotifier(sns, TOPIC);

    private PublishRequest only() {
        assertThat(published).hasSize(1);
        return published.get(0);
    }

    /** What SNS counts toward its 256 KiB: message, attributes (name, type, value) and, to be safe, the subject. */
    private static int countedBytes(PublishRequest r) {
        int bytes = r.message().getBytes(UTF_8).length + r.subject().length();
        for (Map.Entry<String, MessageAttributeValue> a : r.messageAttributes().entrySet()) {
            bytes += a.getKey().getBytes(UTF_8).length + a.getValue().dataType().length() + a.getValue().stringValue().getBytes(UTF_8).length;
        }
        return bytes;
    }

    @Test
    @DisplayName("CDR-10: an alert is published to the topic with its subject, message and String attributes")
    void publishesTheAlert() {
        notifier.notify(new Alert("International burst on +4930123456", "42 international calls in 5 minutes",
                Map.of("rule", "international-burst", "severity", "high")));

        PublishRequest r = only();
        assertThat(r.topicArn()).isEqualTo(TOPIC);
        assertThat(r.subject()).isEqualTo("International burst on +4930123456");
        assertThat(r.message()).isEqualTo("42 international calls in 5 minutes");
        assertThat(r.messageAttributes()).containsOnlyKeys("rule", "severity");
        assertThat(r.messageAttributes().get("rule")).satisfies(v -> {
            assertThat(v.dataType()).isEqualTo("String");
            assertThat(v.stringValue()).isEqualTo("international-burst");
        });
        assertThat(r.messageAttributes().get("severity").stringValue()).isEqualTo("high");
    }

    @Test
    @DisplayName("SNS subject rules: line breaks and tabs become spaces, other non-printable or non-ASCII characters '?'")
    void subjectBecomesOnePrintableAsciiLine() {
        notifier.notify(new Alert("  Short calls\r\non\ttrunk Zürich \u2014 \uD83D\uDCDE\u0007  ", "body", Map.of()));

        assertThat(only().subject()).isEqualTo("Short calls  on trunk Z?rich ? ??");
        assertThat(only().subject()).matches("[\\x21-\\x7e][\\x20-\\x7e]*");
    }

    @Test
    @DisplayName("SNS subject rules: a subject of 100 characters or more is cut to 99, ending in '...'")
    void longSubjectIsCut() {
        notifier.notify(new Alert("x".repeat(99), "body", Map.of()));
        notifier.notify(new Alert("y".repeat(100), "body", Map.of()));
        notifier.notify(new Alert("Usage far above baseline for " + "z".repeat(200), "body", Map.of()));

        assertThat(published.get(0).subject()).isEqualTo("x".repeat(99));
        assertThat(published.get(1).subject()).isEqualTo("y".repeat(96) + "...");
        assertThat(published.get(2).subject()).hasSize(99).startsWith("Usage far above baseline for zzz").endsWith("z...");
    }

    @Test
    @DisplayName("SNS message limit: a message that fits with its attributes is sent whole, one byte more is truncated")
    void messageAtTheLimit() {
        Map<String, String> attributes = Map.of("rule", "short-call-flood");
        String subject = "Flood";
        int fits = LIMIT - subject.length() - ("rule".length() + "String".length() + "short-call-flood".length());

        notifier.notify(new Alert(subject, "a".repeat(fits), attributes));
        notifier.notify(new Alert(subject, "a".repeat(fits + 1), attributes));

        assertThat(published.get(0).message()).isEqualTo("a".repeat(fits));
        assertThat(countedBytes(published.get(0))).isEqualTo(LIMIT);
        assertThat(published.get(1).message()).startsWith("aaa").contains("truncated").contains((fits + 1) + " bytes");
        assertThat(countedBytes(published.get(1))).isLessThanOrEqualTo(LIMIT);
    }

    @Test
    @DisplayName("SNS message limit: a long message is cut on a character boundary and says it was truncated")
    void longMessageIsTruncatedOnACharacterBoundary() {
        // Two-byte characters; with this subject and attribute the byte budget left for the text is odd, inside one.
        String message = "é".repeat(200_000);

        notifier.notify(new Alert("Baseline exceeded!", message, Map.of("severity", "low")));

        PublishRequest r = only();
        assertThat(countedBytes(r)).isLessThanOrEqualTo(LIMIT).isGreaterThan(LIMIT - 100);
        String kept = r.message().substring(0, r.message().indexOf('\n'));
        assertThat(message).startsWith(kept);
        assertThat(kept).doesNotContain("\uFFFD");
        assertThat(r.message().substring(kept.length()))
                .isEqualTo("\n[Message truncated by Sluice: it had 400000 bytes, more than SNS takes]");
    }

    @Test
    @DisplayName("SNS refuses an empty message: the subject is sent as the message")
    void emptyMessageBecomesTheSubject() {
        notifier.notify(new Alert("Trunk SIP/carrier back to normal", null, Map.of()));

        assertThat(only().message()).isEqualTo("Trunk SIP/carrier back to normal");
    }

    @Test
    @DisplayName("SNS refuses empty attribute values: such an attribute is left out")
    void emptyAttributeValuesAreLeftOut() {
        notifier.notify(new Alert("Burst", "body", Map.of("rule", "international-burst", "route", "")));

        assertThat(only().messageAttributes()).containsOnlyKeys("rule");
    }

    @Test
    @DisplayName("A publish SNS refuses propagates: the caller decides whether a lost alert fails its batch")
    void clientErrorsPropagate() {
        SnsException denied = (SnsException) SnsException.builder().message("Authorization error").statusCode(403).build();
        SnsNotifier failing = new SnsNotifier(new SnsClient() {
            @Override
            public PublishResponse publish(PublishRequest request) {
                throw denied;
            }

            @Override
            public String serviceName() {
                return "sns";
            }

            @Override
            public void close() {
            }
        }, TOPIC);

        assertThatThrownBy(() -> failing.notify(new Alert("Burst", "body", Map.of()))).isSameAs(denied);
    }
}
