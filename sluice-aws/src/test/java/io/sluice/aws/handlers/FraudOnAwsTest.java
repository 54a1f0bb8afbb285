package io.sluice.aws.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.aws.dynamodb.DynamoDbFraudState;
import io.sluice.aws.dynamodb.DynamoDbLedger;
import io.sluice.aws.dynamodb.DynamoDbLocal;
import io.sluice.aws.dynamodb.DynamoTables;
import io.sluice.aws.dynamodb.WriteMeter;
import io.sluice.core.fraud.FraudAlert;
import io.sluice.core.pipeline.Notifier;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * CDR-10 on the AWS home: the stream and object functions run the fraud rules over DynamoDB (Local) and send their
 * alerts through the notifier once, however often a Kinesis batch or an object arrives; a notifier down fails
 * nothing and the owed alert goes out at the next invocation.
 */
class FraudOnAwsTest {
    private static final DynamoDbClient DYNAMO = DynamoDbLocal.client();
    private static final String CALLER = "+442079460110";
    private static final String BUCKET = "sluice-cdr-incoming-123456789012";
    private static final String KEY = "incoming/2026/11/Master Nov.csv";

    @TempDir
    Path dir;

    /** Records what it was given; throws while {@code down}. */
    private static final class RecordingNotifier implements Notifier {
        final List<Alert> sent = new ArrayList<>();
        boolean down;

        @Override
        public void notify(Alert alert) {
            if (down) {
                throw new IllegalStateException("topic unreachable (simulated)");
            }
            sent.add(alert);
        }
    }

    private record Setup(Fixtures fixtures, DynamoDbFraudState fraud, RecordingNotifier notifier, Wiring wiring) {
    }

    private Setup setup() {
        Fixtures f = new Fixtures(dir);
        DynamoTables t = DynamoDbLocal.freshTables(DYNAMO);
        DynamoDbFraudState fraud = new DynamoDbFraudState(DYNAMO, t.fraud(), Clock.systemUTC(), new WriteMeter());
        RecordingNotifier n = new RecordingNotifier();
        Wiring w = f.wiringWithFraud(new DynamoDbLedger(DYNAMO, t.usage(), new WriteMeter()), fraud, n);
        return new Setup(f, fraud, n, w);
    }

    /** Twelve calls a minute apart from {@code caller} to twelve numbers in France: an international burst. */
    private static List<String> burst(String caller, int firstMinute, String idPrefix) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            lines.add(Fixtures.asteriskLine(caller, "+3314200" + String.format("%04d", i), firstMinute + i, 40, idPrefix + i));
        }
        return lines;
    }

    private static void invoke(com.amazonaws.services.lambda.runtime.RequestStreamHandler h, byte[] event) throws IOException {
        h.handleRequest(new ByteArrayInputStream(event), new ByteArrayOutputStream(), null);
    }

    private static List<FraudAlert> alertsOf(DynamoDbFraudState fraud, String subscriber) {
        return fraud.alerts(Set.of(subscriber), "international-burst", 0, Long.MAX_VALUE);
    }

    @Test
    void aReplayedOrRetriedKinesisBatchRaisesNoSecondAlert() throws IOException {
        Setup s = setup();
        CdrStreamHandler h = new CdrStreamHandler(s.wiring(), s.fixtures().log());
        List<String> data = burst(CALLER, 0, "b");

        invoke(h, Fixtures.kinesisEvent("shardId-000000000001", 100, data));
        invoke(h, Fixtures.kinesisEvent("shardId-000000000001", 100, data)); // redelivered as it was
        invoke(h, Fixtures.kinesisEvent("shardId-000000000001", 104, data.subList(4, 12))); // retried from a checkpoint

        assertThat(alertsOf(s.fraud(), CALLER)).singleElement().satisfies(a -> {
            assertThat(a.evidence().calls()).isEqualTo(10);
            assertThat(a.raiseSent()).isTrue();
        });
        assertThat(s.notifier().sent).singleElement().satisfies(a -> {
            assertThat(a.attributes()).containsEntry("rule", "international-burst").containsEntry("subscriber", CALLER)
                    .containsEntry("state", "raised");
        });
        // The same batch again owns the same records (the ledger answers it alike); the retry from a checkpoint finds them taken.
        assertThat(s.fixtures().logText()).contains("\"FraudAlertsSent\":1").contains("\"Accepted\":0,\"Rejected\":0,\"Duplicates\":8");
    }

    @Test
    void aTopicDownFailsNothingAndTheAlertGoesOutAtTheNextInvocation() throws IOException {
        Setup s = setup();
        CdrStreamHandler h = new CdrStreamHandler(s.wiring(), s.fixtures().log());
        s.notifier().down = true;

        invoke(h, Fixtures.kinesisEvent("shardId-000000000002", 1, burst(CALLER, 0, "d")));

        assertThat(s.fixtures().stores.archivedCount()).isEqualTo(12);
        assertThat(s.notifier().sent).isEmpty();
        assertThat(s.fixtures().logText()).contains("fraud alerts not sent (retried at the next invocation)");
        assertThat(s.fixtures().errors).singleElement().satisfies(e -> assertThat(e).hasMessageContaining("topic unreachable"));
        assertThat(s.fraud().undelivered()).hasSize(1);

        s.notifier().down = false;
        // Any next batch, even one that raises nothing, sends what is owed; seven hours later in event time the
        // alert's rule has stopped holding, so its clear follows.
        invoke(h, Fixtures.kinesisEvent("shardId-000000000002", 50,
                List.of(Fixtures.asteriskLine(CALLER, "+447700900812", 7 * 60 + 30, 40, "later"))));

        assertThat(s.notifier().sent).extracting(a -> a.attributes().get("state")).containsExactly("raised", "cleared");
        assertThat(s.fraud().undelivered()).isEmpty();
        assertThat(alertsOf(s.fraud(), CALLER)).singleElement().satisfies(a -> assertThat(a.cleared()).isTrue());
    }

    @Test
    void anObjectLoadedAgainOrCarryingWhatTheStreamHadRaisesNoSecondAlert() throws IOException {
        Setup s = setup();
        List<String> data = burst(CALLER, 0, "o");
        new CdrStreamHandler(s.wiring(), s.fixtures().log()).handleRequest(
                new ByteArrayInputStream(Fixtures.kinesisEvent("shardId-000000000003", 1, data)), new ByteArrayOutputStream(), null);
        // The same calls in a file, and a second subscriber's burst after them.
        List<String> lines = new ArrayList<>(data);
        lines.addAll(burst("+442079460111", 30, "p"));
        Path file = dir.resolve(BUCKET).resolve(KEY);
        Files.createDirectories(file.getParent());
        Files.write(file, lines, StandardCharsets.UTF_8);
        CdrObjectHandler h = new CdrObjectHandler(s.wiring(), s.fixtures().log());
        byte[] event = Fixtures.sample("sqs-s3-object-created.json");

        invoke(h, event);
        invoke(h, event); // redelivered

        assertThat(alertsOf(s.fraud(), CALLER)).hasSize(1);
        assertThat(alertsOf(s.fraud(), "+442079460111")).hasSize(1);
        assertThat(s.notifier().sent).extracting(a -> a.attributes().get("subscriber")).containsExactly(CALLER, "+442079460111");
        assertThat(s.fixtures().logText()).contains("\"ObjectsAlreadyDone\":1");
    }
}
