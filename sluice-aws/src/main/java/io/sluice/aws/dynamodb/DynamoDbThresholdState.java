package io.sluice.aws.dynamodb;

import io.sluice.aws.Backoff;
import io.sluice.core.telemetry.ThresholdState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The threshold rules' state per device and rule (IOT-4) in the telemetry table: {@code pk=dev#<device>, sk=t#<rule>},
 * raised, told, last_raised_at, last_seen_at. Read in batches with consistent reads, saved as plain puts (the latest
 * evaluation's state replaces the one before). No TTL: a device that stays quiet for months keeps its episode.
 */
public final class DynamoDbThresholdState implements ThresholdState {
    private final DynamoDbClient client;
    private final String table;
    private final Backoff backoff;
    private final int maxAttempts;
    private final WriteMeter meter = new WriteMeter();

    public DynamoDbThresholdState(DynamoDbClient client, String table, Backoff backoff, int maxAttempts) {
        this.client = client;
        this.table = table;
        this.backoff = backoff;
        this.maxAttempts = maxAttempts;
    }

    private static Map<String, AttributeValue> key(Key k) {
        return Map.of("pk", AttributeValue.fromS(DynamoDbTelemetryStore.device(k.deviceId())), "sk", AttributeValue.fromS("t#" + k.rule()));
    }

    @Override
    public Map<Key, State> load(Collection<Key> keys) {
        Map<Map<String, AttributeValue>, Key> byItemKey = new LinkedHashMap<>();
        for (Key k : keys) {
            byItemKey.put(key(k), k);
        }
        Map<Key, State> out = new HashMap<>();
        if (byItemKey.isEmpty()) {
            return out;
        }
        BatchReads.getAll(client, table, byItemKey.keySet(), true, null, backoff, maxAttempts, item -> {
            Key k = byItemKey.get(Map.of("pk", item.get("pk"), "sk", item.get("sk")));
            out.put(k, new State(item.get("raised").bool(), item.get("told").bool(), Long.parseLong(item.get("last_raised_at").n()),
                    Long.parseLong(item.get("last_seen_at").n())));
        }, Map.of());
        return out;
    }

    @Override
    public void save(Map<Key, State> changed) {
        List<Map<String, AttributeValue>> items = new ArrayList<>(changed.size());
        changed.forEach((k, s) -> {
            Map<String, AttributeValue> item = new HashMap<>(key(k));
            item.put("raised", AttributeValue.fromBool(s.raised()));
            item.put("told", AttributeValue.fromBool(s.told()));
            item.put("last_raised_at", AttributeValue.fromN(Long.toString(s.lastRaisedAt())));
            item.put("last_seen_at", AttributeValue.fromN(Long.toString(s.lastSeenAt())));
            items.add(item);
        });
        BatchWrites.putAll(client, table, items, backoff, maxAttempts, meter);
    }
}
