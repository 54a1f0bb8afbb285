package io.sluice.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.core.contracts.OutputNames;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The compute stack's template (CDR-12, OBJ-3, OBJ-5, ANA-3, INF-5..INF-9, INF-14, SEC-1, SEC-2). */
class ComputeStackTest {
    private static Template dev;
    private static Template prod;

    @BeforeAll
    static void synth() {
        dev = Synthesized.of("dev").compute();
        prod = Synthesized.of("prod").compute();
    }

    @Test
    void everyFunctionRunsTheJarOnANewJavaRuntimeOnArmWithTracingAndItsOwnEncryptedLogGroup() {
        assertThat(dev.findResources("AWS::Lambda::Function")).hasSize(4);
        dev.allResourcesProperties("AWS::Lambda::Function", Map.of("Runtime", "java25", "Architectures", List.of("arm64"),
                "TracingConfig", Map.of("Mode", "Active"), "SnapStart", Map.of("ApplyOn", "PublishedVersions")));
        dev.hasResourceProperties("AWS::Lambda::Function", Map.of("FunctionName", "sluice-stream-dev",
                "Handler", ComputeStack.STREAM_HANDLER, "MemorySize", 1024, "Timeout", 60,
                "Environment", Map.of("Variables", Match.objectLike(Map.of("SLUICE_USAGE_TABLE", Match.anyValue(),
                        "SLUICE_ARCHIVE_STREAM", Match.anyValue())))));
        dev.hasResourceProperties("AWS::Lambda::Function", Map.of("FunctionName", "sluice-object-dev",
                "Handler", ComputeStack.OBJECT_HANDLER, "Timeout", 300));
        dev.hasResourceProperties("AWS::Lambda::Function", Map.of("FunctionName", "sluice-redrive-dev",
                "Handler", ComputeStack.REDRIVE_HANDLER));
        dev.hasResourceProperties("AWS::Logs::LogGroup", Map.of("LogGroupName", "/aws/lambda/sluice-stream-dev",
                "RetentionInDays", 14, "KmsKeyId", Match.anyValue()));
        prod.hasResourceProperties("AWS::Logs::LogGroup", Map.of("LogGroupName", "/aws/lambda/sluice-stream-prod", "RetentionInDays", 365));
    }

    /**
     * Issue 15: the stack's named, stateful resources keep their logical IDs however the code that builds them is
     * organised. A changed ID makes CloudFormation replace the resource: it creates the new one first, which fails
     * for a fixed name (the deployment stops), and a replaced stream or queue loses what it holds.
     */
    @Test
    void namedStatefulResourcesKeepTheirLogicalIds() {
        assertThat(dev.findResources("AWS::Kinesis::Stream").keySet()).containsExactly("CdrStream5564FA68");
        assertThat(dev.findResources("AWS::SQS::Queue").keySet())
                .containsExactlyInAnyOrder("StreamFailuresQueue86FA0794", "ObjectDlq26CBB42D", "ObjectQueue801B8CEC");
        assertThat(dev.findResources("AWS::SNS::Topic").keySet()).containsExactly("AlertsTopic3414BE91");
        assertThat(dev.findResources("AWS::KMS::Key").keySet()).containsExactly("ComputeKeyE4BA443A");
        assertThat(dev.findResources("AWS::Logs::LogGroup").keySet()).containsExactlyInAnyOrder("StreamLogs696A0987",
                "ObjectLogsFA9BF703", "RedriveLogsA90AF920", "StreamReplayLogs7BAD528C", "IngestWorkflowLogs246C4574");
        assertThat(dev.findResources("AWS::Lambda::Function").keySet()).containsExactlyInAnyOrder("StreamFunction17761A08",
                "ObjectFunctionA34195C5", "RedriveFunctionF4152F1F", "StreamReplayFunction6249218B");
    }

