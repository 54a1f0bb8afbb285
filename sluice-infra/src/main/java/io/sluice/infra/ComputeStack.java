package io.sluice.infra;

import io.sluice.core.contracts.FunctionEnvironment;
import io.sluice.core.contracts.OutputNames;
import io.sluice.core.contracts.TableKeys;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.CfnCondition;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.CfnParameter;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.budgets.CfnBudget;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.SingleValueWidget;
import software.amazon.awscdk.services.cloudwatch.TextWidget;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.interfaces.events.IRuleRef;
import software.amazon.awscdk.services.events.CfnRule;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.IRuleTarget;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.RuleTargetConfig;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kinesis.Stream;
import software.amazon.awscdk.services.kinesis.StreamEncryption;
import software.amazon.awscdk.services.kinesis.StreamMode;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.StartingPosition;
import software.amazon.awscdk.services.lambda.Tracing;
import software.amazon.awscdk.services.lambda.eventsources.KinesisEventSource;
import software.amazon.awscdk.services.lambda.eventsources.SqsDlq;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSource;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.sns.CfnSubscription;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * What runs (CDR-1, CDR-12, OBJ-1..OBJ-5): the Kinesis CDR stream and its function, the object queue (fed by the
 * object bucket's EventBridge events) and its function, the redrive function, the Express file-ingestion
 * workflow, the alerts topic, the dead-letter alarms and the environment's budget. Every function runs the one
 * {@code sluice-aws} jar on java21/arm64 with its own role, granted only what its adapters call.
 */
public final class ComputeStack extends Stack {
    /** The handler classes in {@code sluice-aws}'s jar. */
    static final String STREAM_HANDLER = "io.sluice.aws.handlers.CdrStreamHandler::handleRequest";
    static final String OBJECT_HANDLER = "io.sluice.aws.handlers.CdrObjectHandler::handleRequest";
    static final String REDRIVE_HANDLER = "io.sluice.aws.handlers.DeadLetterRedriveHandler::handleRequest";
    static final String REPLAY_HANDLER = "io.sluice.aws.handlers.StreamFailureReplayHandler::handleRequest";
    /** Receives of an object message before it moves to the dead-letter queue (OBJ-3). */
    static final int MAX_RECEIVE_COUNT = 5;

    private final String suffix;
    private final Key key;
    private final Topic alerts;
    private final Map<String, Function> functions = new LinkedHashMap<>();

    public ComputeStack(Construct scope, String id, StackProps props, SluiceEnvironment env, DataStack data, AnalyticsStack analytics,
                        FunctionCode jar) {
        super(scope, id, props);
        this.suffix = env.suffix();
        key = Keys.create(this, "ComputeKey", env, "compute", "Sluice stream, queues, alerts topic and logs");
        Keys.allowLogs(key);
        Keys.allowEventBridge(key);
        Keys.allowServiceToSend(key, "CloudWatchAlarmsToAlerts", "cloudwatch.amazonaws.com");
        Keys.allowServiceToSend(key, "BudgetsToAlerts", "budgets.amazonaws.com");

        // ------------------------------------------------------------------ alerts
        alerts = Topic.Builder.create(this, "AlertsTopic").topicName(env.name("alerts")).displayName("Sluice alerts " + env.suffix())
                .masterKey(key).enforceSsl(true).build();
        for (String service : List.of("cloudwatch.amazonaws.com", "budgets.amazonaws.com")) {
            alerts.addToResourcePolicy(PolicyStatement.Builder.create().sid("Publish" + service.substring(0, service.indexOf('.')))
                    .principals(List.of(new ServicePrincipal(service))).actions(List.of("sns:Publish"))
                    .resources(List.of(alerts.getTopicArn()))
                    .conditions(Map.of("StringEquals", Map.of("aws:SourceAccount", Aws.ACCOUNT_ID))).build());
        }
        // INF-7: where alerts go is a deploy-time parameter. Dev, staging and pull requests may leave it empty;
        // prod has no default, so a prod deployment without one stops before this stack changes.
        boolean prod = env.suffix().equals("prod");
        CfnParameter alertEmail = parameter("AlertEmail", prod ? null : "",
                (prod ? "" : "^$|") + "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$",
                prod ? "an e-mail address: prod alerts must reach someone" : "an e-mail address, or empty for no subscription",
                "E-mail address subscribed to the alerts topic (prod: required; elsewhere: optional)");
        // The zone the CDR sources write their local times in, and the country of numbers without one
        // (CDR-FORMATS.md: the CSV carries neither). A wrong guess corrupts every record, so prod has no default.
        CfnParameter sourceZone = parameter("SourceZone", prod ? null : "UTC", "^(UTC|[A-Za-z_]+(/[A-Za-z0-9_+-]+){1,2})$",
                "an IANA time zone such as Europe/London, or UTC", "Time zone of the CDR sources' local timestamps");
        CfnParameter defaultCountry = parameter("DefaultCountry", prod ? null : "US", "^[A-Z]{2}$",
                "an ISO 3166 two-letter country code such as GB", "Country of CDR numbers written without a country code");
        CfnCondition hasEmail = CfnCondition.Builder.create(this, "HasAlertEmail")
                .expression(Fn.conditionNot(Fn.conditionEquals(alertEmail.getValueAsString(), ""))).build();
        CfnSubscription subscription = CfnSubscription.Builder.create(this, "AlertEmailSubscription").protocol("email")
                .endpoint(alertEmail.getValueAsString()).topicArn(alerts.getTopicArn()).build();
        subscription.getCfnOptions().setCondition(hasEmail);
        AnalyticsStack.suppress(subscription, "Serverless-SNSRedrivePolicy", "An e-mail subscription for people: SNS retries "
                + "delivery itself, and what it tells (alarm states, budget alerts, workflow outcomes) stays visible in CloudWatch, "
                + "Budgets and the workflow's log.");

        // ------------------------------------------------------------------ the CDR stream (CDR-1, CDR-12)
        Stream stream = Stream.Builder.create(this, "CdrStream").streamName(env.name("cdrs")).streamMode(StreamMode.ON_DEMAND)
                .encryption(StreamEncryption.KMS).encryptionKey(key)
                .retentionPeriod(env.disposable() ? Duration.hours(24) : Duration.days(7)).build();
        stream.applyRemovalPolicy(env.removalPolicy());
        Queue streamFailures = Queue.Builder.create(this, "StreamFailuresQueue").queueName(env.name("stream-failures"))
                .encryption(QueueEncryption.KMS).encryptionMasterKey(key).enforceSsl(true)
                .retentionPeriod(Duration.days(14)).removalPolicy(env.removalPolicy()).build();
        AnalyticsStack.suppress(streamFailures, "Serverless-SQSRedrivePolicy", "A dead-letter queue (the stream function's "
                + "on-failure destination) has no dead-letter queue of its own; the alarm below reports anything in it.");
        AnalyticsStack.suppress(stream, "AwsSolutions-KDS3", "SEC-2: the stream is encrypted with Sluice's customer-managed "
                + "key, rotated yearly, instead of the AWS-managed aws/kinesis key.");
        AnalyticsStack.suppress(streamFailures, "AwsSolutions-SQS3", "This queue is the stream function's on-failure destination: "
                + "a dead-letter queue itself (it holds the shard, sequence range and error of batches that ran out of retries).");

        Code code = jar.code();
        Map<String, String> common = new LinkedHashMap<>();
        common.put(FunctionEnvironment.PROFILES_TABLE, data.table(TableKeys.PROFILES).getTableName());
        common.put(FunctionEnvironment.USAGE_TABLE, data.table(TableKeys.USAGE).getTableName());
        common.put(FunctionEnvironment.MANIFESTS_TABLE, data.table(TableKeys.MANIFESTS).getTableName());
        common.put(FunctionEnvironment.DEAD_LETTERS_TABLE, data.table(TableKeys.DEAD_LETTERS).getTableName());
        common.put(FunctionEnvironment.ERRORS_TABLE, data.table(TableKeys.ERRORS).getTableName());
        common.put(FunctionEnvironment.ARCHIVE_STREAM, analytics.deliveryStreamName());
        common.put(FunctionEnvironment.SOURCE_ZONE, sourceZone.getValueAsString());
        common.put(FunctionEnvironment.DEFAULT_COUNTRY, defaultCountry.getValueAsString());

        Alias streamFn = function(env, code, "stream", STREAM_HANDLER, "Kinesis CDR batches: validate, enrich, count, archive",
                env.streamMemoryMb(), env.streamTimeoutSeconds(), env.streamReservedConcurrency(), common,
                pipelineGrants(data, analytics, false));
        streamFn.addEventSource(KinesisEventSource.Builder.create(stream)
                .startingPosition(StartingPosition.TRIM_HORIZON)
                .batchSize(500).maxBatchingWindow(Duration.seconds(1))
                .bisectBatchOnError(true).reportBatchItemFailures(true)
                .retryAttempts(10).maxRecordAge(Duration.hours(6))
                .parallelizationFactor(env.parallelizationFactor())
                .onFailure(new SqsDlq(streamFailures)).build());
        stableMappingId(streamFn, "StreamKinesisMapping");

        // ------------------------------------------------------------------ objects (OBJ-1..OBJ-4)
        Queue objectDlq = Queue.Builder.create(this, "ObjectDlq").queueName(env.name("objects-dlq"))
                .encryption(QueueEncryption.KMS).encryptionMasterKey(key).enforceSsl(true)
                .retentionPeriod(Duration.days(14)).removalPolicy(env.removalPolicy()).build();
        AnalyticsStack.suppress(objectDlq, "Serverless-SQSRedrivePolicy", "This is the object queue's dead-letter queue; the "
                + "redrive function sends its messages back, and an alarm reports anything in it.");
        Queue objectQueue = Queue.Builder.create(this, "ObjectQueue").queueName(env.name("objects"))
                .encryption(QueueEncryption.KMS).encryptionMasterKey(key).enforceSsl(true)
                .visibilityTimeout(Duration.seconds((long) Preflight.VISIBILITY_FACTOR * env.objectTimeoutSeconds()))
                .retentionPeriod(Duration.days(4)).removalPolicy(env.removalPolicy())
                .deadLetterQueue(DeadLetterQueue.builder().queue(objectDlq).maxReceiveCount(MAX_RECEIVE_COUNT).build()).build();
        Rule created = Rule.Builder.create(this, "ObjectCreatedRule").ruleName(env.name("object-created"))
                .description("Object Created in the object bucket -> the object queue")
                .eventPattern(EventPattern.builder().source(List.of("aws.s3")).detailType(List.of("Object Created"))
                        .detail(Map.of("bucket", Map.of("name", List.of(data.objects().getBucketName())))).build())
                .build();
        // The rule's target, bound by hand: the CDK's SqsQueue target drops the aws:SourceArn condition when the
        // queue is encrypted and adds an unconditioned key grant; this queue takes messages from this rule only.
        RuleTargetConfig toQueue = RuleTargetConfig.builder().arn(objectQueue.getQueueArn())
                .deadLetterConfig(CfnRule.DeadLetterConfigProperty.builder().arn(objectDlq.getQueueArn()).build())
                .retryPolicy(CfnRule.RetryPolicyProperty.builder().maximumRetryAttempts(185).maximumEventAgeInSeconds(86_400).build())
                .build();
        created.addTarget(new IRuleTarget() {
            @Override
            public RuleTargetConfig bind(IRuleRef rule, String targetId) {
                return toQueue;
            }

            @Override
            public RuleTargetConfig bind(IRuleRef rule) {
                return toQueue;
            }
        });
        for (Queue q : List.of(objectQueue, objectDlq)) {
            q.addToResourcePolicy(PolicyStatement.Builder.create().sid("ObjectCreatedRuleSends")
                    .principals(List.of(new ServicePrincipal("events.amazonaws.com"))).actions(List.of("sqs:SendMessage"))
                    .resources(List.of(q.getQueueArn()))
                    .conditions(Map.of("ArnEquals", Map.of("aws:SourceArn", created.getRuleArn()))).build());
        }

        List<PolicyStatement> objectGrants = pipelineGrants(data, analytics, true);
        Alias objectFn = function(env, code, "object", OBJECT_HANDLER, "CDR files from the object bucket, one object at a time",
                env.objectMemoryMb(), env.objectTimeoutSeconds(), env.objectReservedConcurrency(), common, objectGrants);
        // One object per invocation: a large file has the whole timeout; a failure retries that object only.
        SqsEventSource.Builder objectSource = SqsEventSource.Builder.create(objectQueue).batchSize(1).reportBatchItemFailures(true);
        if (env.objectReservedConcurrency() != null) {
            // Without this cap Lambda's pollers outrun the reservation; each throttled message counts a receive
            // and, after maxReceiveCount, a good file would land in the dead-letter queue.
            objectSource.maxConcurrency(env.objectReservedConcurrency());
        }
        objectFn.addEventSource(objectSource.build());
        stableMappingId(objectFn, "ObjectQueueMapping");
        AnalyticsStack.suppress(objectFn, "Serverless-LambdaEventSourceMappingDestination", "SQS event source mappings take no "
                + "on-failure destination (only stream sources do); a message that fails " + MAX_RECEIVE_COUNT + " times moves to "
                + "the object queue's dead-letter queue (OBJ-3).");

        Map<String, String> redriveEnv = Sorted.keys(Map.of(FunctionEnvironment.OBJECT_DLQ_URL, objectDlq.getQueueUrl(),
                FunctionEnvironment.OBJECT_QUEUE_URL, objectQueue.getQueueUrl()));
        function(env, code, "redrive", REDRIVE_HANDLER, "Inspects the object DLQ or sends its messages back (invoke by hand)",
                512, 300, null, redriveEnv, List.of(
                        statement("DrainDlq", List.of("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility",
                                "sqs:GetQueueAttributes"), objectDlq.getQueueArn()),
                        statement("RequeueObjects", List.of("sqs:SendMessage", "sqs:GetQueueAttributes"), objectQueue.getQueueArn()),
                        statement("QueueKey", List.of("kms:Decrypt", "kms:GenerateDataKey"), key.getKeyArn())));

        // Kinesis batches that ran out of retries: the failures queue names their ranges; this function reads them back
        // from the stream and commits them through the stream function's pipeline (CDR-12). Invoked by hand.
        Map<String, String> replayEnv = new LinkedHashMap<>(common);
        replayEnv.put(FunctionEnvironment.STREAM_FAILURES_QUEUE_URL, streamFailures.getQueueUrl());
        List<PolicyStatement> replayGrants = new ArrayList<>(pipelineGrants(data, analytics, false));
        replayGrants.add(statement("TakeFailedBatches", List.of("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility",
                "sqs:GetQueueAttributes"), streamFailures.getQueueArn()));
        replayGrants.add(statement("ReadTheStreamAgain", List.of("kinesis:GetShardIterator", "kinesis:GetRecords"), stream.getStreamArn()));
        replayGrants.add(PolicyStatement.Builder.create().sid("StreamAndQueueKey").effect(Effect.ALLOW).actions(List.of("kms:Decrypt"))
                .resources(List.of(key.getKeyArn())).conditions(Map.of("StringEquals", Map.of("kms:ViaService",
                        List.of("kinesis." + Aws.REGION + ".amazonaws.com", "sqs." + Aws.REGION + ".amazonaws.com")))).build());
        function(env, code, "stream-replay", REPLAY_HANDLER, "Replays Kinesis batches that ran out of retries (invoke by hand)",
                env.streamMemoryMb(), 900, null, replayEnv, replayGrants);

        // ------------------------------------------------------------------ the file workflow (ANA-3)
        IngestWorkflow workflow = new IngestWorkflow(this, "IngestWorkflow", env, data, objectFn, alerts, key,
                io.sluice.core.intake.EntryRules.EXTENSIONS, FunctionEnvironment.DEFAULT_MAX_OBJECT_BYTES);

        // ------------------------------------------------------------------ nothing waits unseen in a dead-letter queue
        for (Queue q : List.of(objectDlq, streamFailures)) {
            Alarm alarm = Alarm.Builder.create(this, q.getNode().getId() + "NotEmpty")
                    .alarmName(env.name(q.getNode().getId().equals("ObjectDlq") ? "objects-dlq-not-empty" : "stream-failures-not-empty"))
                    .alarmDescription(q == objectDlq
                            ? "Object events failed " + MAX_RECEIVE_COUNT + " times: inspect and redrive them with the redrive function (docs/deploy.md)"
                            : "Kinesis batches ran out of retries: each message names the shard and sequence range; replay them "
                            + "from the stream with the stream-replay function while the stream still holds them (docs/deploy.md)")
                    .metric(q.metricApproximateNumberOfMessagesVisible().with(MetricOptions.builder()
                            .period(Duration.minutes(5)).statistic("Maximum").build()))
                    .threshold(1).evaluationPeriods(1).comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                    .treatMissingData(TreatMissingData.NOT_BREACHING).build();
            alarm.addAlarmAction(new SnsAction(alerts));
            alarm.addOkAction(new SnsAction(alerts));
        }

        // ------------------------------------------------------------------ the functions' alarms (MON-3)
        functionAlarms(env, "stream", Duration.millis(env.alarms().streamP99Millis()));
        functionAlarms(env, "object", Duration.millis(env.objectTimeoutSeconds() * 10L * env.alarms().objectP99Percent()));
        dashboard(env);

        // ------------------------------------------------------------------ the environment's budget (INF-14)
        CfnBudget.Builder.create(this, "Budget").budget(CfnBudget.BudgetDataProperty.builder()
                        // Budget names are unique per account, and so is the env tag: region in the name and the filter.
                        .budgetName("sluice-monthly-" + Aws.REGION + "-" + env.suffix()).budgetType("COST").timeUnit("MONTHLY")
                        .budgetLimit(CfnBudget.SpendProperty.builder().amount(env.monthlyBudgetUsd()).unit("USD").build())
                        // Costs of resources tagged env=<suffix> (activate "env" as a cost allocation tag once per account).
                        .costFilters(Sorted.keys(Map.of("TagKeyValue", List.of("user:env$" + env.suffix()), "Region", List.of(Aws.REGION))))
                        .build())
                .notificationsWithSubscribers(List.of(
                        budgetAlert("ACTUAL", 80), budgetAlert("FORECASTED", 100)))
                .build();

        output(OutputNames.CDR_STREAM, stream.getStreamName(), "Kinesis stream: put CDR lines or JSON here");
        output("CdrStreamArn", stream.getStreamArn(), "Kinesis stream ARN");
        output(OutputNames.STREAM_FUNCTION, functions.get("stream").getFunctionName(), "Function reading the CDR stream");
        output(OutputNames.OBJECT_FUNCTION, functions.get("object").getFunctionName(), "Function loading CDR files");
        output(OutputNames.REDRIVE_FUNCTION, functions.get("redrive").getFunctionName(),
                "Function to inspect or redrive the object DLQ: payload {\"action\":\"inspect\"|\"redrive\",\"max\":N}");
        output(OutputNames.STREAM_REPLAY_FUNCTION, functions.get("stream-replay").getFunctionName(),
                "Replays the stream-failures queue's batches from the stream: invoke with {\"action\":\"inspect\"|\"replay\"}");
        output(OutputNames.OBJECT_QUEUE_URL, objectQueue.getQueueUrl(), "Object-created events wait here for the object function");
        output(OutputNames.OBJECT_DLQ_URL, objectDlq.getQueueUrl(), "Object events that failed " + MAX_RECEIVE_COUNT + " times");
        output(OutputNames.STREAM_FAILURES_QUEUE_URL, streamFailures.getQueueUrl(), "Kinesis batches that ran out of retries");
        output(OutputNames.ALERTS_TOPIC_ARN, alerts.getTopicArn(), "SNS topic of alarms, budget alerts and workflow outcomes");
        output(OutputNames.INGEST_WORKFLOW_ARN, workflow.stateMachine().getStateMachineArn(),
                "Express workflow: start-sync-execution --input {\"bucket\":..,\"key\":..}");
    }

    /**
     * The CDK names an event source mapping after its source's construct path, which differs between a manual deploy
     * and a pipeline stage ({@code SluicePipeline/Dev/...}). A mapping whose logical ID changes is replaced, and
     * CloudFormation creates the new one first, which Lambda refuses while a mapping of the same source and function
     * exists (ResourceConflictException): the deployment would fail. One fixed ID per mapping avoids that.
     */
    private static void stableMappingId(Alias fn, String logicalId) {
        List<software.amazon.awscdk.services.lambda.CfnEventSourceMapping> mappings = fn.getNode().findAll().stream()
                .filter(c -> c instanceof software.amazon.awscdk.services.lambda.CfnEventSourceMapping)
                .map(c -> (software.amazon.awscdk.services.lambda.CfnEventSourceMapping) c).toList();
        if (mappings.size() != 1) {
            throw new IllegalStateException(fn.getNode().getPath() + " has " + mappings.size() + " event source mappings, expected 1");
        }
        mappings.get(0).overrideLogicalId(logicalId);
    }

    /**
     * A deploy-time parameter (INF-7): with a default, a safe value for dev, staging and pull requests; without one
     * (prod), {@code cdk deploy} stops before the stack changes unless it is given, e.g.
     * {@code --parameters SluiceCompute-prod:AlertEmail=ops@example.com}. The context value
     * {@code <suffix>.<name>} (e.g. {@code -c prod.AlertEmail=ops@example.com}) becomes the default instead: that is
     * how the delivery pipeline, whose deploy actions pass no parameters, gives them. A context value that breaks the
     * parameter's pattern fails synth here rather than the deployment.
     */
    private CfnParameter parameter(String name, String dflt, String pattern, String constraint, String description) {
        String contextKey = parameterContextKey(suffix, name);
        Object given = getNode().tryGetContext(contextKey);
        if (given != null) {
            dflt = given.toString();
            if (!java.util.regex.Pattern.compile(pattern).matcher(dflt).matches()) {
                throw new IllegalArgumentException("-c " + contextKey + "=" + dflt + " must be " + constraint + " (INF-7)");
            }
        }
        CfnParameter.Builder b = CfnParameter.Builder.create(this, name).type("String").allowedPattern(pattern)
                .constraintDescription("must be " + constraint).description(description);
        if (dflt != null) {
            b.defaultValue(dflt);
        }
        return b.build();
    }

    /** The deploy-time parameters, by name; each may be given as context {@link #parameterContextKey}. */
    static final List<String> PARAMETERS = List.of("AlertEmail", "SourceZone", "DefaultCountry");

    /** The context key whose value becomes parameter {@code name}'s default in environment {@code suffix}. */
    static String parameterContextKey(String suffix, String name) {
        return suffix + "." + name;
    }

    /**
     * MON-3 for one function: error rate (metric math, errors / invocations x 100) over consecutive periods, p99
     * duration over consecutive periods, throttles in one period; alarm and OK actions to the alerts topic.
     */
    private void functionAlarms(SluiceEnvironment env, String name, Duration p99) {
        Function fn = functions.get(name);
        SluiceEnvironment.Alarms a = env.alarms();
        Duration period = Duration.minutes(5);
        MathExpression errorRate = MathExpression.Builder.create().expression("IF(invocations > 0, 100 * errors / invocations, 0)")
                .usingMetrics(Sorted.keys(Map.of("errors", fn.metricErrors(MetricOptions.builder().period(period).statistic("Sum").build()),
                        "invocations", fn.metricInvocations(MetricOptions.builder().period(period).statistic("Sum").build()))))
                .period(period).label(env.name(name) + " error rate %").build();
        List<Alarm> alarms = List.of(
                Alarm.Builder.create(this, DataStack.camel(name) + "ErrorRate").alarmName(env.name(name + "-error-rate"))
                        .alarmDescription("More than " + a.errorRatePercent() + " % of " + env.name(name) + "'s invocations failed in "
                                + a.errorPeriods() + " consecutive 5-minute periods (MON-3): see its log group and the errors table")
                        .metric(errorRate).threshold(a.errorRatePercent()).evaluationPeriods(a.errorPeriods())
                        .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD).treatMissingData(TreatMissingData.NOT_BREACHING).build(),
                Alarm.Builder.create(this, DataStack.camel(name) + "DurationP99").alarmName(env.name(name + "-duration-p99"))
                        .alarmDescription("p99 duration of " + env.name(name) + " above " + p99.toMilliseconds() + " ms in "
                                + a.errorPeriods() + " consecutive 5-minute periods (MON-3)")
                        .metric(fn.metricDuration(MetricOptions.builder().period(period).statistic("p99").build()))
                        .threshold(p99.toMilliseconds()).evaluationPeriods(a.errorPeriods())
                        .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD).treatMissingData(TreatMissingData.NOT_BREACHING).build(),
                Alarm.Builder.create(this, DataStack.camel(name) + "Throttles").alarmName(env.name(name + "-throttles"))
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
    private void dashboard(SluiceEnvironment env) {
        Duration hour = Duration.hours(1);
        Dashboard d = Dashboard.Builder.create(this, "Dashboard").dashboardName(env.name("functions"))
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
                TextWidget.Builder.create().markdown("# Sluice " + env.suffix() + ": the last 24 hours\nAlarms and budget alerts go to "
                        + "the topic " + env.name("alerts") + "; see docs/deploy.md.").width(24).height(2).build());
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
    }

    private CfnBudget.NotificationWithSubscribersProperty budgetAlert(String type, int percent) {
        return CfnBudget.NotificationWithSubscribersProperty.builder()
                .notification(CfnBudget.NotificationProperty.builder().notificationType(type).comparisonOperator("GREATER_THAN")
                        .threshold(percent).thresholdType("PERCENTAGE").build())
                .subscribers(List.of(CfnBudget.SubscriberProperty.builder().subscriptionType("SNS").address(alerts.getTopicArn()).build()))
                .build();
    }

    /**
     * What the pipeline's adapters call (Wiring.fromEnvironment), table by table: profiles read in batches; the
     * usage ledger's claims and counters in transactions with consistent reads of claims; dead letters in batch
     * writes; the error log put-only (MON-5); the archive through Firehose. The object function also reads objects
     * and keeps manifests.
     */
    private static List<PolicyStatement> pipelineGrants(DataStack data, AnalyticsStack analytics, boolean objects) {
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
    private Alias function(SluiceEnvironment env, Code code, String name, String handler, String description, int memoryMb,
                           int timeoutSeconds, Integer reservedConcurrency, Map<String, String> environment,
                           List<PolicyStatement> grants) {
        String id = DataStack.camel(name);
        String functionName = env.name(name);
        LogGroup logs = LogGroup.Builder.create(this, id + "Logs").logGroupName("/aws/lambda/" + functionName)
                .retention(env.logRetention()).encryptionKey(key).removalPolicy(env.removalPolicy()).build();
        List<PolicyStatement> statements = new ArrayList<>(grants);
        statements.add(statement("OwnLogGroup", List.of("logs:CreateLogStream", "logs:PutLogEvents"), logs.getLogGroupArn()));
        statements.add(PolicyStatement.Builder.create().sid("XRayTraces").actions(List.of("xray:PutTraceSegments",
                "xray:PutTelemetryRecords")).resources(List.of("*")).build());
        Role role = Role.Builder.create(this, id + "Role")
                .assumedBy(new ServicePrincipal("lambda.amazonaws.com")).description("Sluice " + name + " function")
                .inlinePolicies(Map.of("sluice-" + name, PolicyDocument.Builder.create().statements(statements).build())).build();
        Function.Builder b = Function.Builder.create(this, id + "Function").functionName(functionName).description(description)
                .runtime(Runtime.JAVA_25).architecture(Architecture.ARM_64).code(code).handler(handler)
                .memorySize(memoryMb).timeout(Duration.seconds(timeoutSeconds)).tracing(Tracing.ACTIVE)
                .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS).logGroup(logs).role(role).environment(environment);
        if (reservedConcurrency != null) {
            b.reservedConcurrentExecutions(reservedConcurrency);
        }
        Function fn = b.build();
        fn.getNode().addDependency(role);
        Alias alias = Alias.Builder.create(this, id + "Live").aliasName("live").version(fn.getCurrentVersion()).build();
        functions.put(name, fn);
        software.amazon.awscdk.Annotations.of(fn).acknowledgeWarning("@aws-cdk/aws-lambda:snapStartRequirePublish",
                "Published: the alias live points at the function's current version, and every trigger uses the alias.");
        AnalyticsStack.suppress(fn, "Serverless-LambdaDLQ", "Nothing invokes this function asynchronously: the event source "
                + "mappings invoke it synchronously and keep failures in their own destinations (the stream's on-failure queue, "
                + "the object queue's dead-letter queue); the redrive and stream-replay functions are invoked by hand.");
        AnalyticsStack.suppress(role, "Serverless-LambdaStarPermissions", "The only * is X-Ray's, which has no resource-level "
                + "permissions; every other statement names its table, stream, queue, key or log group.");
        AnalyticsStack.suppress(role, "AwsSolutions-IAM5", "X-Ray's PutTraceSegments and PutTelemetryRecords take no resource "
                + "(AWS requires *); log streams are <log group ARN>:*; objects of the object bucket are <bucket ARN>/*; "
                + "Lambda's event source grants name the stream or queue itself.");
        return alias;
    }

    private void output(String name, String value, String description) {
        CfnOutput.Builder.create(this, name).value(value).description(description).build();
    }
}
