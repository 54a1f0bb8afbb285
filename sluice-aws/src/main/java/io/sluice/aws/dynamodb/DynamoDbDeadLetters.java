package io.sluice.aws.dynamodb;

import io.sluice.aws.Backoff;
import io.sluice.core.cdr.Rejection;
import io.sluice.core.pipeline.BatchId;
import io.sluice.core.pipeline.DeadLetters;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Rejected records in DynamoDB (CDR-3), one item per record keyed by the hash of its bytes: the original bytes,
 * where they came from (source and line), the reason and its detail. A plain put of the same record is the
 * same item, so a retried batch stores nothing twice.
 */
public final class DynamoDbDeadLetters implements DeadLetters {
    private final DynamoDbClient client;
    private final String table;
    private final Backoff backoff;
    private final int maxAttempts;
    private final WriteMeter meter;

    public DynamoDbDeadLetters(DynamoDbClient client, String table, Backoff backoff, int maxAttempts, WriteMeter meter) {
        this.client = client;
        this.table = table;
        this.backoff = backoff;
        this.maxAttempts = maxAttempts;
        this.meter = meter;
    }

    @Override
    public void store(BatchId batch, List<Rejection> rejections) {
        String now = Instant.now().toString();
        Map<String, Map<String, AttributeValue>> items = new LinkedHashMap<>();
        for (Rejection r : rejections) {
            Map<String, AttributeValue> item = new HashMap<>();
            String key = r.contentKey().hex();
            item.put("record_key", AttributeValue.fromS(key));
            item.put("batch", AttributeValue.fromS(batch.value()));
            item.put("source", AttributeValue.fromS(r.source()));
            item.put("line", AttributeValue.fromN(Long.toString(r.line())));
            item.put("reason", AttributeValue.fromS(r.reason().name()));
            item.put("detail", AttributeValue.fromS(r.detail() == null ? "" : r.detail()));
            item.put("original", AttributeValue.fromB(SdkBytes.fromByteArray(r.original())));
            item.put("stored_at", AttributeValue.fromS(now));
            items.putIfAbsent(key, item);
        }
        BatchWrites.putAll(client, table, new ArrayList<>(items.values()), backoff, maxAttempts, meter);
    }
}
