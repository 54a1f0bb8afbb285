package io.sluice.aws.dynamodb;

import io.sluice.aws.Backoff;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * BatchWriteItem done right (AWS-CONTRACTS.md section 3): at most 25 puts per call, no two for the same item
 * (the caller passes distinct keys), {@code UnprocessedItems} sent again with exponential backoff and jitter,
 * a bounded number of times. Only for writes that are idempotent as plain puts: BatchWriteItem takes no
 * condition.
 */
final class BatchWrites {
    static final int MAX_ITEMS = 25;

    private BatchWrites() {
    }

    static void putAll(DynamoDbClient client, String table, List<Map<String, AttributeValue>> items, Backoff backoff,
                       int maxAttempts, WriteMeter meter) {
        for (int from = 0; from < items.size(); from += MAX_ITEMS) {
            List<WriteRequest> puts = new ArrayList<>();
            for (Map<String, AttributeValue> item : items.subList(from, Math.min(items.size(), from + MAX_ITEMS))) {
                puts.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
            }
            Map<String, List<WriteRequest>> request = Map.of(table, puts);
            int attempt = 0;
            while (!request.isEmpty()) {
                Map<String, List<WriteRequest>> next = request;
                BatchWriteItemResponse r = client.batchWriteItem(b -> b.requestItems(next).returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
                meter.call(r.consumedCapacity());
                int unprocessed = r.hasUnprocessedItems() ? r.unprocessedItems().getOrDefault(table, List.of()).size() : 0;
                meter.other(next.get(table).size() - unprocessed);
                request = unprocessed > 0 ? r.unprocessedItems() : Map.of();
                if (!request.isEmpty()) {
                    attempt++;
                    if (attempt >= maxAttempts) {
                        throw new LedgerWriteException("Gave up writing " + unprocessed + " items to " + table + " after " + attempt
                                + " attempts: DynamoDB kept returning them as UnprocessedItems (throttled)", null);
                    }
                    Pauses.pause(backoff, attempt);
                }
            }
        }
    }
}
