package io.sluice.aws.dynamodb;

import io.sluice.core.telemetry.DeviceTokens;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Device tokens (IOT-7) in the telemetry table, two items a device, written together in one transaction: the device
 * ({@code pk=dev#<device>, sk=device}: token_sha256, created_at, revoked_at) and its token ({@code pk=token#<sha256>,
 * sk=token}: device, revoked_at), so a request's token is one consistent GetItem and never a scan. Only hashes are
 * stored ({@link DeviceTokens#hash}).
 */
public final class DynamoDbDevices implements DeviceTokens {
    private final DynamoDbClient client;
    private final String table;

    public DynamoDbDevices(DynamoDbClient client, String table) {
        this.client = client;
        this.table = table;
    }

    private static Map<String, AttributeValue> deviceKey(String deviceId) {
        return Map.of("pk", AttributeValue.fromS(DynamoDbTelemetryStore.device(deviceId)), "sk", AttributeValue.fromS("device"));
    }

    private static Map<String, AttributeValue> tokenKey(String hash) {
        return Map.of("pk", AttributeValue.fromS("token#" + hash), "sk", AttributeValue.fromS("token"));
    }

    @Override
    public Optional<String> deviceOf(String token) {
        GetItemResponse r = client.getItem(b -> b.tableName(table).key(tokenKey(DeviceTokens.hash(token))).consistentRead(true));
        if (!r.hasItem() || r.item().isEmpty() || r.item().containsKey("revoked_at")) {
            return Optional.empty();
        }
        return Optional.of(r.item().get("device").s());
    }

    @Override
    public boolean add(String deviceId, String token, long nowMillis) {
        String hash = DeviceTokens.hash(token);
        Map<String, AttributeValue> device = new HashMap<>(deviceKey(deviceId));
        device.put("token_sha256", AttributeValue.fromS(hash));
        device.put("created_at", AttributeValue.fromN(Long.toString(nowMillis)));
        Map<String, AttributeValue> tokenItem = new HashMap<>(tokenKey(hash));
        tokenItem.put("device", AttributeValue.fromS(deviceId));
        try {
            client.transactWriteItems(b -> b.transactItems(
                    TransactWriteItem.builder().put(Put.builder().tableName(table).item(device)
                            .conditionExpression("attribute_not_exists(pk) OR attribute_exists(revoked_at)").build()).build(),
                    TransactWriteItem.builder().put(Put.builder().tableName(table).item(tokenItem)
                            .conditionExpression("attribute_not_exists(pk)").build()).build()));
            return true;
        } catch (TransactionCanceledException e) {
            if (e.cancellationReasons() != null && !e.cancellationReasons().isEmpty()
                    && "ConditionalCheckFailed".equals(e.cancellationReasons().get(0).code())) {
                return false; // an active device of that id
            }
            throw new LedgerWriteException("Could not add device " + deviceId + " to " + table + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean revoke(String deviceId, long nowMillis) {
        GetItemResponse r = client.getItem(b -> b.tableName(table).key(deviceKey(deviceId)).consistentRead(true));
        if (!r.hasItem() || r.item().isEmpty() || r.item().containsKey("revoked_at")) {
            return false;
        }
        String hash = r.item().get("token_sha256").s();
        Map<String, AttributeValue> at = Map.of(":t", AttributeValue.fromN(Long.toString(nowMillis)), ":h", AttributeValue.fromS(hash));
        try {
            client.transactWriteItems(b -> b.transactItems(
                    TransactWriteItem.builder().update(Update.builder().tableName(table).key(deviceKey(deviceId))
                            .updateExpression("SET revoked_at = :t")
                            .conditionExpression("attribute_not_exists(revoked_at) AND token_sha256 = :h")
                            .expressionAttributeValues(at).build()).build(),
                    TransactWriteItem.builder().update(Update.builder().tableName(table).key(tokenKey(hash))
                            .updateExpression("SET revoked_at = :t").expressionAttributeValues(Map.of(":t", at.get(":t"))).build()).build()));
            return true;
        } catch (TransactionCanceledException e) {
            return false; // revoked (or added again) since the read
        }
    }

    @Override
    public List<Device> list() {
        List<Device> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            ScanRequest.Builder s = ScanRequest.builder().tableName(table).consistentRead(true).filterExpression("sk = :d")
                    .expressionAttributeValues(Map.of(":d", AttributeValue.fromS("device")));
            if (start != null) {
                s.exclusiveStartKey(start);
            }
            ScanResponse r = client.scan(s.build());
            for (Map<String, AttributeValue> item : r.items()) {
                AttributeValue revoked = item.get("revoked_at");
                out.add(new Device(item.get("pk").s().substring("dev#".length()), Long.parseLong(item.get("created_at").n()),
                        revoked == null ? null : Long.parseLong(revoked.n())));
            }
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (start != null);
        out.sort(Comparator.comparing(Device::deviceId));
        return out;
    }
}
