package io.sluice.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
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
        App devApp = new App();
        List<Stack> stacks = SluiceApp.build(devApp, SluiceEnvironment.of("dev"));
        Aspects.of(devApp).add(new AwsSolutionsChecks());
        SluiceApp.synthesize(devApp, stacks);
        devStack = stacks.get(0);
        dev = Template.fromStack(devStack);
        App prodApp = new App();
        prod = Template.fromStack(SluiceApp.build(prodApp, SluiceEnvironment.of("prod")).get(0));
    }

    @Test
    void everyTableIsNamedForItsEnvironmentKeyedAsTheAdaptersReadItAndRecoverable() {
        Map<String, Map<String, Object>> tables = dev.findResources("AWS::DynamoDB::Table");
        assertThat(tables).hasSize(5);
        assertThat(tables.values().stream().map(t -> String.valueOf(((Map<?, ?>) t.get("Properties")).get("TableName"))).toList())
                .containsExactlyInAnyOrder("sluice-profiles-dev", "sluice-usage-dev", "sluice-manifests-dev", "sluice-dead-letters-dev",
                        "sluice-errors-dev");
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
        Map<String, Map<String, Object>> targets = prod.findResources("AWS::ApplicationAutoScaling::ScalableTarget");
        assertThat(targets).hasSize(2);
        assertThat(targets.values()).allSatisfy(t -> assertThat(((Number) ((Map<?, ?>) t.get("Properties")).get("MaxCapacity")).intValue())
                .isLessThanOrEqualTo(Preflight.DEFAULT_TABLE_CAPACITY_QUOTA));
    }

    @Test
    void everyTableHasItsNameAndArnAsAnOutput() {
        Map<String, Map<String, Object>> outputs = dev.findOutputs("*");
        assertThat(outputs.keySet()).contains("ProfilesTableName", "UsageTableName", "ManifestsTableName", "DeadLettersTableName",
                "ErrorsTableName", "UsageTableArn");
    }

    @Test
    void cdkNagAwsSolutionsFindsNothing() {
        assertThat(Annotations.fromStack(devStack).findError("*", Match.stringLikeRegexp("AwsSolutions-.*"))).isEmpty();
        assertThat(Annotations.fromStack(devStack).findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*"))).isEmpty();
    }
}
