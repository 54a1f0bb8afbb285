package io.sluice.infra;

import io.sluice.aws.dynamodb.TableSchemas;
import io.sluice.aws.dynamodb.TableSchemas.TableKeys;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.EnableScalingProps;
import software.amazon.awscdk.services.dynamodb.GlobalSecondaryIndexProps;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.ProjectionType;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.amazon.awscdk.services.dynamodb.UtilizationScalingProps;
import software.amazon.awscdk.services.kms.Key;
import software.constructs.Construct;

/**
 * The data stores, in a stack of their own (their lifecycle is not the functions'): Sluice's DynamoDB tables,
 * keyed as {@link TableSchemas} says, each encrypted with a customer-managed key (SEC-2), with point-in-time
 * recovery in every environment and the environment's removal policy (INF-10). Profiles are provisioned
 * with auto scaling; the others are on demand.
 */
public final class DataStack extends Stack {
    private final Map<String, Table> tables = new LinkedHashMap<>();
    private final Key key;

    public DataStack(Construct scope, String id, StackProps props, SluiceEnvironment env) {
        super(scope, id, props);
        key = Key.Builder.create(this, "DataKey").alias("alias/" + env.name("data")).description("Sluice tables, " + env.suffix())
                .enableKeyRotation(true).removalPolicy(env.removalPolicy()).build();
        for (TableKeys k : TableSchemas.ALL) {
            boolean provisioned = k.role().equals("profiles");
            Table.Builder b = Table.Builder.create(this, camel(k.role()) + "Table")
                    .tableName(env.name(k.role()))
                    .partitionKey(Attribute.builder().name(k.partitionKey()).type(AttributeType.STRING).build())
                    .billingMode(provisioned ? BillingMode.PROVISIONED : BillingMode.PAY_PER_REQUEST)
                    .encryption(TableEncryption.CUSTOMER_MANAGED).encryptionKey(key)
                    .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder().pointInTimeRecoveryEnabled(true).build())
                    .removalPolicy(env.removalPolicy());
            if (k.sortKey() != null) {
                b.sortKey(Attribute.builder().name(k.sortKey()).type(AttributeType.STRING).build());
            }
            if (provisioned) {
                b.readCapacity(env.profilesMinRead()).writeCapacity(env.profilesMinWrite());
            }
            Table table = b.build();
            if (k.indexName() != null) {
                table.addGlobalSecondaryIndex(GlobalSecondaryIndexProps.builder().indexName(k.indexName())
                        .partitionKey(Attribute.builder().name(k.indexPartitionKey()).type(AttributeType.STRING).build())
                        .sortKey(Attribute.builder().name(k.indexSortKey()).type(AttributeType.STRING).build())
                        .projectionType(ProjectionType.ALL).build());
            }
            if (provisioned) {
                table.autoScaleReadCapacity(EnableScalingProps.builder().minCapacity(env.profilesMinRead())
                        .maxCapacity(env.profilesMaxRead()).build())
                        .scaleOnUtilization(UtilizationScalingProps.builder().targetUtilizationPercent(70).build());
                table.autoScaleWriteCapacity(EnableScalingProps.builder().minCapacity(env.profilesMinWrite())
                        .maxCapacity(env.profilesMaxWrite()).build())
                        .scaleOnUtilization(UtilizationScalingProps.builder().targetUtilizationPercent(70).build());
            }
            tables.put(k.role(), table);
            CfnOutput.Builder.create(this, camel(k.role()) + "TableName").value(table.getTableName())
                    .description("DynamoDB table: " + k.role()).build();
            CfnOutput.Builder.create(this, camel(k.role()) + "TableArn").value(table.getTableArn()).build();
        }
    }

    public Table table(String role) {
        Table t = tables.get(role);
        if (t == null) {
            throw new IllegalArgumentException("No table with role " + role + "; roles: " + tables.keySet());
        }
        return t;
    }

    public Key key() {
        return key;
    }

    static String camel(String role) {
        StringBuilder b = new StringBuilder();
        for (String part : role.split("-")) {
            b.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return b.toString();
    }
}
