package io.sluice.aws.dynamodb;

import io.sluice.core.intake.InputManifest;
import io.sluice.core.pipeline.BatchOutcome;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * The input manifest in DynamoDB (OBJ-1, OBJ-2), one item per input keyed by its identity (for an S3 object:
 * bucket, key and version or ETag). {@link #begin} is one conditional UpdateItem that only lets a new input, a
 * failed one or one whose attempt's lease ran out (a function that timed out or crashed) through; a done input
 * fails the condition and the old item says which case it was. {@link #chunkDone} adds a chunk's counts with
 * {@code ADD} after the chunk's ledger commit.
 */
public final class DynamoDbInputManifest implements InputManifest {
    private static final String[] COUNTS = {"chunks", "records_in", "accepted", "rejected", "duplicates", "unknown_subscribers"};

    private final DynamoDbClient client;
    private final String table;

    /** As stored: an attempt in progress keeps the name the items written before this port have ("PROCESSING"). */
    private static String stored(Status s) {
        return s == Status.IN_PROGRESS ? "PROCESSING" : s.name();
    }

    private static Status status(String stored) {
        return "PROCESSING".equals(stored) ? Status.IN_PROGRESS : Status.valueOf(stored);
    }

    public DynamoDbInputManifest(DynamoDbClient client, String table) {
        this.client = client;
        this.table = table;
    }

    @Override
    public Start begin(Input input, String format, Instant now, long leaseSeconds) {
        Map<String, AttributeValue> v = new HashMap<>();
        v.put(":processing", AttributeValue.fromS(stored(Status.IN_PROGRESS)));
        v.put(":failed", AttributeValue.fromS(Status.FAILED.name()));
        v.put(":stale", AttributeValue.fromN(Long.toString(now.getEpochSecond() - leaseSeconds)));
        v.put(":now", AttributeValue.fromN(Long.toString(now.getEpochSecond())));
        v.put(":at", AttributeValue.fromS(now.toString()));
        v.put(":name", AttributeValue.fromS(input.name()));
        v.put(":size", AttributeValue.fromN(Long.toString(input.size())));
        v.put(":one", AttributeValue.fromN("1"));
        Map<String, String> names = new HashMap<>(Map.of("#s", "status", "#o", "object", "#lease", "lease_from", "#started",
                "started_at", "#name", "name", "#size", "size_bytes", "#attempts", "attempts", "#e", "error"));
        String set = "SET #s = :processing, #lease = :now, #started = :at, #name = :name, #size = :size";
        if (format != null) {
            v.put(":format", AttributeValue.fromS(format));
            names.put("#f", "format");
            set += ", #f = :format";
        }
        // The counts exist from the claim on, at 0 until a chunk adds to them: the file workflow's Notify state reads
        // them from the item of a REJECTED object too, and a missing attribute would fail that state.
        v.put(":zero", AttributeValue.fromN("0"));
        for (int i = 0; i < COUNTS.length; i++) {
            names.put("#c" + i, COUNTS[i]);
            set += ", #c" + i + " = if_not_exists(#c" + i + ", :zero)";
        }
        String update = set + " REMOVE #e ADD #attempts :one";
        try {
            Map<String, AttributeValue> old = client.updateItem(b -> b.tableName(table).key(key(input.id()))
                    .updateExpression(update)
                    .conditionExpression("attribute_not_exists(#o) OR #s = :failed OR (#s = :processing AND #lease <= :stale)")
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(v)
                    .returnValues(ReturnValue.ALL_OLD)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)).attributes();
            return new Process(old == null || old.isEmpty() ? Progress.NONE : progress(old));
        } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> old = e.hasItem() ? e.item() : null;
            if (old == null || old.isEmpty()) {
                old = client.getItem(b -> b.tableName(table).key(key(input.id())).consistentRead(true)).item();
            }
            Entry entry = entry(old);
            return entry.status() == Status.IN_PROGRESS ? new Busy() : new Done(entry);
        }
    }

    @Override
    public void chunkDone(Input input, BatchOutcome o) {
        Map<String, AttributeValue> v = new HashMap<>();
        long[] values = {1, o.recordsIn(), o.accepted(), o.rejected(), o.duplicates(), o.unknownSubscribers()};
        Map<String, String> names = new HashMap<>(Map.of("#o", "object"));
        StringBuilder add = new StringBuilder("ADD ");
        for (int i = 0; i < COUNTS.length; i++) {
            names.put("#c" + i, COUNTS[i]);
            v.put(":c" + i, AttributeValue.fromN(Long.toString(values[i])));
            add.append(i > 0 ? ", " : "").append("#c").append(i).append(" :c").append(i);
        }
        client.updateItem(b -> b.tableName(table).key(key(input.id())).updateExpression(add.toString())
                .conditionExpression("attribute_exists(#o)").expressionAttributeNames(names).expressionAttributeValues(v));
    }

    @Override
    public void finish(Input input, Status status, String error, Instant now) {
        if (status == Status.IN_PROGRESS) {
            throw new IllegalArgumentException("finish needs a final status, not " + status);
        }
        Map<String, AttributeValue> v = new HashMap<>();
        v.put(":s", AttributeValue.fromS(stored(status)));
        v.put(":at", AttributeValue.fromS(now.toString()));
        String update = "SET #s = :s, #fin = :at REMOVE #e";
        if (error != null) {
            v.put(":err", AttributeValue.fromS(error));
            update = "SET #s = :s, #fin = :at, #e = :err";
        }
        String expression = update;
        client.updateItem(b -> b.tableName(table).key(key(input.id())).updateExpression(expression)
                .expressionAttributeNames(Map.of("#s", "status", "#e", "error", "#fin", "finished_at"))
                .expressionAttributeValues(v));
    }

    @Override
    public Optional<Entry> find(String id) {
        Map<String, AttributeValue> item = client.getItem(b -> b.tableName(table).key(key(id)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(entry(item));
    }

    private static Entry entry(Map<String, AttributeValue> item) {
        AttributeValue format = item.get("format");
        AttributeValue error = item.get("error");
        return new Entry(new Input(item.get("object").s(), text(item, "name"), number(item, "size_bytes")),
                format == null ? null : format.s(), status(item.get("status").s()), number(item, "attempts"),
                progress(item), error == null ? null : error.s());
    }

    private static Progress progress(Map<String, AttributeValue> item) {
        return new Progress(number(item, COUNTS[0]), number(item, COUNTS[1]), number(item, COUNTS[2]), number(item, COUNTS[3]),
                number(item, COUNTS[4]), number(item, COUNTS[5]));
    }

    private static long number(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || v.n() == null ? 0 : Long.parseLong(v.n());
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || v.s() == null ? "" : v.s();
    }

    private static Map<String, AttributeValue> key(String id) {
        return Map.of("object", AttributeValue.fromS(id));
    }
}
