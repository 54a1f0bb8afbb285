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

    private TableSchemas() {
    }

    /** Creates every table (on-demand) unless it exists: for DynamoDB Local, never for a deployed account. */
    public static void createAll(DynamoDbClient client, DynamoTables t) {
        create(client, table(t.profiles(), "msisdn", null));
        create(client, table(t.usage(), "pk", "sk"));
        create(client, table(t.manifests(), "object", null));
        create(client, table(t.deadLetters(), "record_key", null));
        create(client, table(t.errors(), "error_id", null).toBuilder()
                .attributeDefinitions(attr("error_id"), attr("function_name"), attr("occurred_at"))
                .globalSecondaryIndexes(GlobalSecondaryIndex.builder().indexName(ERRORS_BY_FUNCTION_INDEX)
                        .keySchema(key("function_name", KeyType.HASH), key("occurred_at", KeyType.RANGE))
                        .projection(Projection.builder().projectionType(ProjectionType.ALL).build()).build())
                .build());
    }

    private static CreateTableRequest table(String name, String hash, String range) {
        CreateTableRequest.Builder b = CreateTableRequest.builder().tableName(name).billingMode(BillingMode.PAY_PER_REQUEST);
        if (range == null) {
            b.keySchema(key(hash, KeyType.HASH)).attributeDefinitions(attr(hash));
        } else {
            b.keySchema(List.of(key(hash, KeyType.HASH), key(range, KeyType.RANGE))).attributeDefinitions(attr(hash), attr(range));
        }
        return b.build();
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
