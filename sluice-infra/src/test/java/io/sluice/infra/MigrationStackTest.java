package io.sluice.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * Issue 20 (MIG-1, MIG-3, INF-3, INF-4, INF-7): the DMS stack of {@code -c migration=true}, synthesized with the preflight
 * checks and cdk-nag as every synth is: the failure classes of the stack it replaces do not recur.
 */
class MigrationStackTest {
    private static Template dev;
    private static Template prod;
    private static List<Stack> devStacks;

    private static List<Stack> synth(String suffix, Map<String, Object> context) {
        App app = new App(AppProps.builder().context(context).build());
        List<Stack> stacks = SluiceApp.build(app, SluiceEnvironment.of(suffix));
        SluiceApp.synthesize(app, stacks); // fails on a preflight finding or a cdk-nag error
        return stacks;
    }

    private static Template migration(List<Stack> stacks) {
        return Template.fromStack(stacks.stream().filter(s -> s.getStackName().startsWith("SluiceMigration-")).findFirst().orElseThrow());
    }

    @BeforeAll
    static void synthBoth() {
        devStacks = synth("dev", Map.of("migration", "true"));
        dev = migration(devStacks);
        prod = migration(synth("prod", Map.of("migration", "true", "migrationColumns", "msisdn=phone,plan=tariff")));
    }

    @Test
    void withoutTheFlagThereIsNoMigrationStack() {
        assertThat(Synthesized.of("dev").stacks).extracting(Stack::getStackName).noneMatch(n -> n.startsWith("SluiceMigration"));
    }

    @Test
    void dmsVpcRoleIsMadeWithItsManagedPolicyBeforeTheSubnetGroup() {
        Map<String, Map<String, Object>> roles = dev.findResources("AWS::IAM::Role", Map.of("Properties", Map.of("RoleName", "dms-vpc-role")));
        assertThat(roles).hasSize(1);
        String roleId = roles.keySet().iterator().next();
        dev.hasResourceProperties("AWS::IAM::Role", Map.of("RoleName", "dms-vpc-role", "ManagedPolicyArns", List.of(Map.of("Fn::Join",
                List.of("", List.of("arn:", Map.of("Ref", "AWS::Partition"), ":iam::aws:policy/service-role/AmazonDMSVPCManagementRole"))))));
        dev.hasResource("AWS::DMS::ReplicationSubnetGroup", Map.of("DependsOn", Match.arrayWith(List.of(roleId))));
        // The only managed policy of the stack: AWS requires this one (INF-3).
        assertThat(dev.findResources("AWS::IAM::Role", Map.of("Properties", Map.of("ManagedPolicyArns", Match.anyValue())))).hasSize(1);

        Template existing = migration(synth("staging", Map.of("migration", "true", "dmsVpcRole", "existing")));
        assertThat(existing.findResources("AWS::IAM::Role", Map.of("Properties", Map.of("RoleName", "dms-vpc-role")))).isEmpty();
    }

    @Test
    void theTaskLoadsAndFollowsTheSourceIntoTheProfileTable() {
        dev.hasResourceProperties("AWS::DMS::Endpoint", Map.of("EndpointType", "source", "EngineName", "mysql", "SslMode", "require",
                "MySqlSettings", Map.of("SecretsManagerSecretId", Match.anyValue(), "SecretsManagerAccessRoleArn", Match.anyValue())));
        dev.hasResourceProperties("AWS::DMS::Endpoint", Map.of("EndpointType", "target", "EngineName", "dynamodb",
                "DynamoDbSettings", Map.of("ServiceAccessRoleArn", Match.anyValue())));
        dev.hasResourceProperties("AWS::DMS::ReplicationInstance", Map.of("PubliclyAccessible", false, "MultiAZ", false,
                "KmsKeyId", Match.anyValue()));
        prod.hasResourceProperties("AWS::DMS::ReplicationInstance", Map.of("MultiAZ", true));
        Map<String, Map<String, Object>> tasks = dev.findResources("AWS::DMS::ReplicationTask");
        assertThat(tasks).hasSize(1);
        Map<?, ?> task = (Map<?, ?>) tasks.values().iterator().next().get("Properties");
        assertThat(task.get("MigrationType")).isEqualTo("full-load-and-cdc");
        String mappings = task.get("TableMappings").toString();
        assertThat(mappings).as(mappings).contains("map-record-to-record").contains("\"partition-key-name\":\"msisdn\"")
                .contains("${msisdn}").contains("${home_country}").contains("SourceDatabaseName").contains("SourceTable");
        // DMS data validation does not support DynamoDB targets: sluice migrate verify is the check (docs/migration.md).
        assertThat(task.get("ReplicationTaskSettings").toString()).contains("\"EnableValidation\":false");
        String prodMappings = ((Map<?, ?>) prod.findResources("AWS::DMS::ReplicationTask").values().iterator().next().get("Properties"))
                .get("TableMappings").toString();
        assertThat(prodMappings).contains("${phone}").contains("${tariff}").contains("${status}");
    }

    @Test
    void theSourceEndpointHasASafePlaceholderOutsideProdAndNoneInProd() {
        assertThat(dev.findParameters("SourceDatabaseEndpoint", Map.of("Default", "source-database.invalid"))).hasSize(1);
        Map<String, Map<String, Object>> p = prod.findParameters("SourceDatabaseEndpoint");
        assertThat(p).hasSize(1);
        assertThat(p.values().iterator().next()).doesNotContainKey("Default");
    }

    @Test
    void cdkNagFindsNothing() {
        for (Stack s : devStacks) {
            assertThat(Annotations.fromStack(s).findError("*", Match.stringLikeRegexp("(AwsSolutions|Serverless)-.*"))).as(s.getStackName()).isEmpty();
        }
    }
}
