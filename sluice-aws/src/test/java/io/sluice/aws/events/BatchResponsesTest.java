package io.sluice.aws.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** CDR-12, OBJ-3: the partial batch response, checked as the JSON text Lambda reads. */
class BatchResponsesTest {
    private static final String SEQ = "49657934861052883317450135592757199663257975043894149122";

    private static String written(List<String> ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BatchResponses.write(out, ids);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static List<String> read(String json) {
        return BatchResponses.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    @DisplayName("CDR-12: failures are written with exactly the keys batchItemFailures and itemIdentifier")
    void writesTheExactJson() {
        assertThat(written(List.of(SEQ, "2e1424d4-f796-459a-8184-9c92662be6da")))
                .isEqualTo("{\"batchItemFailures\":[{\"itemIdentifier\":\"" + SEQ + "\"},"
                        + "{\"itemIdentifier\":\"2e1424d4-f796-459a-8184-9c92662be6da\"}]}");
    }

    @Test
    @DisplayName("CDR-12: no failures is an empty list, which Lambda reads as success")
    void writesAnEmptyListForSuccess() {
        assertThat(written(List.of())).isEqualTo("{\"batchItemFailures\":[]}");
    }

    @Test
    @DisplayName("CDR-12: the text is what Jackson makes of the Lambda events library's own response types")
    void matchesTheLambdaEventsLibraryTypes() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        String streams = mapper.writeValueAsString(new StreamsEventResponse(List.of(new StreamsEventResponse.BatchItemFailure(SEQ))));
        String sqs = mapper.writeValueAsString(new SQSBatchResponse(List.of(new SQSBatchResponse.BatchItemFailure("m-1"))));

        assertThat(written(List.of(SEQ))).isEqualTo(streams);
        assertThat(written(List.of("m-1"))).isEqualTo(sqs);
    }

    @Test
    @DisplayName("CDR-12: an empty identifier is refused, since Lambda would fail the whole batch; nothing is written")
    void refusesEmptyIdentifiers() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        assertThatThrownBy(() -> BatchResponses.write(out, List.of(SEQ, "")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("identifier 1 is empty");
        assertThat(out.size()).isZero();
    }

    @Test
    @DisplayName("CDR-12: a null identifier is refused")
    void refusesNullIdentifiers() {
        List<String> ids = new ArrayList<>(Arrays.asList("m-1", null));

        assertThatThrownBy(() -> written(ids))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("identifier 1 is null");
    }

    @Test
    @DisplayName("CDR-12: identifiers needing JSON escapes are escaped")
    void escapesIdentifiers() {
        assertThat(written(List.of("a\"b\\c"))).isEqualTo("{\"batchItemFailures\":[{\"itemIdentifier\":\"a\\\"b\\\\c\"}]}");
    }

    @Test
    @DisplayName("CDR-12: the caller's stream is left open")
    void leavesTheStreamOpen() {
        boolean[] closed = {false};
        ByteArrayOutputStream out = new ByteArrayOutputStream() {
            @Override
            public void close() {
                closed[0] = true;
            }
        };

        BatchResponses.write(out, List.of("m-1"));

        assertThat(closed[0]).isFalse();
        assertThat(out.toString(StandardCharsets.UTF_8)).endsWith("]}");
    }

    @Test
    @DisplayName("CDR-12: read returns what write wrote")
    void readsWhatWasWritten() {
        assertThat(read(written(List.of(SEQ, "m-2")))).containsExactly(SEQ, "m-2");
        assertThat(read("{\"batchItemFailures\":[]}")).isEmpty();
    }

    @Test
    @DisplayName("CDR-12: read refuses keys Lambda would ignore, which would turn failures into a silent success")
    void readRefusesMisspelledKeys() {
        assertThatThrownBy(() -> read("{\"BatchItemFailures\":[{\"itemIdentifier\":\"1\"}]}"))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageStartingWith("BatchItemFailures: is not part of a batch response");
        assertThatThrownBy(() -> read("{\"batchItemFailures\":[{\"itemIdentifer\":\"1\"}]}"))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageStartingWith("batchItemFailures[0].itemIdentifer: is not part of a batch response");
        assertThatThrownBy(() -> read("{\"batchItemFailures\":[{\"itemIdentifier\":\"\"}]}"))
                .isInstanceOf(MalformedEventException.class)
                .hasMessage("batchItemFailures[0].itemIdentifier: is empty");
        assertThatThrownBy(() -> read("{}"))
                .isInstanceOf(MalformedEventException.class)
                .hasMessage("batchItemFailures: is missing");
    }
}
