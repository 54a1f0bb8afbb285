package io.sluice.aws.dynamodb;

import io.sluice.core.contracts.TableKeys;
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
 * Sluice's tables as DynamoDB requests: the key schemas of {@link TableKeys#ALL} (sluice-core, plain data, which the
 * CDK app declares too), created in DynamoDB Local by tests and {@code sluice invoke}.
 */
public final class TableSchemas {
    private TableSchemas() {
    }

    /** Creates every table of the CDR pipeline (on-demand) unless it exists: for DynamoDB Local, never for a deployed account. */
    public static void createAll(DynamoDbClient client, DynamoTables t) {
        List<String> names = List.of(t.profiles(), t.usage(), t.manifests(), t.deadLetters(), t.errors(), t.fraud());
        for (int i = 0; i < names.size(); i++) {
            create(client, request(names.get(i), TableKeys.ALL.get(i)));
        }
    }

    /** Creates the table of {@code role} (one of {@link TableKeys#ALL}) named {@code name}, unless it exists: DynamoDB Local only. */
    public static void create(DynamoDbClient client, String name, String role) {
        create(client, request(name, TableKeys.ALL.stream().filter(k -> k.role().equals(role)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no table role " + role))));
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
