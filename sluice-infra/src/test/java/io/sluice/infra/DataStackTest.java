package io.sluice.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * The data stack's template (INF-10, INF-12, SEC-2), synthesized once per environment and shared by the tests (a
 * synth takes seconds), with cdk-nag's AwsSolutions checks applied (SEC-1).
 */
class DataStackTest {
    private static Template dev;
    private static Template prod;
    private static Stack devStack;

    @BeforeAll
    static void synth() {
        devStack = Synthesized.of("dev").stack("SluiceData");
        dev = Synthesized.of("dev").data();
        prod = Synthesized.of("prod").data();
    }

    @Test
    void everyTableIsNamedForItsEnvironmentKeyedAsTheAdaptersReadItAndRecoverable() {
        Map<String, Map<String, Object>> tables = dev.findResources("AWS::DynamoDB::Table");
        assertThat(tables).hasSize(7);
        assertThat(tables.values().stream().map(t -> String.valueOf(((Map<?, ?>) t.get("Properties")).get("TableName"))).toList())
                .containsExactlyInAnyOrder("sluice-profiles-dev", "sluice-usage-dev", "sluice-manifests-dev", "sluice-dead-letters-dev",
                        "sluice-errors-dev", "sluice-fraud-dev", "sluice-telemetry-dev");
        dev.allResourcesProperties("AWS::DynamoDB::Table", Map.of(
                "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true),
                "SSESpecification", Match.objectLike(Map.of("SSEEnabled", true, "SSEType", "KMS"))));
        dev.hasResourceProperties("AWS::DynamoDB::Table", Map.of("TableName", "sluice-usage-dev", "KeySchema", List.of(
                Map.of("AttributeName", "pk", "KeyType", "HASH"), Map.of("AttributeName", "sk", "KeyType", "RANGE"))));
        dev.hasResourceProperties("AWS::DynamoDB::Table", Map.of("TableName", "sluice-errors-dev", "GlobalSecondaryIndexes",
                List.of(Match.objectLike(Map.of("IndexName", "by-function-time", "KeySchema", List.of(
                        Map.of("AttributeName", "function_name", "KeyType", "HASH"),
                        Map.of("AttributeName", "occurred_at", "KeyType", "RANGE")))))));
    }

    /** CDR-10: the fraud rules' state, its sparse index of alerts not yet sent, and items that expire by themselves. */
    @Test
    void theFraudTableHasThePendingIndexAndExpiresItsItems() {
        dev.hasResourceProperties("AWS::DynamoDB::Table", Map.of("TableName", "sluice-fraud-dev", "BillingMode", "PAY_PER_REQUEST",
                "KeySchema", List.of(Map.of("AttributeName", "pk", "KeyType", "HASH"), Map.of("AttributeName", "sk", "KeyType", "RANGE")),
                "GlobalSecondaryIndexes", List.of(Match.objectLike(Map.of("IndexName", "pending-by-time", "KeySchema", List.of(
                        Map.of("AttributeName", "pending", "KeyType", "HASH"), Map.of("AttributeName", "pending_at", "KeyType", "RANGE"))))),
                "TimeToLiveSpecification", Map.of("AttributeName", "expires_at", "Enabled", true)));
        // Only the fraud and telemetry tables expire items (IOT-3 retention: TelemetryStackTest): a ledger claim or a
        // dead letter that vanished would lose a record.
        assertThat(dev.findResources("AWS::DynamoDB::Table", Map.of("Properties", Map.of("TimeToLiveSpecification", Match.anyValue()))))
                .hasSize(2);
        dev.hasResourceProperties("AWS::DynamoDB::Table", Map.of("TableName", "sluice-telemetry-dev",
                "TimeToLiveSpecification", Map.of("AttributeName", "expires_at", "Enabled", true)));
    }

    @Test
    void devDataIsDestroyedWithItsStackAndProdDataIsKept() {
        dev.allResources("AWS::DynamoDB::Table", Map.of("DeletionPolicy", "Delete", "UpdateReplacePolicy", "Delete"));
        prod.allResources("AWS::DynamoDB::Table", Map.of("DeletionPolicy", "Retain", "UpdateReplacePolicy", "Retain"));
        prod.allResources("AWS::KMS::Key", Map.of("DeletionPolicy", "Retain"));
        dev.hasResourceProperties("AWS::KMS::Key", Map.of("EnableKeyRotation", true));
    }

