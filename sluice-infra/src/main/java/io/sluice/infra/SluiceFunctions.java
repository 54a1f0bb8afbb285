package io.sluice.infra;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.SingleValueWidget;
import software.amazon.awscdk.services.cloudwatch.TextWidget;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.Tracing;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.sns.Topic;

/**
 * The functions of a stack (compute, telemetry), built the one way every Sluice function is (INF-3, INF-9, MON-3, MON-4):
 * {@link #add} makes a function from its props ({@link FunctionSpec}) with its own log group, role and alias;
 * {@link #alarms} and {@link #dashboard} watch them. Resources are created in the stack's own scope, so their
 * logical IDs are the ones the stack always had: a named stream, queue or log group whose ID changed would be
 * replaced, and CloudFormation cannot create a second resource of the same name first, so the deployment would
 * fail (and a replaced stream or queue loses what it holds).
 */
final class SluiceFunctions {

    /** The props of one function: what differs between the stream, object, redrive and replay functions. */
    record FunctionSpec(String name, String handler, String description, int memoryMb, int timeoutSeconds,
                        Integer reservedConcurrency, Map<String, String> environment, List<PolicyStatement> grants) {
    }

    /** The EMF metric of the stream and object functions' handled failures (sluice-aws InvocationLog). */
    static final String HANDLED_FAILURES = "HandledFailures";

    private final Stack scope;
    private final SluiceEnvironment env;
    private final Code code;
    private final Key key;
    private final Map<String, Function> functions = new LinkedHashMap<>();

    SluiceFunctions(Stack scope, SluiceEnvironment env, Code code, Key key) {
        this.scope = scope;
        this.env = env;
        this.code = code;
        this.key = key;
    }

    /** The functions added so far, by name, in order. */
    Map<String, Function> all() {
        return functions;
    }

    /**
     * The CDK names an event source mapping after its source's construct path, which differs between a manual deploy
     * and a pipeline stage ({@code SluicePipeline/Dev/...}). A mapping whose logical ID changes is replaced, and
     * CloudFormation creates the new one first, which Lambda refuses while a mapping of the same source and function
     * exists (ResourceConflictException): the deployment would fail. One fixed ID per mapping avoids that.
     */
    static void stableMappingId(Alias fn, String logicalId) {
        List<software.amazon.awscdk.services.lambda.CfnEventSourceMapping> mappings = fn.getNode().findAll().stream()
                .filter(c -> c instanceof software.amazon.awscdk.services.lambda.CfnEventSourceMapping)
                .map(c -> (software.amazon.awscdk.services.lambda.CfnEventSourceMapping) c).toList();
        if (mappings.size() != 1) {
            throw new IllegalStateException(fn.getNode().getPath() + " has " + mappings.size() + " event source mappings, expected 1");
        }
        mappings.get(0).overrideLogicalId(logicalId);
    }
    /**
     * MON-3 for one function: error rate (metric math, errors / invocations x 100) over consecutive periods, p99
     * duration over consecutive periods, throttles in one period; alarm and OK actions to the alerts topic.
     */
    void alarms(String name, Duration p99, Topic alerts) {
        alarms(name, p99, alerts, false);
    }

