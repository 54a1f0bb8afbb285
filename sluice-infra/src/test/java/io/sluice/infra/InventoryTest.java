package io.sluice.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * docs/inventory.md, the resource inventory, is generated from the synthesized templates and checked here, so it
 * cannot drift from the code (INF-12). After a deliberate change, regenerate it:
 * {@code mvn -B test -pl sluice-infra -Dtest=InventoryTest -Dsluice.updateInventory=true}.
 */
class InventoryTest {
    static final Path INVENTORY = Path.of("..", "docs", "inventory.md");
    /** The property that holds a resource's physical name, by type (dotted: nested). */
    static final Map<String, String> NAME_PROPERTY = Map.ofEntries(
            Map.entry("AWS::DynamoDB::Table", "TableName"), Map.entry("AWS::S3::Bucket", "BucketName"),
            Map.entry("AWS::Lambda::Function", "FunctionName"), Map.entry("AWS::Lambda::Alias", "Name"),
            Map.entry("AWS::SQS::Queue", "QueueName"), Map.entry("AWS::SNS::Topic", "TopicName"),
            Map.entry("AWS::Kinesis::Stream", "Name"), Map.entry("AWS::KinesisFirehose::DeliveryStream", "DeliveryStreamName"),
            Map.entry("AWS::StepFunctions::StateMachine", "StateMachineName"), Map.entry("AWS::Logs::LogGroup", "LogGroupName"),
            Map.entry("AWS::Logs::LogStream", "LogStreamName"), Map.entry("AWS::KMS::Alias", "AliasName"),
            Map.entry("AWS::IAM::Role", "RoleName"), Map.entry("AWS::CloudWatch::Alarm", "AlarmName"),
            Map.entry("AWS::Budgets::Budget", "Budget.BudgetName"), Map.entry("AWS::Glue::Database", "DatabaseInput.Name"),
            Map.entry("AWS::Glue::Table", "TableInput.Name"), Map.entry("AWS::Glue::Crawler", "Name"),
            Map.entry("AWS::Glue::SecurityConfiguration", "Name"), Map.entry("AWS::Athena::WorkGroup", "Name"),
            Map.entry("AWS::Athena::NamedQuery", "Name"), Map.entry("AWS::Events::Rule", "Name"),
            Map.entry("AWS::SecretsManager::Secret", "Name"), Map.entry("AWS::ApiGatewayV2::Api", "Name"),
            Map.entry("AWS::ApiGatewayV2::Stage", "StageName"), Map.entry("AWS::CloudWatch::Dashboard", "DashboardName"));

    @Test
    void theCheckedInInventoryIsTheOneTheTemplatesGive() throws IOException {
        String generated = render(Synthesized.of("dev"));
        if (Boolean.getBoolean("sluice.updateInventory")) {
            Files.writeString(INVENTORY, generated, StandardCharsets.UTF_8);
        }
        assertThat(INVENTORY).as("docs/inventory.md is missing: regenerate it (see this test's javadoc)").exists();
        assertThat(Files.readString(INVENTORY, StandardCharsets.UTF_8))
                .as("docs/inventory.md differs from the synthesized templates: regenerate it with "
                        + "mvn -B test -pl sluice-infra -Dtest=InventoryTest -Dsluice.updateInventory=true and review the diff")
                .isEqualTo(generated);
    }