    /** CDR-12: the replay function reads the failed ranges back from the stream and commits them like the stream function. */
    @Test
    void theStreamReplayFunctionMayTakeFailedBatchesAndReadTheStreamAgain() {
        String queue = logicalId(dev, "AWS::SQS::Queue", "sluice-stream-failures-dev");
        dev.hasResourceProperties("AWS::Lambda::Function", Map.of("FunctionName", "sluice-stream-replay-dev",
                "Handler", ComputeStack.REPLAY_HANDLER, "Timeout", 900,
                "Environment", Map.of("Variables", Match.objectLike(Map.of("SLUICE_USAGE_TABLE", Match.anyValue(),
                        "SLUICE_ARCHIVE_STREAM", Match.anyValue(),
                        "SLUICE_STREAM_FAILURES_QUEUE_URL", Map.of("Ref", queue))))));
        dev.hasResourceProperties("AWS::IAM::Role", Map.of("Policies", List.of(Map.of("PolicyName", "sluice-stream-replay",
                "PolicyDocument", Match.objectLike(Map.of("Statement", Match.arrayWith(List.of(
                        Match.objectLike(Map.of("Sid", "LedgerClaimsAndCounters")),
                        Match.objectLike(Map.of("Sid", "TakeFailedBatches", "Action", List.of("sqs:ReceiveMessage", "sqs:DeleteMessage",
                                "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"),
                                "Resource", Map.of("Fn::GetAtt", List.of(queue, "Arn")))),
                        Match.objectLike(Map.of("Sid", "ReadTheStreamAgain", "Action", List.of("kinesis:GetShardIterator", "kinesis:GetRecords"),
                                "Resource", Map.of("Fn::GetAtt", List.of(logicalIdOf(dev, "AWS::Kinesis::Stream"), "Arn")))),
                        // The stream and the queue are encrypted with the compute key: decrypt through those two services only.
                        Match.objectLike(Map.of("Sid", "StreamAndQueueKey", "Action", "kms:Decrypt",
                                "Resource", Map.of("Fn::GetAtt", List.of(logicalIdOf(dev, "AWS::KMS::Key"), "Arn")),
                                "Condition", Map.of("StringEquals", Map.of("kms:ViaService", List.of(
                                        Map.of("Fn::Join", List.of("", List.of("kinesis.", Map.of("Ref", "AWS::Region"), ".amazonaws.com"))),
                                        Map.of("Fn::Join", List.of("", List.of("sqs.", Map.of("Ref", "AWS::Region"), ".amazonaws.com"))))))))))))))));
    }

    /**
     * CDR-10: the functions that run the pipeline run the fraud rules too: they name the fraud table and the alerts
     * topic, may read and write the rules' state (the table and its pending index) and publish to the topic through
     * its key; the redrive function, which runs no pipeline, may do none of it.
     */
    @Test
    void thePipelineFunctionsKeepFraudStateAndPublishAlerts() {
        String topic = logicalIdOf(dev, "AWS::SNS::Topic");
        String key = logicalIdOf(dev, "AWS::KMS::Key");
        for (String fn : List.of("stream", "object", "stream-replay")) {
            dev.hasResourceProperties("AWS::Lambda::Function", Map.of("FunctionName", "sluice-" + fn + "-dev",
                    "Environment", Map.of("Variables", Match.objectLike(Map.of("SLUICE_FRAUD_TABLE", Match.anyValue(),
                            "SLUICE_ALERTS_TOPIC_ARN", Map.of("Ref", topic))))));
            dev.hasResourceProperties("AWS::IAM::Role", Map.of("Policies", List.of(Map.of("PolicyName", "sluice-" + fn,
                    "PolicyDocument", Match.objectLike(Map.of("Statement", Match.arrayWith(List.of(
                            Match.objectLike(Map.of("Sid", "FraudRulesState", "Action", List.of("dynamodb:Query", "dynamodb:BatchGetItem",
                                    "dynamodb:BatchWriteItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"),
                                    "Resource", List.of(Match.anyValue(), Match.objectLike(Map.of("Fn::Join", Match.arrayWith(List.of(
                                            Match.arrayWith(List.of("/index/pending-by-time"))))))))),
                            Match.objectLike(Map.of("Sid", "PublishFraudAlerts", "Action", "sns:Publish", "Resource", Map.of("Ref", topic))),
                            Match.objectLike(Map.of("Sid", "AlertsTopicKey", "Action", List.of("kms:Decrypt", "kms:GenerateDataKey"),
                                    "Resource", Map.of("Fn::GetAtt", List.of(key, "Arn")),
                                    "Condition", Map.of("StringEquals", Map.of("kms:ViaService",
                                            Map.of("Fn::Join", List.of("", List.of("sns.", Map.of("Ref", "AWS::Region"), ".amazonaws.com")))))))))))))));
        }
        Map<String, Map<String, Object>> redrive = dev.findResources("AWS::IAM::Role", Map.of("Properties", Map.of("Policies",
                List.of(Match.objectLike(Map.of("PolicyName", "sluice-redrive"))))));
        assertThat(redrive).hasSize(1);
        assertThat(redrive.toString()).doesNotContain("FraudRulesState").doesNotContain("sns:Publish");
    }