    /**
     * As {@link #alarms(String, Duration, Topic)}; with {@code handledFailures} the error rate also counts the invocations
     * that failed but returned (a batch reporting failed items), which the function logs as the EMF metric
     * {@value #HANDLED_FAILURES} in namespace Sluice: Lambda's Errors does not count them, the one-machine home does.
     */
    void alarms(String name, Duration p99, Topic alerts, boolean handledFailures) {
        Function fn = functions.get(name);
        SluiceEnvironment.Alarms a = env.alarms();
        Duration period = Duration.minutes(5);
        Map<String, IMetric> inputs = new LinkedHashMap<>(Map.of("errors", fn.metricErrors(MetricOptions.builder().period(period).statistic("Sum").build()),
                "invocations", fn.metricInvocations(MetricOptions.builder().period(period).statistic("Sum").build())));
        String failed = "errors";
        if (handledFailures) {
            inputs.put("handled", Metric.Builder.create().namespace("Sluice").metricName(HANDLED_FAILURES)
                    .dimensionsMap(Map.of("FunctionName", env.name(name))).statistic("Sum").period(period).build());
            failed = "(errors + FILL(handled, 0))";
        }
        MathExpression errorRate = MathExpression.Builder.create().expression("IF(invocations > 0, 100 * " + failed + " / invocations, 0)")
                .usingMetrics(Sorted.keys(inputs)).period(period).label(env.name(name) + " error rate %").build();
        List<Alarm> alarms = List.of(
                Alarm.Builder.create(scope, DataStack.camel(name) + "ErrorRate").alarmName(env.name(name + "-error-rate"))
                        .alarmDescription("More than " + a.errorRatePercent() + " % of " + env.name(name) + "'s invocations failed in "
                                + a.errorPeriods() + " consecutive 5-minute periods (MON-3): see its log group and the errors table")
                        .metric(errorRate).threshold(a.errorRatePercent()).evaluationPeriods(a.errorPeriods())
                        .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD).treatMissingData(TreatMissingData.NOT_BREACHING).build(),
                Alarm.Builder.create(scope, DataStack.camel(name) + "DurationP99").alarmName(env.name(name + "-duration-p99"))
                        .alarmDescription("p99 duration of " + env.name(name) + " above " + p99.toMilliseconds() + " ms in "
                                + a.errorPeriods() + " consecutive 5-minute periods (MON-3)")
                        .metric(fn.metricDuration(MetricOptions.builder().period(period).statistic("p99").build()))
                        .threshold(p99.toMilliseconds()).evaluationPeriods(a.errorPeriods())
                        .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD).treatMissingData(TreatMissingData.NOT_BREACHING).build(),
                Alarm.Builder.create(scope, DataStack.camel(name) + "Throttles").alarmName(env.name(name + "-throttles"))
                        .alarmDescription(a.throttles() + " or more throttles of " + env.name(name) + " in 5 minutes (MON-3): its "
                                + "reserved concurrency or the account's limit is too small for the traffic")
                        .metric(fn.metricThrottles(MetricOptions.builder().period(period).statistic("Sum").build()))
                        .threshold(a.throttles()).evaluationPeriods(1)
                        .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                        .treatMissingData(TreatMissingData.NOT_BREACHING).build());
        for (Alarm alarm : alarms) {
            alarm.addAlarmAction(new SnsAction(alerts));
            alarm.addOkAction(new SnsAction(alerts));
        }
    }
    /**
     * MON-4: the 24-hour summary (invocations, errors, duration of every function), then per function a graph of
     * invocations and errors and one of duration average and p99, then the dead-letter queues.
     */
    void dashboard() {
        dashboard("functions", "Alarms and budget alerts go to the topic " + env.name("alerts") + "; see docs/deploy.md.");
    }

    /**
     * As {@link #dashboard()}, named {@code sluice-<dashboardName>-<suffix>} (dashboard names are unique per account), with
     * {@code note} under its title (where the alarms go). Returned, so that a stack adds widgets of its own.
     */
    Dashboard dashboard(String dashboardName, String note) {
        Duration hour = Duration.hours(1);
        Dashboard d = Dashboard.Builder.create(scope, "Dashboard").dashboardName(env.name(dashboardName))
                .defaultInterval(Duration.hours(24)).build();
        List<IMetric> invocations = new ArrayList<>();
        List<IMetric> errors = new ArrayList<>();
        List<IMetric> durations = new ArrayList<>();
        functions.forEach((name, fn) -> {
            invocations.add(fn.metricInvocations(MetricOptions.builder().period(Duration.hours(24)).statistic("Sum").label(name).build()));
            errors.add(fn.metricErrors(MetricOptions.builder().period(Duration.hours(24)).statistic("Sum").label(name).build()));
            durations.add(fn.metricDuration(MetricOptions.builder().period(Duration.hours(24)).statistic("Average").label(name + " avg ms").build()));
        });
        d.addWidgets(
                TextWidget.Builder.create().markdown("# Sluice " + env.suffix() + ": the last 24 hours\n" + note).width(24).height(2).build());
        d.addWidgets(
                SingleValueWidget.Builder.create().title("Invocations (24 h)").metrics(invocations).width(8).height(4).build(),
                SingleValueWidget.Builder.create().title("Errors (24 h)").metrics(errors).width(8).height(4).build(),
                SingleValueWidget.Builder.create().title("Duration, average (24 h)").metrics(durations).width(8).height(4).build());
        functions.forEach((name, fn) -> d.addWidgets(
                GraphWidget.Builder.create().title(env.name(name) + ": invocations and errors").width(12)
                        .left(List.of(fn.metricInvocations(MetricOptions.builder().period(hour).statistic("Sum").build())))
                        .right(List.of(fn.metricErrors(MetricOptions.builder().period(hour).statistic("Sum").build()))).build(),
                GraphWidget.Builder.create().title(env.name(name) + ": duration average and p99 (ms)").width(12)
                        .left(List.of(fn.metricDuration(MetricOptions.builder().period(hour).statistic("Average").label("average").build()),
                                fn.metricDuration(MetricOptions.builder().period(hour).statistic("p99").label("p99").build()))).build()));
        return d;
    }
    /**
     * What the pipeline's adapters call (Wiring.fromEnvironment), table by table: profiles read in batches; the
     * usage ledger's claims and counters in transactions with consistent reads of claims; dead letters in batch
     * writes; the error log put-only (MON-5); the archive through Firehose. The object function also reads objects
     * and keeps manifests.
     */
    static List<PolicyStatement> pipelineGrants(DataStack data, AnalyticsStack analytics, boolean objects) {
        List<PolicyStatement> s = new ArrayList<>(List.of(
                statement("ReadProfiles", List.of("dynamodb:BatchGetItem", "dynamodb:GetItem"), data.table("profiles").getTableArn()),
                statement("LedgerClaimsAndCounters", List.of("dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:PutItem",
                        "dynamodb:UpdateItem", "dynamodb:ConditionCheckItem"), data.table("usage").getTableArn()),
                statement("WriteDeadLetters", List.of("dynamodb:BatchWriteItem", "dynamodb:PutItem"), data.table("dead-letters").getTableArn()),
                statement("WriteErrorLogOnly", List.of("dynamodb:PutItem"), data.table("errors").getTableArn()),
                statement("Archive", List.of("firehose:PutRecordBatch"), analytics.deliveryStreamArn())));
        List<String> via = new ArrayList<>(List.of("dynamodb." + Aws.REGION + ".amazonaws.com"));
        if (objects) {
            s.add(statement("Manifests", List.of("dynamodb:GetItem", "dynamodb:UpdateItem"), data.table("manifests").getTableArn()));
            s.add(statement("ReadObjects", List.of("s3:GetObject", "s3:GetObjectVersion"), data.objects().arnForObjects("*")));
            via.add("s3." + Aws.REGION + ".amazonaws.com");
        }
        s.add(PolicyStatement.Builder.create().sid("DataKeyThroughDynamoDbAndS3").effect(Effect.ALLOW)
                .actions(List.of("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"))
                .resources(List.of(data.key().getKeyArn()))
                .conditions(Map.of("StringEquals", Map.of("kms:ViaService", via))).build());
        return s;
    }
    static PolicyStatement statement(String sid, List<String> actions, String resource) {
        return PolicyStatement.Builder.create().sid(sid).effect(Effect.ALLOW).actions(actions).resources(List.of(resource)).build();
    }
    /**
     * One function: java25 (the newest Java runtime; the jar is Java 21 bytecode) on arm64 (INF-9), the shared jar, its own log group (retention, KMS) and role (no managed
     * policy: INF-3), X-Ray active tracing, SnapStart on published versions, reached through the alias {@code live}.
     */
    Alias add(FunctionSpec spec) {
        return add(spec, "Nothing invokes this function asynchronously: the event source "
                + "mappings invoke it synchronously and keep failures in their own destinations (the stream's on-failure queue, "
                + "the object queue's dead-letter queue); the redrive and stream-replay functions are invoked by hand.");
    }

    /** As {@link #add(FunctionSpec)}, saying why the function needs no dead-letter queue. */
    Alias add(FunctionSpec spec, String noDeadLetterQueueBecause) {
        String name = spec.name();
        String id = DataStack.camel(name);
        String functionName = env.name(name);
        LogGroup logs = LogGroup.Builder.create(scope, id + "Logs").logGroupName("/aws/lambda/" + functionName)
                .retention(env.logRetention()).encryptionKey(key).removalPolicy(env.removalPolicy()).build();
        List<PolicyStatement> statements = new ArrayList<>(spec.grants());
        statements.add(statement("OwnLogGroup", List.of("logs:CreateLogStream", "logs:PutLogEvents"), logs.getLogGroupArn()));
        statements.add(PolicyStatement.Builder.create().sid("XRayTraces").actions(List.of("xray:PutTraceSegments",
                "xray:PutTelemetryRecords")).resources(List.of("*")).build());
        Role role = Role.Builder.create(scope, id + "Role")
                .assumedBy(new ServicePrincipal("lambda.amazonaws.com")).description("Sluice " + name + " function")
                .inlinePolicies(Map.of("sluice-" + name, PolicyDocument.Builder.create().statements(statements).build())).build();
        Function.Builder b = Function.Builder.create(scope, id + "Function").functionName(functionName).description(spec.description())
                .runtime(Runtime.JAVA_25).architecture(Architecture.ARM_64).code(code).handler(spec.handler())
                .memorySize(spec.memoryMb()).timeout(Duration.seconds(spec.timeoutSeconds())).tracing(Tracing.ACTIVE)
                .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS).logGroup(logs).role(role).environment(spec.environment());
        if (spec.reservedConcurrency() != null) {
            b.reservedConcurrentExecutions(spec.reservedConcurrency());
        }
        Function fn = b.build();
        fn.getNode().addDependency(role);
        Alias alias = Alias.Builder.create(scope, id + "Live").aliasName("live").version(fn.getCurrentVersion()).build();
        functions.put(name, fn);
        software.amazon.awscdk.Annotations.of(fn).acknowledgeWarning("@aws-cdk/aws-lambda:snapStartRequirePublish",
                "Published: the alias live points at the function's current version, and every trigger uses the alias.");
        AnalyticsStack.suppress(fn, "Serverless-LambdaDLQ", noDeadLetterQueueBecause);
        AnalyticsStack.suppress(role, "Serverless-LambdaStarPermissions", "The only * is X-Ray's, which has no resource-level "
                + "permissions; every other statement names its table, stream, queue, key or log group.");
        AnalyticsStack.suppress(role, "AwsSolutions-IAM5", "X-Ray's PutTraceSegments and PutTelemetryRecords take no resource "
                + "(AWS requires *); log streams are <log group ARN>:*; objects of the object bucket are <bucket ARN>/*; "
                + "Lambda's event source grants name the stream or queue itself.");
        return alias;
    }
}