    @SuppressWarnings("unchecked")
    static String render(Synthesized app) {
        StringBuilder b = new StringBuilder();
        b.append("# Resource inventory\n\n")
                .append("Generated from the synthesized CloudFormation templates of `envSuffix=").append(app.env.suffix())
                .append("` by `InventoryTest` (sluice-infra), which fails when this file and the templates differ (INF-12). ")
                .append("Do not edit by hand; regenerate with\n`mvn -B test -pl sluice-infra -Dtest=InventoryTest -Dsluice.updateInventory=true`.\n")
                .append("In another environment every name ends with its suffix instead of `-").append(app.env.suffix())
                .append("`; `${AWS::AccountId}` and `${AWS::Region}` are the deployment's. The resources differ too: staging and prod ")
                .append("have no `AutoDeleteObjects` custom resources (their buckets are kept), pull-request environments no profiles ")
                .append("auto scaling (on demand). `AWS::Lambda::Version` logical IDs are shown without the code hash they end in. ")
                .append("Outputs named `ExportsOutput...` are the exports the CDK makes for references between the stacks.\n");
        TreeSet<String> services = new TreeSet<>();
        StringBuilder stacks = new StringBuilder();
        StringBuilder outputs = new StringBuilder("\n## Outputs\n\n| Stack | Output | Description |\n|---|---|---|\n");
        app.templates.forEach((stack, template) -> {
            Map<String, Object> json = (Map<String, Object>) template.toJSON();
            Map<String, Object> resources = (Map<String, Object>) json.getOrDefault("Resources", Map.of());
            TreeMap<String, String> rows = new TreeMap<>();
            resources.forEach((logicalId, r) -> {
                Map<String, Object> resource = (Map<String, Object>) r;
                String type = String.valueOf(resource.get("Type"));
                if (type.equals("AWS::CDK::Metadata")) {
                    return;
                }
                services.add(type.startsWith("AWS::") ? type.split("::")[1] : "CloudFormation custom resources");
                Object path = resource.get("Metadata") instanceof Map<?, ?> m ? m.get("aws:cdk:path") : null;
                String where = path == null ? logicalId : String.valueOf(path).replaceFirst("^[^/]+/", "").replaceFirst("/Resource$", "");
                if (type.equals("AWS::Lambda::Version")) {
                    where = where.replaceFirst("CurrentVersion[0-9A-Fa-f]{32,}", "CurrentVersion");
                }
                String name = name(type, (Map<String, Object>) resource.getOrDefault("Properties", Map.of()));
                String retained = "Retain".equals(resource.get("DeletionPolicy")) ? " (retained)" : "";
                rows.merge(where, "| `" + where + "` | " + type + " | " + (name == null ? "" : "`" + name + "`") + retained + " |\n",
                        (x, y) -> x + y);
            });
            stacks.append("\n## ").append(stack).append('-').append(app.env.suffix()).append(" (").append(rows.size())
                    .append(" resources)\n\n| Logical ID | Type | Name |\n|---|---|---|\n");
            rows.values().forEach(stacks::append);
            Map<String, Object> outs = (Map<String, Object>) json.getOrDefault("Outputs", Map.of());
            new TreeMap<>(outs).forEach((name, o) -> outputs.append("| ").append(stack).append(" | `").append(name).append("` | ")
                    .append(String.valueOf(((Map<String, Object>) o).getOrDefault("Description", "")).replace("|", "\\|")).append(" |\n"));
        });
        b.append("\nAWS services: ").append(String.join(", ", services)).append(".\n");
        return b.append(stacks).append(outputs).toString();
    }

    @SuppressWarnings("unchecked")
    private static String name(String type, Map<String, Object> props) {
        String property = NAME_PROPERTY.get(type);
        if (property == null) {
            return null;
        }
        Object v = props;
        for (String part : property.split("\\.")) {
            v = v instanceof Map<?, ?> m ? m.get(part) : null;
        }
        return v == null ? null : text(v);
    }

    /** A literal, or a join of literals and pseudo parameters; anything else is a reference. */
    private static String text(Object v) {
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Number n) {
            return n.toString();
        }
        if (v instanceof Map<?, ?> m && m.get("Ref") instanceof String ref && ref.startsWith("AWS::")) {
            return "${" + ref + "}";
        }
        if (v instanceof Map<?, ?> m && m.get("Fn::Join") instanceof List<?> join) {
            StringBuilder b = new StringBuilder();
            for (Object part : (List<?>) join.get(1)) {
                b.append(text(part));
            }
            return b.toString();
        }
        return "(reference)";
    }
}
