package io.sluice.aws.handlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.intake.InputManifest;
import io.sluice.aws.events.ObjectRef;
import io.sluice.core.cdr.RejectReason;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CDR-1, OBJ-1, OBJ-2, OBJ-4: the object handler on the documented SQS and EventBridge shapes, objects in a folder. */
class CdrObjectHandlerTest {
    private static final String BUCKET = "sluice-cdr-incoming-123456789012";
    private static final String KEY = "incoming/2026/11/Master Nov.csv";

    @TempDir
    Path dir;

    private static String invoke(CdrObjectHandler h, byte[] event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        h.handleRequest(new ByteArrayInputStream(event), out, null);
        return out.toString(StandardCharsets.UTF_8);
    }

    private void putObject(String key, int calls) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            lines.add(Fixtures.asteriskLine("+4420794601" + (10 + i % 7), "+447700900812", i % 600, 30 + i % 90, "u" + i));
        }
        lines.add("\"acme\",\"broken line\"");
        Path file = dir.resolve(BUCKET).resolve(key);
        Files.createDirectories(file.getParent());
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    private static ObjectRef sqsSampleObject() {
        return new ObjectRef(BUCKET, KEY, 1, "x", "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY", null, "ObjectCreated:Put", "eu-west-1");
    }

    @Test
    void anObjectIsProcessedOnceAndTheTestEventAcknowledged() throws IOException {
        putObject(KEY, 12_000); // more than two chunks of 5,000 records
        Fixtures f = new Fixtures(dir);
        CdrObjectHandler h = new CdrObjectHandler(f.wiring(), f.log());
        byte[] event = Fixtures.sample("sqs-s3-object-created.json");

        assertThat(invoke(h, event)).isEqualTo("{\"batchItemFailures\":[]}");
        assertThat(invoke(h, event)).isEqualTo("{\"batchItemFailures\":[]}"); // redelivered

        var entry = f.manifests.find(sqsSampleObject().identity()).orElseThrow();
        assertThat(entry.status()).isEqualTo(InputManifest.Status.PROCESSED);
        var p = entry.progress();
        assertThat(List.of(p.recordsIn(), p.accepted(), p.rejected(), p.duplicates())).containsExactly(12_001L, 12_000L, 1L, 0L);
        assertThat(entry.attempts()).isEqualTo(1);
        assertThat(f.stores.archivedCount()).isEqualTo(p.accepted());
        assertThat(f.logText()).contains("\"ObjectsAlreadyDone\":1").contains("\"EventsIgnored\":1")
                .contains("\"RecordsIn\":12001,\"Accepted\":12000,\"Rejected\":1,\"Duplicates\":0");
    }

    @Test
    void aMissingObjectFailsItsMessageOnlyAndIsTakenOnTheRetry() throws IOException {
        Fixtures f = new Fixtures(dir);
        CdrObjectHandler h = new CdrObjectHandler(f.wiring(), f.log());
        byte[] event = Fixtures.sample("sqs-s3-object-created.json");

        assertThat(invoke(h, event)).isEqualTo("{\"batchItemFailures\":[{\"itemIdentifier\":\"2e1424d4-f796-459a-8184-9c92662be6da\"}]}");
        assertThat(f.manifests.find(sqsSampleObject().identity()).orElseThrow().status()).isEqualTo(InputManifest.Status.FAILED);
        assertThat(f.errors).singleElement().satisfies(e -> assertThat(e).hasMessageContaining("no such object"));

        putObject(KEY, 10);
        assertThat(invoke(h, event)).isEqualTo("{\"batchItemFailures\":[]}");
        assertThat(f.manifests.find(sqsSampleObject().identity()).orElseThrow().status()).isEqualTo(InputManifest.Status.PROCESSED);
        assertThat(f.manifests.find(sqsSampleObject().identity()).orElseThrow().attempts()).isEqualTo(2);
    }

    @Test
    void aBodyThatIsNoNotificationIsDeadLetteredAndAcknowledged() throws IOException {
        Fixtures f = new Fixtures(dir);
        CdrObjectHandler h = new CdrObjectHandler(f.wiring(), f.log());
        assertThat(invoke(h, Fixtures.sample("sqs-malformed-body.json"))).isEqualTo("{\"batchItemFailures\":[]}");
        assertThat(f.stores.deadLetters()).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(RejectReason.MALFORMED_JSON);
            assertThat(r.source()).isEqualTo("sqs:c5b1e7a0-2f4d-4c83-b6e9-7d1a0f3e8b52");
            assertThat(new String(r.original(), StandardCharsets.UTF_8)).startsWith("\"acme\"");
        });
    }

    @Test
    void anEventBridgeEventIsProcessedAndAFailureIsThrownForLambdasRetries() throws IOException {
        Fixtures f = new Fixtures(dir);
        CdrObjectHandler h = new CdrObjectHandler(f.wiring(), f.log());
        byte[] event = Fixtures.sample("eventbridge-object-created.json");
        assertThatThrownBy(() -> invoke(h, event)).hasMessageContaining("no such object");

        putObject(KEY, 25);
        invoke(h, event);
        assertThat(f.stores.archivedCount()).isEqualTo(25);
    }

    @Test
    void anObjectThatIsNoCdrFileIsRejectedInTheManifestNotRetried() throws IOException {
        Fixtures f = new Fixtures(dir);
        CdrObjectHandler h = new CdrObjectHandler(f.wiring(), f.log());
        String event = new String(Fixtures.sample("sqs-s3-object-created.json"), StandardCharsets.UTF_8)
                .replace("Master+Nov.csv", "Master+Nov.exe");
        assertThat(invoke(h, event.getBytes(StandardCharsets.UTF_8))).isEqualTo("{\"batchItemFailures\":[]}");
        assertThat(f.logText()).contains("\"ObjectsRejected\":1").contains("\"rejected_objects\":\"")
                .contains("Master Nov.exe@v:3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY: extension '.exe' is not a CDR file");
    }
}