    @Test
    void profilesAreProvisionedAndAutoScaledWithinTheQuota() {
        dev.hasResourceProperties("AWS::DynamoDB::Table", Map.of("TableName", "sluice-profiles-dev",
                "ProvisionedThroughput", Map.of("ReadCapacityUnits", 5, "WriteCapacityUnits", 5)));
        // MIG-2: a pull-request environment, idle most of the time, prefers on demand
        Template pr = Synthesized.of("pr123").data();
        pr.hasResourceProperties("AWS::DynamoDB::Table", Map.of("TableName", "sluice-profiles-pr123", "BillingMode", "PAY_PER_REQUEST"));
        assertThat(pr.findResources("AWS::ApplicationAutoScaling::ScalableTarget")).isEmpty();
        Map<String, Map<String, Object>> targets = prod.findResources("AWS::ApplicationAutoScaling::ScalableTarget");
        assertThat(targets).hasSize(2);
        assertThat(targets.values()).allSatisfy(t -> assertThat(((Number) ((Map<?, ?>) t.get("Properties")).get("MaxCapacity")).intValue())
                .isLessThanOrEqualTo(Preflight.DEFAULT_TABLE_CAPACITY_QUOTA));
    }

    @Test
    void everyTableHasItsNameAndArnAsAnOutput() {
        Map<String, Map<String, Object>> outputs = dev.findOutputs("*");
        assertThat(outputs.keySet()).contains("ProfilesTableName", "UsageTableName", "ManifestsTableName", "DeadLettersTableName",
                "ErrorsTableName", "FraudTableName", "TelemetryTableName", "UsageTableArn");
    }

    @Test
    void everyBucketIsVersionedPrivateAndTlsOnlyAndTheDataBucketsUseTheDataKey() {
        Map<String, Map<String, Object>> buckets = dev.findResources("AWS::S3::Bucket");
        assertThat(buckets).hasSize(4);
        dev.allResourcesProperties("AWS::S3::Bucket", Map.of("VersioningConfiguration", Map.of("Status", "Enabled"),
                "PublicAccessBlockConfiguration", Map.of("BlockPublicAcls", true, "BlockPublicPolicy", true,
                        "IgnorePublicAcls", true, "RestrictPublicBuckets", true)));
        assertThat(dev.findResources("AWS::S3::Bucket", Map.of("Properties", Map.of("BucketEncryption", Match.objectLike(Map.of(
                "ServerSideEncryptionConfiguration", List.of(Match.objectLike(Map.of("ServerSideEncryptionByDefault",
                        Map.of("SSEAlgorithm", "aws:kms", "KMSMasterKeyID", Match.anyValue())))))))))).hasSize(3);
        // The access-log bucket: S3 log delivery writes with S3-managed keys only; every other bucket logs into it.
        assertThat(dev.findResources("AWS::S3::Bucket", Map.of("Properties", Map.of("LoggingConfiguration", Match.objectLike(
                Map.of("DestinationBucketName", Match.anyValue())))))).hasSize(3);
        Map<String, Map<String, Object>> policies = dev.findResources("AWS::S3::BucketPolicy");
        assertThat(policies).hasSize(4).allSatisfy((id, p) -> assertThat(p.toString())
                .contains("Effect=Deny").contains("aws:SecureTransport=false"));
        dev.hasResourceProperties("AWS::S3::Bucket", Map.of("NotificationConfiguration", Map.of("EventBridgeConfiguration",
                Map.of("EventBridgeEnabled", true))));
    }

    @Test
    void devBucketsAreEmptiedWithTheirStackAndProdBucketsAreKept() {
        dev.allResources("AWS::S3::Bucket", Map.of("DeletionPolicy", "Delete"));
        assertThat(dev.findResources("Custom::S3AutoDeleteObjects")).hasSize(4);
        prod.allResources("AWS::S3::Bucket", Map.of("DeletionPolicy", "Retain", "UpdateReplacePolicy", "Retain"));
        assertThat(prod.findResources("Custom::S3AutoDeleteObjects")).isEmpty();
    }

    @Test
    void bucketNamesAreGlobalYetEndWithTheEnvironment() {
        dev.hasResourceProperties("AWS::S3::Bucket", Map.of("BucketName", Map.of("Fn::Join", List.of("", List.of(
                "sluice-objects-", Map.of("Ref", "AWS::AccountId"), "-", Map.of("Ref", "AWS::Region"), "-dev")))));
    }

    @Test
    void cdkNagFindsNothingInAnyStackOfAnyEnvironment() {
        for (String env : List.of("dev", "prod")) {
            for (Stack s : Synthesized.of(env).stacks) {
                assertThat(Annotations.fromStack(s).findError("*", Match.stringLikeRegexp("(AwsSolutions|Serverless)-.*")))
                        .as("nag errors in %s", s.getStackName()).isEmpty();
                assertThat(Annotations.fromStack(s).findWarning("*", Match.anyValue()))
                        .as("warnings in %s", s.getStackName()).isEmpty();
            }
        }
    }
}
