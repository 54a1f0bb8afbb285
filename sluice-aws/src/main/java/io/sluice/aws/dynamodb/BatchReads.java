package io.sluice.aws.dynamodb;

import io.sluice.aws.Backoff;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * BatchGetItem done right (AWS-CONTRACTS.md section 3): at most 100 keys per call, and {@code UnprocessedKeys}
 * read again with exponential backoff and jitter, a bounded number of times (OBJ-3).
 */
final class BatchReads {
    static final int MAX_KEYS = 100;

    private BatchReads() {
    }

    static void getAll(DynamoDbClient client, String table, Collection<Map<String, AttributeValue>> keys, boolean consistent,
                       String projection, Backoff backoff, int maxAttempts, Consumer<Map<String, AttributeValue>> found,
                       Map<String, String> names) {
        List<Map<String, AttributeValue>> all = new ArrayList<>(keys);
        for (int from = 0; from < all.size(); from += MAX_KEYS) {
            Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder()
                    .keys(all.subList(from, Math.min(all.size(), from + MAX_KEYS))).consistentRead(consistent)
                    .projectionExpression(projection).expressionAttributeNames(names.isEmpty() ? null : names).build());
            int attempt = 0;
            while (!request.isEmpty()) {
                Map<String, KeysAndAttributes> next = request;
                BatchGetItemResponse r = client.batchGetItem(b -> b.requestItems(next));
                r.responses().getOrDefault(table, List.of()).forEach(found);
                request = r.hasUnprocessedKeys() ? r.unprocessedKeys() : Map.of();
                if (!request.isEmpty()) {
                    attempt++;
                    if (attempt >= maxAttempts) {
                        throw new LedgerWriteException("Gave up reading " + request.get(table).keys().size() + " keys from " + table
                                + " after " + attempt + " attempts: DynamoDB kept returning them as UnprocessedKeys (throttled)", null);
                    }
                    Pauses.pause(backoff, attempt);
                }
            }
        }
    }
}