    @Test
    void reservedConcurrencyOnlyWhereTheEnvironmentAsksForIt() {
        assertThat(dev.findResources("AWS::Lambda::Function", Map.of("Properties",
                Map.of("ReservedConcurrentExecutions", Match.anyValue())))).isEmpty();
        prod.hasResourceProperties("AWS::Lambda::Function", Map.of("FunctionName", "sluice-stream-prod", "ReservedConcurrentExecutions", 50));
        prod.hasResourceProperties("AWS::Lambda::Function", Map.of("FunctionName", "sluice-object-prod", "ReservedConcurrentExecutions", 20));
    }

    @Test
    void noRoleSluiceDefinesAttachesAManagedPolicy() {
        for (String env : List.of("dev", "prod")) {
            Synthesized.of(env).templates.forEach((stack, t) -> assertThat(t.findResources("AWS::IAM::Role", Map.of("Properties",
                    Map.of("ManagedPolicyArns", Match.anyValue()))).keySet())
                    // The one exception is the CDK's own provider that empties dev and pull-request buckets when their
                    // stack is deleted: its role has AWSLambdaBasicExecutionRole (logs only), and prod has no such provider.
                    .as(stack).allSatisfy(id -> assertThat(id).startsWith("CustomS3AutoDeleteObjectsCustomResourceProviderRole")));
        }
        assertThat(Synthesized.of("prod").data().findResources("AWS::IAM::Role")).isEmpty();
    }

    @Test
    void theStreamIsOnDemandEncryptedAndItsMappingSurvivesBadBatches() {
        dev.hasResourceProperties("AWS::Kinesis::Stream", Map.of("Name", "sluice-cdrs-dev",
                "StreamModeDetails", Map.of("StreamMode", "ON_DEMAND"),
                "StreamEncryption", Map.of("EncryptionType", "KMS", "KeyId", Match.anyValue())));
        dev.hasResourceProperties("AWS::Lambda::EventSourceMapping", Map.of(
                "EventSourceArn", Match.anyValue(), "StartingPosition", "TRIM_HORIZON", "BatchSize", 500,
                "MaximumBatchingWindowInSeconds", 1, "BisectBatchOnFunctionError", true,
                "FunctionResponseTypes", List.of("ReportBatchItemFailures"), "MaximumRetryAttempts", 10,
                "MaximumRecordAgeInSeconds", 21_600, "ParallelizationFactor", 1,
                "DestinationConfig", Map.of("OnFailure", Map.of("Destination", Map.of("Fn::GetAtt",
                        List.of(logicalId(dev, "AWS::SQS::Queue", "sluice-stream-failures-dev"), "Arn"))))));
        prod.hasResourceProperties("AWS::Lambda::EventSourceMapping", Map.of("ParallelizationFactor", 2));
        // Fixed logical IDs: a replaced mapping fails the deployment (see SluiceFunctions.stableMappingId).
        assertThat(dev.findResources("AWS::Lambda::EventSourceMapping").keySet())
                .containsExactlyInAnyOrder("StreamKinesisMapping", "ObjectQueueMapping");
    }

