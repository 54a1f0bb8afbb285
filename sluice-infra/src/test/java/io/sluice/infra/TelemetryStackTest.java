package io.sluice.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.contracts.FunctionEnvironment;
import io.sluice.core.contracts.OutputNames;
import io.sluice.core.contracts.TelemetryColumns;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * The telemetry stack's template (IOT-1..IOT-6, INF-5, INF-6, INF-8, SEC-2, SEC-3, MON-3), from the whole app synthesized
 * with the preflight checks and cdk-nag ({@link Synthesized}: a finding of either fails the synth, so every test here
 * also says the app synthesizes).
 */
class TelemetryStackTest {
    private static Template dev;
    private static Template prod;
    private static Stack devStack;

    @BeforeAll
    static void synth() {
        dev = Synthesized.of("dev").telemetry();
        prod = Synthesized.of("prod").telemetry();
        devStack = Synthesized.of("dev").stack("SluiceTelemetry");
    }

    private static String logicalIdOf(Template t, String type) {
        Map<String, Map<String, Object>> found = t.findResources(type);
        assertThat(found).as(type).hasSize(1);
        return found.keySet().iterator().next();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> props(Template t, String type) {
        return (Map<String, Object>) t.findResources(type).get(logicalIdOf(t, type)).get("Properties");
    }

    private static Map<String, Object> arnOf(String logicalId) {
        return Map.of("Fn::GetAtt", List.of(logicalId, "Arn"));
    }

    @Test
    void theTelemetryTableIsKeyedByPartitionAndSortKeyAndExpiresItsItems() { // IOT-3
        Synthesized.of("dev").data().hasResourceProperties("AWS::DynamoDB::Table", Map.of("TableName", "sluice-telemetry-dev",
                "KeySchema", List.of(Map.of("AttributeName", "pk", "KeyType", "HASH"), Map.of("AttributeName", "sk", "KeyType", "RANGE")),
                "BillingMode", "PAY_PER_REQUEST",
                "TimeToLiveSpecification", Map.of("AttributeName", "expires_at", "Enabled", true),
                "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true)));
        assertThat(Synthesized.of("dev").data().findOutputs(OutputNames.TELEMETRY_TABLE)).hasSize(1);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theFunctionGetsItsSettingsAsSluiceVariablesAndTheSecretByArnNeverItsValue() { // INF-5, SEC-3
        Map<String, Object> fn = props(dev, "AWS::Lambda::Function");
        assertThat(fn).containsEntry("FunctionName", "sluice-telemetry-dev").containsEntry("Handler", TelemetryStack.HANDLER)
                .containsEntry("MemorySize", 1024).containsEntry("Timeout", 10).containsEntry("Runtime", "java25")
                .doesNotContainKey("ReservedConcurrentExecutions");
        Map<String, Object> variables = (Map<String, Object>) ((Map<String, Object>) fn.get("Environment")).get("Variables");
        assertThat(variables.keySet()).containsExactlyInAnyOrder(FunctionEnvironment.TELEMETRY_TABLE, FunctionEnvironment.TELEMETRY_SECRET,
                FunctionEnvironment.TELEMETRY_ARCHIVE_STREAM, FunctionEnvironment.TELEMETRY_RETENTION_DAYS, FunctionEnvironment.ALERTS_TOPIC,
                FunctionEnvironment.ERRORS_TABLE);
        assertThat(variables.keySet()).allMatch(k -> k.startsWith("SLUICE_")).noneMatch(Preflight.RESERVED_ENVIRONMENT::contains);
        // A secret's Ref is its ARN: the function reads the value at run time, the template never holds it.
        assertThat(variables).containsEntry(FunctionEnvironment.TELEMETRY_SECRET, Map.of("Ref", logicalIdOf(dev, "AWS::SecretsManager::Secret")))
                .containsEntry(FunctionEnvironment.TELEMETRY_ARCHIVE_STREAM, Map.of("Ref", logicalIdOf(dev, "AWS::KinesisFirehose::DeliveryStream")))
                .containsEntry(FunctionEnvironment.ALERTS_TOPIC, Map.of("Ref", logicalIdOf(dev, "AWS::SNS::Topic")))
                .containsEntry(FunctionEnvironment.TELEMETRY_RETENTION_DAYS, "30");
        assertThat(variables.get(FunctionEnvironment.TELEMETRY_TABLE).toString()).contains("TelemetryTable");
        assertThat(variables.get(FunctionEnvironment.ERRORS_TABLE).toString()).contains("ErrorsTable");
    }

    @Test
    void theFunctionMayDoWhatItsAdaptersCallOnTheResourcesItUsesAndNothingElse() { // SEC-1, MON-5
        String secret = logicalIdOf(dev, "AWS::SecretsManager::Secret");
        String key = logicalIdOf(dev, "AWS::KMS::Key");
        List<Object> statements = List.of(
                Match.objectLike(Map.of("Sid", "TelemetryTable", "Action", List.of("dynamodb:GetItem", "dynamodb:BatchGetItem",
                        "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem"),
                        "Resource", Map.of("Fn::ImportValue", Match.stringLikeRegexp(".*TelemetryTable.*Arn.*")))),
                Match.objectLike(Map.of("Sid", "WriteErrorLogOnly", "Action", "dynamodb:PutItem",
                        "Resource", Map.of("Fn::ImportValue", Match.stringLikeRegexp(".*ErrorsTable.*Arn.*")))),
                Match.objectLike(Map.of("Sid", "ReadApiKey", "Action", "secretsmanager:GetSecretValue", "Resource", Map.of("Ref", secret))),
                Match.objectLike(Map.of("Sid", "ArchiveReadings", "Action", "firehose:PutRecordBatch",
                        "Resource", arnOf(logicalIdOf(dev, "AWS::KinesisFirehose::DeliveryStream")))),
                Match.objectLike(Map.of("Sid", "PublishTelemetryAlerts", "Action", "sns:Publish",
                        "Resource", Map.of("Ref", logicalIdOf(dev, "AWS::SNS::Topic")))),
                Match.objectLike(Map.of("Sid", "DataKeyThroughDynamoDb", "Condition", Map.of("StringEquals",
                        Map.of("kms:ViaService", service("dynamodb"))))),
                Match.objectLike(Map.of("Sid", "TelemetryKeyThroughSecretsManagerAndSns", "Action", List.of("kms:Decrypt", "kms:GenerateDataKey"),
                        "Resource", arnOf(key), "Condition", Map.of("StringEquals",
                                Map.of("kms:ViaService", List.of(service("secretsmanager"), service("sns")))))),
                Match.objectLike(Map.of("Sid", "OwnLogGroup")),
                Match.objectLike(Map.of("Sid", "XRayTraces", "Resource", "*")));
        // Exactly these statements, in this order: nothing else (no Scan, no DeleteItem, no other table, key or topic).
        dev.hasResourceProperties("AWS::IAM::Role", policy("sluice-telemetry", statements));
    }

    /** The properties of a role whose one inline policy, {@code name}, has {@code statements}. */
    private static Map<String, Object> policy(String name, Object statements) {
        return Map.of("Policies", List.of(Map.of("PolicyName", name, "PolicyDocument", Match.objectLike(Map.of("Statement", statements)))));
    }

    /** {@code <service>.<region>.amazonaws.com}, as the template has it. */
    private static Map<String, Object> service(String name) {
        return Map.of("Fn::Join", List.of("", List.of(name + ".", Map.of("Ref", "AWS::Region"), ".amazonaws.com")));
    }

    @Test
    void theApiKeyIsALongGeneratedSecretEncryptedWithTheTelemetryKey() { // IOT-1, IOT-6, SEC-3
        dev.hasResourceProperties("AWS::SecretsManager::Secret", Map.of("Name", "sluice-telemetry-api-key-dev",
                "KmsKeyId", arnOf(logicalIdOf(dev, "AWS::KMS::Key")),
                "GenerateSecretString", Map.of("PasswordLength", 64, "ExcludePunctuation", true, "IncludeSpace", false)));
        dev.hasResource("AWS::SecretsManager::Secret", Map.of("DeletionPolicy", "Delete"));
        prod.hasResource("AWS::SecretsManager::Secret", Map.of("DeletionPolicy", "Retain"));
    }

    @Test
    void theKeyPolicyGrantsLogsWithTheEncryptionContextAlarmsAndFirehoseThroughItsService() { // INF-8
        dev.hasResourceProperties("AWS::KMS::Key", Map.of("EnableKeyRotation", true, "KeyPolicy", Map.of("Version", "2012-10-17",
                "Statement", Match.arrayWith(List.of(
                        Match.objectLike(Map.of("Sid", "CloudWatchLogsEncryptSluiceLogGroups",
                                "Principal", Map.of("Service", Map.of("Fn::Join", List.of("", List.of("logs.", Map.of("Ref", "AWS::Region"),
                                        ".amazonaws.com")))),
                                "Condition", Map.of("ArnLike", Map.of("kms:EncryptionContext:aws:logs:arn", Match.objectLike(Map.of("Fn::Join",
                                        Match.arrayWith(List.of(Match.arrayWith(List.of(":log-group:*sluice-*")))))))))),
                        Match.objectLike(Map.of("Sid", "CloudWatchAlarmsToTelemetryAlerts", "Principal", Map.of("Service", "cloudwatch.amazonaws.com"),
                                "Action", List.of("kms:GenerateDataKey", "kms:Decrypt"),
                                "Condition", Map.of("StringEquals", Map.of("aws:SourceAccount", Map.of("Ref", "AWS::AccountId"))))),
                        Match.objectLike(Map.of("Sid", "FirehoseStreamEncryptionGrant", "Action", List.of("kms:CreateGrant", "kms:DescribeKey"),
                                "Condition", Map.of("StringEquals", Map.of("kms:CallerAccount", Map.of("Ref", "AWS::AccountId"),
                                        "kms:ViaService", Map.of("Fn::Join", List.of("", List.of("firehose.", Map.of("Ref", "AWS::Region"),
                                                ".amazonaws.com"))))))))))));
        // Every log group of the stack (function, API access, Firehose) is encrypted with the key and named so the condition matches.
        Map<String, Map<String, Object>> groups = dev.findResources("AWS::Logs::LogGroup");
        assertThat(groups).hasSize(3);
        dev.allResourcesProperties("AWS::Logs::LogGroup", Map.of("KmsKeyId", arnOf(logicalIdOf(dev, "AWS::KMS::Key")),
                "LogGroupName", Match.stringLikeRegexp(".*sluice-.*"), "RetentionInDays", 14));
    }

    @Test
    void theAlertsTopicIsEncryptedTlsOnlyAndTakesAlarmsFromThisAccount() { // IOT-4, IOT-6
        String key = logicalIdOf(dev, "AWS::KMS::Key");
        dev.hasResourceProperties("AWS::SNS::Topic", Map.of("TopicName", "sluice-telemetry-alerts-dev", "KmsMasterKeyId", arnOf(key)));
        dev.hasResourceProperties("AWS::SNS::TopicPolicy", Map.of("PolicyDocument", Match.objectLike(Map.of("Statement", Match.arrayWith(List.of(
                Match.objectLike(Map.of("Effect", "Deny", "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false")))),
                Match.objectLike(Map.of("Sid", "PublishCloudwatch", "Principal", Map.of("Service", "cloudwatch.amazonaws.com"),
                        "Action", "sns:Publish", "Condition", Map.of("StringEquals", Map.of("aws:SourceAccount", Map.of("Ref", "AWS::AccountId")))))))))));
        // The e-mail subscription is optional everywhere, prod included (TelemetryStack says why).
        for (Template t : List.of(dev, prod)) {
            assertThat(t.findParameters(TelemetryStack.ALERT_EMAIL_PARAMETER, Map.of("Default", ""))).hasSize(1);
            t.hasResource("AWS::SNS::Subscription", Map.of("Condition", "HasTelemetryAlertEmail",
                    "Properties", Map.of("Protocol", "email", "Endpoint", Map.of("Ref", TelemetryStack.ALERT_EMAIL_PARAMETER),
                            "TopicArn", Map.of("Ref", logicalIdOf(t, "AWS::SNS::Topic")))));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void firehoseWritesEncryptedParquetUnderTelemetryAgainstAGlueTableOfTheTelemetryColumns() { // IOT-5
        String key = logicalIdOf(dev, "AWS::KMS::Key");
        dev.hasResourceProperties("AWS::KinesisFirehose::DeliveryStream", Map.of("DeliveryStreamName", "sluice-telemetry-dev",
                "DeliveryStreamType", "DirectPut",
                "DeliveryStreamEncryptionConfigurationInput", Map.of("KeyType", "CUSTOMER_MANAGED_CMK", "KeyARN", arnOf(key)),
                "ExtendedS3DestinationConfiguration", Match.objectLike(Map.of(
                        "Prefix", "telemetry/dt=!{partitionKeyFromQuery:dt}/",
                        "ErrorOutputPrefix", "telemetry-errors/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/",
                        "BufferingHints", Map.of("SizeInMBs", 128, "IntervalInSeconds", 60),
                        "CompressionFormat", "UNCOMPRESSED",
                        "DynamicPartitioningConfiguration", Match.objectLike(Map.of("Enabled", true)),
                        "ProcessingConfiguration", Map.of("Enabled", true, "Processors", List.of(Map.of("Type", "MetadataExtraction",
                                "Parameters", List.of(Map.of("ParameterName", "MetadataExtractionQuery", "ParameterValue", "{dt: .dt}"),
                                        Map.of("ParameterName", "JsonParsingEngine", "ParameterValue", "JQ-1.6"))))),
                        "DataFormatConversionConfiguration", Match.objectLike(Map.of("Enabled", true,
                                "InputFormatConfiguration", Map.of("Deserializer", Map.of("OpenXJsonSerDe", Map.of())),
                                "OutputFormatConfiguration", Map.of("Serializer", Map.of("ParquetSerDe", Map.of("Compression", "SNAPPY"))),
                                "SchemaConfiguration", Match.objectLike(Map.of("DatabaseName", "sluice_archive_dev", "TableName", "telemetry",
                                        "VersionId", "LATEST"))))))));

        Map<String, Object> input = (Map<String, Object>) props(dev, "AWS::Glue::Table").get("TableInput");
        assertThat(props(dev, "AWS::Glue::Table")).containsEntry("DatabaseName", "sluice_archive_dev");
        assertThat(input).containsEntry("Name", TelemetryColumns.TABLE);
        assertThat(input.get("PartitionKeys")).isEqualTo(List.of(Map.of("Name", "dt", "Type", "string")));
        assertThat((Map<String, Object>) input.get("Parameters")).containsEntry("projection.enabled", "true")
                .containsEntry("projection.dt.type", "date").containsEntry("projection.dt.format", "yyyy-MM-dd");
        List<Map<String, Object>> expected = new ArrayList<>();
        TelemetryColumns.COLUMNS.forEach((name, type) -> expected.add(Map.of("Name", name, "Type", type)));
        Map<String, Object> sd = (Map<String, Object>) input.get("StorageDescriptor");
        assertThat(sd.get("Columns")).isEqualTo(expected);
        assertThat(sd.get("Location").toString()).contains("/telemetry/");

        // Its own role: objects under its two prefixes only, the archive key through S3, the table's schema.
        dev.hasResourceProperties("AWS::IAM::Role", policy("deliver-telemetry", Match.arrayWith(List.of(
                Match.objectLike(Map.of("Sid", "TelemetryObjects", "Resource", List.of(
                        Match.objectLike(Map.of("Fn::Join", Match.arrayWith(List.of(Match.arrayWith(List.of("/telemetry/*")))))),
                        Match.objectLike(Map.of("Fn::Join", Match.arrayWith(List.of(Match.arrayWith(List.of("/telemetry-errors/*"))))))))),
                Match.objectLike(Map.of("Sid", "ArchiveKeyThroughS3", "Condition", Map.of("StringEquals", Map.of("kms:ViaService", service("s3"))))),
                Match.objectLike(Map.of("Sid", "TableSchema", "Action", List.of("glue:GetTable", "glue:GetTableVersion",
                        "glue:GetTableVersions")))))));
    }

    @Test
    void theFunctionHasTheThreeMon3AlarmsOnTheTelemetryTopic() { // MON-3
        Map<String, Object> topic = Map.of("Ref", logicalIdOf(dev, "AWS::SNS::Topic"));
        assertThat(dev.findResources("AWS::CloudWatch::Alarm")).hasSize(3);
        dev.allResourcesProperties("AWS::CloudWatch::Alarm", Map.of("AlarmActions", List.of(topic), "OKActions", List.of(topic)));
        dev.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("AlarmName", "sluice-telemetry-error-rate-dev", "Threshold", 5,
                "EvaluationPeriods", 2, "ComparisonOperator", "GreaterThanThreshold", "TreatMissingData", "notBreaching",
                "Metrics", Match.arrayWith(List.of(Match.objectLike(Map.of("Expression", "IF(invocations > 0, 100 * errors / invocations, 0)"))))));
        dev.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("AlarmName", "sluice-telemetry-duration-p99-dev",
                "ExtendedStatistic", "p99", "MetricName", "Duration", "Threshold", 1000, "EvaluationPeriods", 2));
        dev.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("AlarmName", "sluice-telemetry-throttles-dev", "MetricName", "Throttles",
                "Threshold", 5, "EvaluationPeriods", 1, "ComparisonOperator", "GreaterThanOrEqualToThreshold"));
        // Its dashboard has its own name: the compute stack's is sluice-functions-<env>.
        dev.hasResourceProperties("AWS::CloudWatch::Dashboard", Map.of("DashboardName", "sluice-telemetry-dev"));
        Synthesized.of("dev").compute().hasResourceProperties("AWS::CloudWatch::Dashboard", Map.of("DashboardName", "sluice-functions-dev"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theHttpApiHasTheTwoRoutesToTheLiveAliasThrottledAndAccessLoggedWithoutTokens() { // IOT-1, IOT-7, SEC-3, SEC-5
        dev.hasResourceProperties("AWS::ApiGatewayV2::Api", Map.of("Name", "sluice-telemetry-api-dev", "ProtocolType", "HTTP"));
        List<Object> routes = dev.findResources("AWS::ApiGatewayV2::Route").values().stream()
                .map(r -> ((Map<String, Object>) r.get("Properties")).get("RouteKey")).toList();
        assertThat(routes).containsExactlyInAnyOrder("POST /v1/telemetry", "POST /api/v1/{token}/telemetry");
        String alias = logicalIdOf(dev, "AWS::Lambda::Alias");
        dev.hasResourceProperties("AWS::ApiGatewayV2::Integration", Map.of("IntegrationType", "AWS_PROXY",
                "PayloadFormatVersion", "2.0", "IntegrationUri", Map.of("Ref", alias)));
        assertThat(dev.findResources("AWS::Lambda::Permission", Map.of("Properties", Match.objectLike(Map.of(
                "Principal", "apigateway.amazonaws.com", "FunctionName", Map.of("Ref", alias)))))).hasSize(2);

        Map<String, Object> stage = props(dev, "AWS::ApiGatewayV2::Stage");
        assertThat(stage).containsEntry("StageName", "$default").containsEntry("AutoDeploy", true)
                .containsEntry("DefaultRouteSettings", Map.of("ThrottlingRateLimit", 100, "ThrottlingBurstLimit", 200));
        Map<String, Object> logs = (Map<String, Object>) stage.get("AccessLogSettings");
        String group = dev.findResources("AWS::Logs::LogGroup", Map.of("Properties", Match.objectLike(Map.of("LogGroupName",
                "/aws/vendedlogs/apigateway/sluice-telemetry-api-dev")))).keySet().iterator().next();
        assertThat(logs).containsEntry("DestinationArn", arnOf(group));
        assertThat(logs.get("Format").toString()).startsWith("{").contains("\"routeKey\":\"$context.routeKey\"", "\"status\":\"$context.status\"")
                .doesNotContain("$context.path", "$context.resourcePath");
    }

    @Test
    void theStackDeclaresTheTelemetryOutputsTheToolsRead() { // INF-6
        assertThat(dev.findOutputs("*").keySet()).contains(OutputNames.TELEMETRY_API_URL, OutputNames.TELEMETRY_SECRET,
                OutputNames.TELEMETRY_TOPIC, OutputNames.TELEMETRY_DELIVERY_STREAM, OutputNames.TELEMETRY_FUNCTION);
        for (String name : List.of(OutputNames.TELEMETRY_API_URL, OutputNames.TELEMETRY_SECRET, OutputNames.TELEMETRY_TOPIC,
                OutputNames.TELEMETRY_DELIVERY_STREAM, OutputNames.TELEMETRY_FUNCTION)) {
            assertThat(OutputNames.stackOf(name)).isEqualTo("SluiceTelemetry");
            assertThat(dev.findOutputs(name, Map.of("Description", Match.anyValue()))).as(name).hasSize(1);
        }
        assertThat(dev.findOutputs(OutputNames.TELEMETRY_SECRET, Map.of("Value", "sluice-telemetry-api-key-dev"))).hasSize(1);
        assertThat(dev.findOutputs(OutputNames.TELEMETRY_API_URL, Map.of("Value",
                Map.of("Fn::GetAtt", List.of(logicalIdOf(dev, "AWS::ApiGatewayV2::Api"), "ApiEndpoint"))))).hasSize(1);
    }

    @Test
    void theWholeAppSynthesizesWithThePreflightChecksAndCdkNagFindingNothingHere() { // SEC-1, INF-12
        assertThat(Synthesized.of("dev").stacks).extracting(Stack::getStackName)
                .containsExactly("SluiceData-dev", "SluiceAnalytics-dev", "SluiceCompute-dev", "SluiceTelemetry-dev");
        assertThat(Annotations.fromStack(devStack).findError("*", Match.anyValue())).isEmpty();
        assertThat(Annotations.fromStack(devStack).findWarning("*", Match.anyValue())).isEmpty();
        // Deployed after the analytics stack, whose Glue database holds the telemetry table.
        assertThat(devStack.getDependencies()).extracting(Stack::getStackName).contains("SluiceAnalytics-dev", "SluiceData-dev");
    }
}
