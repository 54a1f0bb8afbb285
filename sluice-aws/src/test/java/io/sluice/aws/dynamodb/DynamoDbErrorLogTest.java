package io.sluice.aws.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/** MON-2: the error log on DynamoDB Local: time-ordered ids, the function/time index, a sanitized event, no throw. */
class DynamoDbErrorLogTest {
    private final DynamoDbClient client = DynamoDbLocal.client();
    private final DynamoTables tables = DynamoDbLocal.freshTables(client);

    @Test
    void errorsAreFoundByFunctionAndTimeWithASanitizedEvent() {
        DynamoDbErrorLog log = new DynamoDbErrorLog(client, tables.errors(), new Random(1));
        Instant t = Instant.parse("2026-11-23T10:00:00.250Z");
        String event = "{\"Records\":[{\"kinesis\":{\"data\":\"ImFjbWUiLCIrNDQyMDc5NDYwMTIzIg==\",\"sequenceNumber\":"
                + "\"49590338271490256608559692538361571095921575989136588898\"}}],\"caller\":\"+442079460123\"}";
        String first = log.record("sluice-stream-dev", t, new IllegalStateException("usage table throttled"), 1_234, event);
        String second = log.record("sluice-stream-dev", t.plusSeconds(1), new RuntimeException("later"), 5, "{}");
        log.record("sluice-object-dev", t, new RuntimeException("other function"), 5, "{}");

        assertThat(first).startsWith("20261123T100000.250Z-").isLessThan(second);
        QueryResponse byFunction = client.query(b -> b.tableName(tables.errors()).indexName(io.sluice.core.contracts.TableKeys.ERRORS_BY_FUNCTION_INDEX)
                .keyConditionExpression("function_name = :f AND occurred_at >= :t")
                .expressionAttributeValues(Map.of(":f", AttributeValue.fromS("sluice-stream-dev"), ":t", AttributeValue.fromS(t.toString()))));
        assertThat(byFunction.items()).extracting(i -> i.get("message").s()).containsExactly("usage table throttled", "later");
        Map<String, AttributeValue> item = byFunction.items().get(0);
        assertThat(item.get("error_type").s()).isEqualTo("java.lang.IllegalStateException");
        assertThat(item.get("duration_ms").n()).isEqualTo("1234");
        assertThat(item.get("stack_trace").s()).contains("DynamoDbErrorLogTest");
        String snapshot = item.get("event_snapshot").s();
        assertThat(snapshot).contains("\"data\":\"<32 base64 chars>\"").contains("***123")
                .contains("49590338271490256608559692538361571095921575989136588898").doesNotContain("+442079460123");
    }

    @Test
    void aLogThatCannotBeWrittenFallsBackToThePlainLogAndNeverThrows() {
        PrintStream stderr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            String id = new DynamoDbErrorLog(client, "no-such-table", new Random(2))
                    .record("sluice-stream-dev", Instant.now(), new IllegalStateException("boom"), 1, "{}");
            assertThat(id).isNotBlank();
        } finally {
            System.setErr(stderr);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8)).contains("\"error_log\":\"unavailable").contains("boom")
                .contains("sluice-stream-dev");
        assertThat(List.of(io.sluice.core.pipeline.ErrorLog.Entry.sanitize(null))).containsExactly("");
    }
}