    @Test
    void objectEventsWaitInAnEncryptedQueueWithADeadLetterQueue() {
        // Visibility six times the object function's timeout (300 s in dev, 900 s in prod), five receives before the DLQ.
        String dlq = logicalId(dev, "AWS::SQS::Queue", "sluice-objects-dlq-dev");
        dev.hasResourceProperties("AWS::SQS::Queue", Map.of("QueueName", "sluice-objects-dev",
                "VisibilityTimeout", 1_800, "KmsMasterKeyId", Match.anyValue(),
                "RedrivePolicy", Map.of("deadLetterTargetArn", Map.of("Fn::GetAtt", List.of(dlq, "Arn")),
                        "maxReceiveCount", 5)));
        prod.hasResourceProperties("AWS::SQS::Queue", Map.of("QueueName", "sluice-objects-prod", "VisibilityTimeout", 5_400));
        // prod reserves 20 executions for the object function: its pollers stop there, so no message is throttled into the DLQ
        prod.hasResourceProperties("AWS::Lambda::EventSourceMapping", Map.of("BatchSize", 1, "ScalingConfig", Map.of("MaximumConcurrency", 20)));
        prod.allResources("AWS::SQS::Queue", Map.of("DeletionPolicy", "Retain"));
        // EventBridge may send to the object queue for this rule only
        dev.hasResourceProperties("AWS::SQS::QueuePolicy", Map.of("PolicyDocument", Map.of("Version", "2012-10-17", "Statement",
                Match.arrayWith(List.of(Match.objectLike(Map.of("Sid", "ObjectCreatedRuleSends", "Principal",
                        Map.of("Service", "events.amazonaws.com"), "Condition", Map.of("ArnEquals", Map.of("aws:SourceArn",
                                Map.of("Fn::GetAtt", List.of(logicalIdOf(dev, "AWS::Events::Rule"), "Arn")))))))))));
        dev.allResourcesProperties("AWS::SQS::Queue", Map.of("KmsMasterKeyId", Match.anyValue()));
        dev.hasResourceProperties("AWS::Lambda::EventSourceMapping", Map.of("BatchSize", 1,
                "FunctionResponseTypes", List.of("ReportBatchItemFailures")));
        dev.hasResourceProperties("AWS::Events::Rule", Map.of("EventPattern", Map.of("source", List.of("aws.s3"),
                "detail-type", List.of("Object Created"), "detail", Match.objectLike(Map.of("bucket", Match.anyValue())))));
        for (String name : List.of("sluice-objects-dlq-not-empty-dev", "sluice-stream-failures-not-empty-dev")) {
            dev.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("AlarmName", name, "Threshold", 1,
                    "ComparisonOperator", "GreaterThanOrEqualToThreshold", "AlarmActions", Match.anyValue(), "OKActions", Match.anyValue()));
        }
    }

    @Test
    void eachPipelineFunctionHasTheMon3Alarms() throws Exception {
        assertThat(dev.findResources("AWS::CloudWatch::Alarm")).hasSize(2 + 2 * 3);
        dev.allResourcesProperties("AWS::CloudWatch::Alarm", Map.of("AlarmActions", Match.anyValue(), "OKActions", Match.anyValue()));
        // error rate: (Lambda's errors + the failures a batch reported as failed items) / invocations x 100 > 5 over 2
        // periods, by metric math: a batch with failed items is an error on both homes
        dev.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("AlarmName", "sluice-stream-error-rate-dev", "Threshold", 5,
                "EvaluationPeriods", 2, "ComparisonOperator", "GreaterThanThreshold", "Metrics", Match.arrayWith(List.of(
                        Match.objectLike(Map.of("Id", "errors", "MetricStat", Match.objectLike(Map.of("Stat", "Sum", "Metric",
                                Match.objectLike(Map.of("MetricName", "Errors", "Namespace", "AWS/Lambda")))))),
                        Match.objectLike(Map.of("Id", "handled", "MetricStat", Match.objectLike(Map.of("Stat", "Sum", "Metric",
                                Match.objectLike(Map.of("MetricName", "HandledFailures", "Namespace", "Sluice", "Dimensions",
                                        List.of(Map.of("Name", "FunctionName", "Value", "sluice-stream-dev"))))))))))));
        dev.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("AlarmName", "sluice-stream-error-rate-dev", "Metrics",
                Match.arrayWith(List.of(Match.objectLike(Map.of("Expression",
                        "IF(invocations > 0, 100 * (errors + FILL(handled, 0)) / invocations, 0)"))))));
        dev.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("AlarmName", "sluice-stream-duration-p99-dev",
                "ExtendedStatistic", "p99", "MetricName", "Duration", "Threshold", 500, "EvaluationPeriods", 2));
        // a file takes minutes: the object function's warning is nearing its timeout (80 % of 300 s)
        dev.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("AlarmName", "sluice-object-duration-p99-dev", "Threshold", 240_000));
        dev.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("AlarmName", "sluice-object-throttles-dev", "MetricName", "Throttles",
                "Threshold", 5, "EvaluationPeriods", 1, "ComparisonOperator", "GreaterThanOrEqualToThreshold"));
    }

    @Test
    void theDashboardShowsTheDayAndEachFunction() {
        Map<String, Map<String, Object>> boards = dev.findResources("AWS::CloudWatch::Dashboard");
        assertThat(boards).hasSize(1);
        Object body = ((Map<?, ?>) boards.values().iterator().next().get("Properties")).get("DashboardBody");
        String text = flatten(body);
        assertThat(text).contains("\"start\":\"-P1D\"").contains("Invocations (24 h)").contains("Errors (24 h)")
                .contains("Duration, average (24 h)");
        for (String fn : List.of("stream", "object", "redrive")) {
            assertThat(text).contains("sluice-" + fn + "-dev: invocations and errors").contains("sluice-" + fn + "-dev: duration average and p99 (ms)");
        }
        assertThat(text).contains("\"stat\":\"p99\"");
    }

    @Test
    void theKeyPolicyGrantsTheServicesThatUseTheKeyAsThemselves() {
        dev.hasResourceProperties("AWS::KMS::Key", Map.of("KeyPolicy", Map.of("Version", "2012-10-17", "Statement", Match.arrayWith(List.of(
                Match.objectLike(Map.of("Sid", "CloudWatchLogsEncryptSluiceLogGroups", "Condition", Map.of("ArnLike",
                        Map.of("kms:EncryptionContext:aws:logs:arn", Match.anyValue())))),
                Match.objectLike(Map.of("Sid", "EventBridgeToObjectQueue", "Principal", Map.of("Service", "events.amazonaws.com"))),
                Match.objectLike(Map.of("Sid", "CloudWatchAlarmsToAlerts", "Principal", Map.of("Service", "cloudwatch.amazonaws.com"))),
                Match.objectLike(Map.of("Sid", "BudgetsToAlerts", "Principal", Map.of("Service", "budgets.amazonaws.com"))))))));
        dev.hasResourceProperties("AWS::SNS::Topic", Map.of("TopicName", "sluice-alerts-dev", "KmsMasterKeyId", Match.anyValue()));
    }

    @Test
    void requiredParametersHaveSafeDefaultsOutsideProdAndNoneInProd() {
        assertThat(dev.findParameters("AlertEmail", Map.of("Default", ""))).hasSize(1);
        assertThat(dev.findParameters("SourceZone", Map.of("Default", "UTC"))).hasSize(1);
        assertThat(dev.findParameters("DefaultCountry", Map.of("Default", "US"))).hasSize(1);
        for (String p : List.of("AlertEmail", "SourceZone", "DefaultCountry")) {
            assertThat(prod.findParameters(p)).as(p).hasSize(1);
            assertThat(prod.findParameters(p, Map.of("Default", Match.anyValue()))).as(p).isEmpty();
        }
        // prod's address may not be empty; elsewhere empty means no subscription
        assertThat(prod.findParameters("AlertEmail", Map.of("AllowedPattern", "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$"))).hasSize(1);
        prod.hasResource("AWS::SNS::Subscription", Map.of("Condition", "HasAlertEmail"));
        prod.hasResourceProperties("AWS::Lambda::Function", Map.of("FunctionName", "sluice-stream-prod", "Environment", Map.of(
                "Variables", Match.objectLike(Map.of("SLUICE_SOURCE_ZONE", Map.of("Ref", "SourceZone"),
                        "SLUICE_DEFAULT_COUNTRY", Map.of("Ref", "DefaultCountry"))))));
    }

    @Test
    void aFreeSwitchTemplateIsAnOptionalParameterEveryPipelineFunctionReads() { // issue 16
        for (Template t : List.of(dev, prod)) {
            assertThat(t.findParameters("FreeSwitchTemplate", Map.of("Default", ""))).hasSize(1);
        }
        for (String fn : List.of("sluice-stream-prod", "sluice-object-prod")) {
            prod.hasResourceProperties("AWS::Lambda::Function", Map.of("FunctionName", fn, "Environment", Map.of(
                    "Variables", Match.objectLike(Map.of("SLUICE_FREESWITCH_TEMPLATE", Map.of("Ref", "FreeSwitchTemplate"))))));
        }
    }

    @Test
    void eachEnvironmentHasAMonthlyBudgetAlertingTheTopic() {
        dev.hasResourceProperties("AWS::Budgets::Budget", Map.of("Budget", Match.objectLike(Map.of(
                "BudgetType", "COST", "TimeUnit", "MONTHLY", "BudgetLimit", Map.of("Amount", 50, "Unit", "USD"),
                "CostFilters", Map.of("TagKeyValue", List.of("user:env$dev"), "Region", List.of(Map.of("Ref", "AWS::Region"))))),
                "NotificationsWithSubscribers", Match.arrayWith(List.of(Match.objectLike(Map.of("Notification",
                        Match.objectLike(Map.of("NotificationType", "FORECASTED", "Threshold", 100))))))));
        prod.hasResourceProperties("AWS::Budgets::Budget", Map.of("Budget", Match.objectLike(Map.of(
                "BudgetLimit", Map.of("Amount", 2000, "Unit", "USD")))));
    }

    @Test
    void theFileWorkflowIsExpressTracedLoggedAndRetriesAndCatches() throws Exception {
        dev.hasResourceProperties("AWS::StepFunctions::StateMachine", Map.of("StateMachineName", "sluice-ingest-file-dev",
                "StateMachineType", "EXPRESS", "TracingConfiguration", Map.of("Enabled", true),
                "LoggingConfiguration", Match.objectLike(Map.of("Level", "ALL", "IncludeExecutionData", true))));
        JsonNode definition = definition(dev);
        assertThat(definition.path("StartAt").asText()).isEqualTo("Validate");
        JsonNode states = definition.path("States");
        assertThat(iterable(states.fieldNames())).contains("Validate", "IsCdrFile", "Load", "Manifest", "IsDone", "Notify",
                "NotifyFailure", "IngestFailed", "Rejected", "NotFinished", "Done");
        for (String task : List.of("Validate", "Load", "Manifest")) {
            assertThat(states.path(task).path("Retry").isArray()).as(task + " retries").isTrue();
            assertThat(states.path(task).path("Catch").get(0).path("Next").asText()).as(task + " catches").isEqualTo("NotifyFailure");
        }
        assertThat(states.path("Load").path("Retry").get(0).path("JitterStrategy").asText()).isEqualTo("FULL");
        assertThat(states.path("Load").path("Parameters").path("Payload").path("detail-type").asText()).isEqualTo("Object Created");
        assertThat(states.path("NotifyFailure").path("Next").asText()).isEqualTo("IngestFailed");
        // a rejected object and a load that did not finish are published too, with their own error names
        assertThat(states.path("Rejected").path("Next").asText()).isEqualTo("NotifyFailure");
        assertThat(states.path("Rejected").path("Result").path("Error").asText()).isEqualTo("Sluice.ObjectRejected");
        assertThat(states.path("NotFinished").path("Next").asText()).isEqualTo("NotifyFailure");
        assertThat(states.path("IngestFailed").path("ErrorPath").asText()).isEqualTo("$.error.Error");
        assertThat(states.path("IsCdrFile").toString()).contains("*.csv").contains("$.head.size");
    }

    @Test
    void theAppDeclaresEveryOutputTheToolsRead() {
        Set<String> outputs = new HashSet<>();
        Synthesized.of("dev").templates.values().forEach(t -> outputs.addAll(t.findOutputs("*").keySet()));
        assertThat(outputs).containsAll(OutputNames.REQUIRED);
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> l = new java.util.ArrayList<>();
        it.forEachRemaining(l::add);
        return l;
    }

    /** The state machine's definition, its tokens (ARNs, names) replaced by a placeholder. */
    private static JsonNode definition(Template t) throws Exception {
        Map<String, Map<String, Object>> machines = t.findResources("AWS::StepFunctions::StateMachine");
        Object body = ((Map<?, ?>) machines.values().iterator().next().get("Properties")).get("DefinitionString");
        return new ObjectMapper().readTree(flatten(body));
    }

    private static String flatten(Object o) {
        if (o instanceof String s) {
            return s;
        }
        if (o instanceof Map<?, ?> m && m.get("Fn::Join") instanceof List<?> join) {
            StringBuilder b = new StringBuilder();
            for (Object part : (List<?>) join.get(1)) {
                b.append(part instanceof String s ? s : "TOKEN");
            }
            return b.toString();
        }
        throw new IllegalArgumentException("Unexpected definition: " + o);
    }

    private static String logicalIdOf(Template t, String type) {
        Map<String, Map<String, Object>> found = t.findResources(type);
        assertThat(found).as(type).hasSize(1);
        return found.keySet().iterator().next();
    }

    private static String logicalId(Template t, String type, String name) {
        Map<String, Map<String, Object>> found = t.findResources(type, Map.of("Properties", Match.objectLike(Map.of("QueueName", name))));
        assertThat(found).as(name).hasSize(1);
        return found.keySet().iterator().next();
    }
}
