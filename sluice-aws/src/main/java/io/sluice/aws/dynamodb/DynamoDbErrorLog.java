package io.sluice.aws.dynamodb;

import io.sluice.core.pipeline.ErrorLog;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.random.RandomGenerator;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The structured error log (MON-2): one item per error, keyed by a unique, time-ordered id, with the function
 * name and time for the {@code by-function-time} index, the error's type, message and stack trace, the
 * invocation's duration so far and a sanitized snapshot of the event. It only ever puts items (the functions'
 * role may do nothing else on this table: MON-5), and a failure to write never breaks the function: the
 * entry goes to the plain log instead.
 */
public final class DynamoDbErrorLog implements ErrorLog, io.sluice.core.pipeline.ErrorLogQuery {
    private final DynamoDbClient client;
    private final String table;
    private final RandomGenerator random;

    public DynamoDbErrorLog(DynamoDbClient client, String table, RandomGenerator random) {
        this.client = client;
        this.table = table;
        this.random = random;
    }

    /** Records an error; returns its id. Never throws. */
    @Override
    public String record(String functionName, Instant at, Throwable error, long durationMillis, String event) {
        Entry e = Entry.of(functionName, at, error, durationMillis, event, random);
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("error_id", AttributeValue.fromS(e.id()));
        item.put("function_name", AttributeValue.fromS(e.functionName()));
        item.put("occurred_at", AttributeValue.fromS(Entry.SORTABLE_TIME.format(e.occurredAt())));
        item.put("error_type", AttributeValue.fromS(e.type()));
        item.put("message", AttributeValue.fromS(e.message()));
        item.put("stack_trace", AttributeValue.fromS(e.stackTrace()));
        item.put("duration_ms", AttributeValue.fromN(Long.toString(e.durationMillis())));
        item.put("event_snapshot", AttributeValue.fromS(e.eventSnapshot()));
        try {
            client.putItem(b -> b.tableName(table).item(item));
        } catch (RuntimeException failure) {
            System.err.println(e.fallbackLine(failure.toString()));
        }
        return e.id();
    }

    /**
     * Through the {@code by-function-time} index (MON-2): newest first. For operators' tools and the tests; the functions'
     * role cannot read the table (MON-5).
     */
    @Override
    public java.util.List<Entry> recent(String functionName, Instant from, Instant to, int limit) {
        if (!from.isBefore(to) || limit < 1) {
            return java.util.List.of();
        }
        java.util.List<Entry> out = new java.util.ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> exclusiveStart = start;
            var page = client.query(b -> b.tableName(table).indexName(io.sluice.core.contracts.TableKeys.ERRORS_BY_FUNCTION_INDEX)
                    .keyConditionExpression("function_name = :f AND occurred_at BETWEEN :a AND :b")
                    .expressionAttributeValues(Map.of(":f", AttributeValue.fromS(functionName),
                            ":a", AttributeValue.fromS(Entry.SORTABLE_TIME.format(from)),
                            // [from, to): the last millisecond before to, as the times are kept to the millisecond
                            ":b", AttributeValue.fromS(Entry.SORTABLE_TIME.format(to.minusMillis(1)))))
                    .scanIndexForward(false).limit(limit - out.size()).exclusiveStartKey(exclusiveStart));
            for (Map<String, AttributeValue> i : page.items()) {
                out.add(entry(i));
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null && out.size() < limit);
        // Same millisecond: the id (time, then random bits) decides, as it does on the other adapters.
        out.sort(java.util.Comparator.comparing(Entry::id).reversed());
        return out;
    }

    /** An entry as stored, or empty: for tests and tools (the functions' role cannot read the table: MON-5). */
    public java.util.Optional<Entry> stored(String id) {
        Map<String, AttributeValue> i = client.getItem(b -> b.tableName(table).key(Map.of("error_id", AttributeValue.fromS(id)))
                .consistentRead(true)).item();
        if (i == null || i.isEmpty()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(entry(i));
    }

    private static Entry entry(Map<String, AttributeValue> i) {
        return new Entry(i.get("error_id").s(), i.get("function_name").s(), Instant.parse(i.get("occurred_at").s()),
                i.get("error_type").s(), i.get("message").s(), i.get("stack_trace").s(), Long.parseLong(i.get("duration_ms").n()),
                i.get("event_snapshot").s());
    }
}
