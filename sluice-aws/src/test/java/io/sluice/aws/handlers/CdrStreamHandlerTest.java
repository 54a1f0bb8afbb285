package io.sluice.aws.handlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.aws.events.MalformedEventException;
import io.sluice.core.cdr.RejectReason;
import io.sluice.core.pipeline.RecordLedger;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CDR-1, CDR-3, CDR-5, CDR-12: the Kinesis handler on the documented event shapes, with in-memory ports. */
class CdrStreamHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static String invoke(CdrStreamHandler h, byte[] event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        h.handleRequest(new ByteArrayInputStream(event), out, null);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static JsonNode lastLogLine(Fixtures f) throws IOException {
        String[] lines = f.logText().strip().split("\n");
        return JSON.readTree(lines[lines.length - 1]);
    }

    @Test
    void theSampleAsteriskEventIsAcceptedAndItsInvalidCdrDeadLettered() throws IOException {
        Fixtures f = new Fixtures(dir);
        CdrStreamHandler h = new CdrStreamHandler(f.wiring(), f.log());

        String response = invoke(h, Fixtures.sample("kinesis-asterisk-csv.json"));

        assertThat(response).isEqualTo("{\"batchItemFailures\":[]}");
        JsonNode log = lastLogLine(f);
        assertThat(log.get("RecordsIn").asLong()).isEqualTo(4);
        assertThat(log.get("Accepted").asLong()).isEqualTo(3);
        assertThat(log.get("Rejected").asLong()).isEqualTo(1);
        assertThat(log.at("/_aws/CloudWatchMetrics/0/Namespace").asText()).isEqualTo("Sluice");
        assertThat(log.get("HandledFailures").asLong()).isZero();
        assertThat(f.stores.archivedCount()).isEqualTo(3);
        assertThat(f.stores.deadLetters()).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(RejectReason.BILLSEC_EXCEEDS_DURATION);
            assertThat(r.source()).startsWith("kinesis:shardId-");
            assertThat(new String(r.original(), StandardCharsets.UTF_8)).contains("1793697485.2597");
        });
    }

    @Test
    void jsonLinesAndARecordThatIsNotBase64() throws IOException {
        Fixtures f = new Fixtures(dir);
        CdrStreamHandler h = new CdrStreamHandler(f.wiring(), f.log());
        assertThat(invoke(h, Fixtures.sample("kinesis-json-lines.json"))).isEqualTo("{\"batchItemFailures\":[]}");
        assertThat(lastLogLine(f).get("Accepted").asLong()).isEqualTo(3);

        assertThat(invoke(h, Fixtures.sample("kinesis-malformed-record.json"))).isEqualTo("{\"batchItemFailures\":[]}");
        JsonNode log = lastLogLine(f);
        assertThat(log.get("RecordsIn").asLong()).isEqualTo(2);
        assertThat(log.get("Rejected").asLong()).isEqualTo(1);
        assertThat(f.stores.deadLetters()).anySatisfy(r -> {
            assertThat(r.reason()).isEqualTo(RejectReason.NOT_BASE64);
            assertThat(r.detail()).contains("Records[1].kinesis.data: is not base64");
            // The original is the data field exactly as it came, not a description of it.
            assertThat(new String(r.original(), StandardCharsets.UTF_8)).startsWith("2026-11-03 09:20:11,+442079460123,");
        });
    }

    @Test
    void aRedeliveredEventCountsNothingTwice() throws IOException {
        Fixtures f = new Fixtures(dir);
        CdrStreamHandler h = new CdrStreamHandler(f.wiring(), f.log());
        List<String> data = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            data.add(Fixtures.asteriskLine("+4420794601" + (10 + i % 5), "+447700900812", i, 60, "u" + i));
        }
        invoke(h, Fixtures.kinesisEvent("shardId-000000000001", 100, data.subList(0, 12)));
        // The retry starts at record 5 and reaches further (other bounds, as after a checkpoint).
        invoke(h, Fixtures.kinesisEvent("shardId-000000000001", 105, data.subList(5, 20)));

        JsonNode log = lastLogLine(f);
        assertThat(log.get("Accepted").asLong()).isEqualTo(8);
        assertThat(log.get("Duplicates").asLong()).isEqualTo(7);
        assertThat(f.stores.usage().values().stream().mapToLong(u -> u.calls).sum()).isEqualTo(20);
        assertThat(f.stores.usage().values().stream().mapToLong(u -> u.seconds).sum()).isEqualTo(20 * 60);
    }

    @Test
    void aStoreThatStaysDownFailsTheBatchFromItsFirstRecord() throws IOException {
        Fixtures f = new Fixtures(dir);
        RecordLedger down = Fixtures.ledgerThatStaysDown();
        CdrStreamHandler h = new CdrStreamHandler(f.wiring(down), f.log());
        byte[] event = Fixtures.kinesisEvent("shardId-000000000002", 7,
                List.of(Fixtures.asteriskLine("+442079460110", "+447700900812", 1, 30, "a"),
                        Fixtures.asteriskLine("+442079460111", "+447700900812", 2, 30, "b")));

        String response = invoke(h, event);

        assertThat(JSON.readTree(response).at("/batchItemFailures/0/itemIdentifier").asText())
                .isEqualTo("49590000000000000000000000000000000000000000000000000007");
        assertThat(JSON.readTree(response).get("batchItemFailures")).hasSize(1);
        assertThat(f.errors).singleElement().satisfies(e -> assertThat(e).hasMessageContaining("throttled"));
        assertThat(lastLogLine(f).get("retry_from").asText()).endsWith("0007");
        // Returned, not thrown: no Lambda error, so the EMF line says it failed, for the error-rate alarm (MON-3).
        assertThat(lastLogLine(f).get("HandledFailures").asLong()).isEqualTo(1);
    }

    @Test
    void aMalformedEnvelopeIsRefusedWithWhereAndWhy() {
        Fixtures f = new Fixtures(dir);
        CdrStreamHandler h = new CdrStreamHandler(f.wiring(), f.log());
        assertThatThrownBy(() -> invoke(h, "{\"Records\":[{\"kinesis\":{}}]}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("Records[0]");
        assertThat(f.errors).hasSize(1);
    }
}
