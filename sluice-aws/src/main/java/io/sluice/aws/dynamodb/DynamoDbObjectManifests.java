package io.sluice.aws.dynamodb;

import io.sluice.aws.events.ObjectRef;
import io.sluice.aws.objects.ObjectManifests;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * Object manifests in DynamoDB, keyed by {@link ObjectRef#identity()} (bucket, key and version or ETag). The
 * start is an UpdateItem whose condition only lets it through for a new object, a failed one or one whose
 * processing lease ran out (a function that timed out or crashed); a done object fails the condition, and
 * the old item says which case it was.
 */
public final class DynamoDbObjectManifests implements ObjectManifests {
    private final DynamoDbClient client;
    private final String table;

    public DynamoDbObjectManifests(DynamoDbClient client, String table) {
        this.client = client;
        this.table = table;
    }

    @Override
    public Start begin(ObjectRef o, Instant now, long leaseSeconds) {
        Map<String, AttributeValue> v = new HashMap<>();
        v.put(":processing", AttributeValue.fromS("PROCESSING"));
        v.put(":failed", AttributeValue.fromS("FAILED"));
        v.put(":stale", AttributeValue.fromN(Long.toString(now.getEpochSecond() - leaseSeconds)));
        v.put(":now", AttributeValue.fromN(Long.toString(now.getEpochSecond())));
        v.put(":at", AttributeValue.fromS(now.toString()));
        v.put(":bucket", AttributeValue.fromS(o.bucket()));
        v.put(":key", AttributeValue.fromS(o.key()));
        v.put(":size", AttributeValue.fromN(Long.toString(o.size())));
        v.put(":etag", AttributeValue.fromS(o.eTag() == null ? "" : o.eTag()));
        v.put(":version", AttributeValue.fromS(o.versionId() == null ? "" : o.versionId()));
        v.put(":one", AttributeValue.fromN("1"));
        try {
            client.updateItem(b -> b.tableName(table).key(key(o))
                    .updateExpression("SET #s = :processing, #lease = :now, #started = :at, #bucket = :bucket, "
                            + "#key = :key, #size = :size, #etag = :etag, #version = :version ADD #attempts :one")
                    .conditionExpression("attribute_not_exists(#o) OR #s = :failed OR (#s = :processing AND #lease < :stale)")
                    .expressionAttributeNames(Map.of("#s", "status", "#o", "object", "#lease", "lease_from", "#started", "started_at",
                            "#bucket", "bucket", "#key", "object_key", "#size", "size_bytes", "#etag", "etag", "#version", "version_id",
                            "#attempts", "attempts"))
                    .expressionAttributeValues(v)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return Start.PROCESS;
        } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> old = e.hasItem() ? e.item() : null;
            if (old == null) {
                old = client.getItem(b -> b.tableName(table).key(key(o)).consistentRead(true)).item();
            }
            String status = old == null || old.get("status") == null ? "" : old.get("status").s();
            return "PROCESSING".equals(status) ? Start.IN_PROGRESS : Start.ALREADY_DONE;
        }
    }

    @Override
    public void finish(ObjectRef o, Status status, long recordsIn, long accepted, long rejected, long duplicates, String error,
                       Instant now) {
        Map<String, AttributeValue> v = new HashMap<>();
        v.put(":s", AttributeValue.fromS(status.name()));
        v.put(":in", AttributeValue.fromN(Long.toString(recordsIn)));
        v.put(":acc", AttributeValue.fromN(Long.toString(accepted)));
        v.put(":rej", AttributeValue.fromN(Long.toString(rejected)));
        v.put(":dup", AttributeValue.fromN(Long.toString(duplicates)));
        v.put(":at", AttributeValue.fromS(now.toString()));
        v.put(":err", AttributeValue.fromS(error == null ? "" : error));
        client.updateItem(b -> b.tableName(table).key(key(o))
                .updateExpression("SET #s = :s, #in = :in, #acc = :acc, #rej = :rej, #dup = :dup, #fin = :at, #e = :err")
                .expressionAttributeNames(Map.of("#s", "status", "#e", "error", "#in", "records_in", "#acc", "accepted",
                        "#rej", "rejected", "#dup", "duplicates", "#fin", "finished_at"))
                .expressionAttributeValues(v));
    }

    /** The manifest item of an object, or an empty map: for tests and tools. */
    public Map<String, AttributeValue> item(ObjectRef o) {
        Map<String, AttributeValue> item = client.getItem(b -> b.tableName(table).key(key(o)).consistentRead(true)).item();
        return item == null ? Map.of() : item;
    }

    private static Map<String, AttributeValue> key(ObjectRef o) {
        return Map.of("object", AttributeValue.fromS(o.identity()));
    }
}
