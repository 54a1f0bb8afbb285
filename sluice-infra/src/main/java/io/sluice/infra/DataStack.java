package io.sluice.infra;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.sluice.core.contracts.OutputNames;
import io.sluice.core.contracts.TableKeys;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
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
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.CfnBucket;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.amazon.awscdk.services.s3.StorageClass;
import software.amazon.awscdk.services.s3.Transition;
import software.constructs.Construct;

/**
 * The data stores, in a stack of their own (their lifecycle is not the functions'): Sluice's DynamoDB tables,
 * keyed as {@link TableKeys} says, each encrypted with a customer-managed key (SEC-2), with point-in-time
 * recovery in every environment and the environment's removal policy (INF-10). Profiles are provisioned
 * with auto scaling (MIG-2), except in pull-request environments, which prefer on demand; the others are on
 * demand. And the buckets: objects (CDR files in), the Parquet archive,
 * Athena's results, all versioned, TLS-only and encrypted with the same key (INF-15), plus their access logs.
 */
public final class DataStack extends Stack {
    private final Map<String, Table> tables = new LinkedHashMap<>();
    private final Key key;
    private final Bucket accessLogs;
    private final Bucket objects;
    private final Bucket archive;
    private final Bucket athenaResults;

    public DataStack(Construct scope, String id, StackProps props, SluiceEnvironment env) {
        super(scope, id, props);
        key = Keys.create(this, "DataKey", env, "data", "Sluice tables and buckets");
        for (TableKeys k : TableKeys.ALL) {
            boolean provisioned = k.role().equals(TableKeys.PROFILES) && !env.profilesOnDemand();
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
            if (k.role().equals(TableKeys.FRAUD)) {
                // The rules' windows look back at most 8 days; each item carries its expiry (35 days after its write).
                b.timeToLiveAttribute(TableKeys.FRAUD_EXPIRES_ATTRIBUTE);
            }
            if (k.role().equals(TableKeys.TELEMETRY)) {
                // IOT-3: readings, rollups and claims carry their expiry (SLUICE_TELEMETRY_RETENTION_DAYS after the
                // reading); devices carry none and stay.
                b.timeToLiveAttribute(TableKeys.TELEMETRY_EXPIRES_ATTRIBUTE);
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
        // S3 server access logs go to a bucket of their own; S3 log delivery writes with S3-managed keys only.
        accessLogs = Bucket.Builder.create(this, "AccessLogsBucket").bucketName(globalName(env, "access-logs"))
                .encryption(BucketEncryption.S3_MANAGED).enforceSsl(true).versioned(true)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL).objectOwnership(ObjectOwnership.BUCKET_OWNER_PREFERRED)
                .lifecycleRules(List.of(LifecycleRule.builder().id("expire-access-logs").expiration(Duration.days(90))
                        .noncurrentVersionExpiration(Duration.days(7)).build()))
                .removalPolicy(env.removalPolicy()).autoDeleteObjects(env.disposable()).build();
        NagSuppressions.addResourceSuppressions(accessLogs, List.of(NagPackSuppression.builder().id("AwsSolutions-S1")
                .reason("This is the access-log bucket itself; logging it into itself would loop.").build()));
        objects = dataBucket(env, "objects", "ObjectBucket", List.of(LifecycleRule.builder().id("expire-old-versions")
                .noncurrentVersionExpiration(Duration.days(30)).abortIncompleteMultipartUploadAfter(Duration.days(7)).build()));
        // Object-created events go to EventBridge (the compute stack routes them to its queue), set natively in
        // CloudFormation: no notification custom resource, and no reference from this stack to the compute stack.
        ((CfnBucket) objects.getNode().getDefaultChild()).addPropertyOverride(
                "NotificationConfiguration.EventBridgeConfiguration.EventBridgeEnabled", true);
        archive = dataBucket(env, "archive", "ArchiveBucket", List.of(LifecycleRule.builder().id("archive-tiers")
                .transitions(List.of(Transition.builder().storageClass(StorageClass.INTELLIGENT_TIERING)
                        .transitionAfter(Duration.days(30)).build()))
                .noncurrentVersionExpiration(Duration.days(30)).abortIncompleteMultipartUploadAfter(Duration.days(7)).build()));
        athenaResults = dataBucket(env, "athena-results", "AthenaResultsBucket", List.of(LifecycleRule.builder()
                .id("expire-query-results").expiration(Duration.days(30)).noncurrentVersionExpiration(Duration.days(1))
                .abortIncompleteMultipartUploadAfter(Duration.days(1)).build()));
        output(OutputNames.OBJECT_BUCKET, objects.getBucketName(), "Drop CDR files here (versioned; object-created events go to the object queue)");
        output(OutputNames.ARCHIVE_BUCKET, archive.getBucketName(), "Parquet archive of accepted CDRs, cdr/dt=YYYY-MM-DD/");
        output("AthenaResultsBucketName", athenaResults.getBucketName(), "Athena query results (expire after 30 days)");
        output("AccessLogsBucketName", accessLogs.getBucketName(), "S3 server access logs of the other buckets");
        output(OutputNames.DATA_KEY_ARN, key.getKeyArn(), "KMS key of the tables and buckets");
    }

    /** A versioned, TLS-only bucket encrypted with the data key, private, with access logs (SEC-2, INF-15). */
    private Bucket dataBucket(SluiceEnvironment env, String resource, String id, List<LifecycleRule> rules) {
        return Bucket.Builder.create(this, id).bucketName(globalName(env, resource))
                .encryption(BucketEncryption.KMS).encryptionKey(key).bucketKeyEnabled(true)
                .enforceSsl(true).versioned(true).blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
                .serverAccessLogsBucket(accessLogs).serverAccessLogsPrefix(resource + "/")
                .lifecycleRules(rules).removalPolicy(env.removalPolicy()).autoDeleteObjects(env.disposable()).build();
    }

    /**
     * A bucket name is global across all accounts: {@code sluice-<resource>-<account>-<region>-<suffix>}, so that
     * two accounts, two regions or two environments never collide, and the name still ends with the suffix.
     */
    static String globalName(SluiceEnvironment env, String resource) {
        return "sluice-" + resource + "-" + Aws.ACCOUNT_ID + "-" + Aws.REGION + "-" + env.suffix();
    }

    private void output(String name, String value, String description) {
        CfnOutput.Builder.create(this, name).value(value).description(description).build();
    }

    public Bucket objects() {
        return objects;
    }

    public Bucket archive() {
        return archive;
    }

    public Bucket athenaResults() {
        return athenaResults;
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
