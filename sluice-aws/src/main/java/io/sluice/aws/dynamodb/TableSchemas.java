package io.sluice.aws.dynamodb;

import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The key schemas of Sluice's tables, written once: the adapters read and write by them, tests and
 * {@code sluice invoke} create them in DynamoDB Local from here, and the CDK app must declare the same.
 */
public final class TableSchemas {
    public static final String ERRORS_BY_FUNCTION_INDEX = "by-function-time";

    /**
     * One table's keys, all strings: its role (the {@link DynamoTables} component and the physical name's stem),
     * partition and sort key, and at most one global secondary index (projection ALL).
     */
    public record TableKeys(String role, String partitionKey, String sortKey, String indexName, String indexPartitionKey,
                            String indexSortKey) {
    }

    /** Every table, in the order of {@link DynamoTables}. */
    public static final List<TableKeys> ALL = List.of(
            new TableKeys("profiles", "msisdn", null, null, null, null),
            new TableKeys("usage", "pk", "sk", null, null, null),
            new TableKeys("manifests", "object", null, null, null, null),
            new TableKeys("dead-letters", "record_key", null, null, null, null),
            new TableKeys("errors", "error_id", null, ERRORS_BY_FUNCTION_INDEX, "function_name", "occurred_at"));

    private TableSchemas() {
    }

    /** Creates every table (on-demand) unless it exists: for DynamoDB Local, never for a deployed account. */
    public static void createAll(DynamoDbClient client, DynamoTables t) {
        List<String> names = List.of(t.profiles(), t.usage(), t.manifests(), t.deadLetters(), t.errors());
        for (int i = 0; i < ALL.size(); i++) {
            create(client, request(names.get(i), ALL.get(i)));
        }
    }

    private static CreateTableRequest request(String name, TableKeys k) {
        List<KeySchemaElement> keys = new java.util.ArrayList<>(List.of(key(k.partitionKey(), KeyType.HASH)));
        java.util.Set<String> attributes = new java.util.LinkedHashSet<>(List.of(k.partitionKey()));
        if (k.sortKey() != null) {
            keys.add(key(k.sortKey(), KeyType.RANGE));
            attributes.add(k.sortKey());
        }
        CreateTableRequest.Builder b = CreateTableRequest.builder().tableName(name).billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(keys);
        if (k.indexName() != null) {
            attributes.add(k.indexPartitionKey());
            attributes.add(k.indexSortKey());
            b.globalSecondaryIndexes(GlobalSecondaryIndex.builder().indexName(k.indexName())
                    .keySchema(key(k.indexPartitionKey(), KeyType.HASH), key(k.indexSortKey(), KeyType.RANGE))
                    .projection(Projection.builder().projectionType(ProjectionType.ALL).build()).build());
        }
        return b.attributeDefinitions(attributes.stream().map(TableSchemas::attr).toList()).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }

    private static AttributeDefinition attr(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static void create(DynamoDbClient client, CreateTableRequest request) {
        try {
            client.createTable(request);
        } catch (ResourceInUseException exists) {
            // already there: creating is idempotent for local use
        }
    }
}
