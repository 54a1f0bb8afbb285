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
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.interfaces.events.IRuleRef;
import software.amazon.awscdk.services.events.CfnRule;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.IRuleTarget;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.RuleTargetConfig;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kinesis.Stream;
import software.amazon.awscdk.services.kinesis.StreamEncryption;
import software.amazon.awscdk.services.kinesis.StreamMode;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.StartingPosition;
import software.amazon.awscdk.services.lambda.eventsources.KinesisEventSource;
import software.amazon.awscdk.services.lambda.eventsources.SqsDlq;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSource;
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
    static final String SIMULATOR_HANDLER = "io.sluice.aws.handlers.SimulatorHandler::handleRequest";
    /** {@code -c simulator=true}: the simulator function (MON-6), refused in prod. */
    static final String SIMULATOR_CONTEXT = "simulator";
    /** Receives of an object message before it moves to the dead-letter queue (OBJ-3). */
    static final int MAX_RECEIVE_COUNT = 5;

    private final String suffix;
    private final Key key;
    private final Topic alerts;

    public ComputeStack(Construct scope, String id, StackProps props, SluiceEnvironment env, DataStack data, AnalyticsStack analytics,
                        FunctionCode jar) {
        super(scope, id, props);
        boolean withSimulator = simulator(this, env); // refused in prod before anything is made
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
        // FreeSWITCH's mod_cdr_csv template, when the sources write one of their own (issue 16; empty: the stock ones).
        CfnParameter freeSwitchTemplate = parameter("FreeSwitchTemplate", "", "^[A-Za-z0-9_,${}\" ]*$",
                "the template as in cdr_csv.conf.xml or channel variable names separated by commas, or empty",
                "Columns of FreeSWITCH's mod_cdr_csv template when not a stock one (empty: default or example)");
        emailSubscription(this, "HasAlertEmail", alertEmail, alerts, "(alarm states, budget alerts, workflow outcomes) stays visible "
                + "in CloudWatch, Budgets and the workflow's log.");

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

        SluiceFunctions functions = new SluiceFunctions(this, env, jar.code(), key);
        Map<String, String> common = new LinkedHashMap<>();
        common.put(FunctionEnvironment.PROFILES_TABLE, data.table(TableKeys.PROFILES).getTableName());
        common.put(FunctionEnvironment.USAGE_TABLE, data.table(TableKeys.USAGE).getTableName());
        common.put(FunctionEnvironment.MANIFESTS_TABLE, data.table(TableKeys.MANIFESTS).getTableName());
        common.put(FunctionEnvironment.DEAD_LETTERS_TABLE, data.table(TableKeys.DEAD_LETTERS).getTableName());
        common.put(FunctionEnvironment.ERRORS_TABLE, data.table(TableKeys.ERRORS).getTableName());
        common.put(FunctionEnvironment.FRAUD_TABLE, data.table(TableKeys.FRAUD).getTableName());
        common.put(FunctionEnvironment.ALERTS_TOPIC, alerts.getTopicArn());
        common.put(FunctionEnvironment.ARCHIVE_STREAM, analytics.deliveryStreamName());
        common.put(FunctionEnvironment.SOURCE_ZONE, sourceZone.getValueAsString());
        common.put(FunctionEnvironment.DEFAULT_COUNTRY, defaultCountry.getValueAsString());
        common.put(FunctionEnvironment.FREESWITCH_TEMPLATE, freeSwitchTemplate.getValueAsString());

        Alias streamFn = functions.add(new SluiceFunctions.FunctionSpec("stream", STREAM_HANDLER, "Kinesis CDR batches: validate, enrich, count, archive",
                env.streamMemoryMb(), env.streamTimeoutSeconds(), env.streamReservedConcurrency(), common,
                fraudGrants(SluiceFunctions.pipelineGrants(data, analytics, false), data)));
        streamFn.addEventSource(KinesisEventSource.Builder.create(stream)
                .startingPosition(StartingPosition.TRIM_HORIZON)
                .batchSize(500).maxBatchingWindow(Duration.seconds(1))
                .bisectBatchOnError(true).reportBatchItemFailures(true)
                .retryAttempts(10).maxRecordAge(Duration.hours(6))
                .parallelizationFactor(env.parallelizationFactor())
                .onFailure(new SqsDlq(streamFailures)).build());
        SluiceFunctions.stableMappingId(streamFn, "StreamKinesisMapping");

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

        List<PolicyStatement> objectGrants = fraudGrants(SluiceFunctions.pipelineGrants(data, analytics, true), data);
        Alias objectFn = functions.add(new SluiceFunctions.FunctionSpec("object", OBJECT_HANDLER, "CDR files from the object bucket, one object at a time",
                env.objectMemoryMb(), env.objectTimeoutSeconds(), env.objectReservedConcurrency(), common, objectGrants));
        // One object per invocation: a large file has the whole timeout; a failure retries that object only.
        SqsEventSource.Builder objectSource = SqsEventSource.Builder.create(objectQueue).batchSize(1).reportBatchItemFailures(true);
        if (env.objectReservedConcurrency() != null) {
            // Without this cap Lambda's pollers outrun the reservation; each throttled message counts a receive
            // and, after maxReceiveCount, a good file would land in the dead-letter queue.
            objectSource.maxConcurrency(env.objectReservedConcurrency());
        }
        objectFn.addEventSource(objectSource.build());
        SluiceFunctions.stableMappingId(objectFn, "ObjectQueueMapping");
        AnalyticsStack.suppress(objectFn, "Serverless-LambdaEventSourceMappingDestination", "SQS event source mappings take no "
                + "on-failure destination (only stream sources do); a message that fails " + MAX_RECEIVE_COUNT + " times moves to "
                + "the object queue's dead-letter queue (OBJ-3).");

        Map<String, String> redriveEnv = Sorted.keys(Map.of(FunctionEnvironment.OBJECT_DLQ_URL, objectDlq.getQueueUrl(),
                FunctionEnvironment.OBJECT_QUEUE_URL, objectQueue.getQueueUrl()));
        functions.add(new SluiceFunctions.FunctionSpec("redrive", REDRIVE_HANDLER, "Inspects the object DLQ or sends its messages back (invoke by hand)",
                512, 300, null, redriveEnv, List.of(
                        SluiceFunctions.statement("DrainDlq", List.of("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility",
                                "sqs:GetQueueAttributes"), objectDlq.getQueueArn()),
                        SluiceFunctions.statement("RequeueObjects", List.of("sqs:SendMessage", "sqs:GetQueueAttributes"), objectQueue.getQueueArn()),
                        SluiceFunctions.statement("QueueKey", List.of("kms:Decrypt", "kms:GenerateDataKey"), key.getKeyArn()))));

        // Kinesis batches that ran out of retries: the failures queue names their ranges; this function reads them back
        // from the stream and commits them through the stream function's pipeline (CDR-12). Invoked by hand.
        Map<String, String> replayEnv = new LinkedHashMap<>(common);
        replayEnv.put(FunctionEnvironment.STREAM_FAILURES_QUEUE_URL, streamFailures.getQueueUrl());
        List<PolicyStatement> replayGrants = fraudGrants(SluiceFunctions.pipelineGrants(data, analytics, false), data);
        replayGrants.add(SluiceFunctions.statement("TakeFailedBatches", List.of("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility",
                "sqs:GetQueueAttributes"), streamFailures.getQueueArn()));
        replayGrants.add(SluiceFunctions.statement("ReadTheStreamAgain", List.of("kinesis:GetShardIterator", "kinesis:GetRecords"), stream.getStreamArn()));
        replayGrants.add(PolicyStatement.Builder.create().sid("StreamAndQueueKey").effect(Effect.ALLOW).actions(List.of("kms:Decrypt"))
                .resources(List.of(key.getKeyArn())).conditions(Map.of("StringEquals", Map.of("kms:ViaService",
                        List.of("kinesis." + Aws.REGION + ".amazonaws.com", "sqs." + Aws.REGION + ".amazonaws.com")))).build());
        functions.add(new SluiceFunctions.FunctionSpec("stream-replay", REPLAY_HANDLER, "Replays Kinesis batches that ran out of retries (invoke by hand)",
                env.streamMemoryMb(), 900, null, replayEnv, replayGrants));

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
        functions.alarms("stream", Duration.millis(env.alarms().streamP99Millis()), alerts, true);
        functions.alarms("object", Duration.millis(env.objectTimeoutSeconds() * 10L * env.alarms().objectP99Percent()), alerts, true);
        if (withSimulator) {
            simulator(functions, env, data, alerts);
        }
        functions.dashboard();

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
        output(OutputNames.STREAM_FUNCTION, functions.all().get("stream").getFunctionName(), "Function reading the CDR stream");
        output(OutputNames.OBJECT_FUNCTION, functions.all().get("object").getFunctionName(), "Function loading CDR files");
        output(OutputNames.REDRIVE_FUNCTION, functions.all().get("redrive").getFunctionName(),
                "Function to inspect or redrive the object DLQ: payload {\"action\":\"inspect\"|\"redrive\",\"max\":N}");
        output(OutputNames.STREAM_REPLAY_FUNCTION, functions.all().get("stream-replay").getFunctionName(),
                "Replays the stream-failures queue's batches from the stream: invoke with {\"action\":\"inspect\"|\"replay\"}");
        output(OutputNames.OBJECT_QUEUE_URL, objectQueue.getQueueUrl(), "Object-created events wait here for the object function");
        output(OutputNames.OBJECT_DLQ_URL, objectDlq.getQueueUrl(), "Object events that failed " + MAX_RECEIVE_COUNT + " times");
        output(OutputNames.STREAM_FAILURES_QUEUE_URL, streamFailures.getQueueUrl(), "Kinesis batches that ran out of retries");
        output(OutputNames.ALERTS_TOPIC_ARN, alerts.getTopicArn(), "SNS topic of alarms, budget alerts and workflow outcomes");
        output(OutputNames.INGEST_WORKFLOW_ARN, workflow.stateMachine().getStateMachineArn(),
                "Express workflow: start-sync-execution --input {\"bucket\":..,\"key\":..}");
    }


    /**
     * A deploy-time parameter (INF-7): with a default, a safe value for dev, staging and pull requests; without one
     * (prod), {@code cdk deploy} stops before the stack changes unless it is given, e.g.
     * {@code --parameters SluiceCompute-prod:AlertEmail=ops@example.com}. The context value
     * {@code <suffix>.<name>} (e.g. {@code -c prod.AlertEmail=ops@example.com}) becomes the default instead: that is
     * how the delivery pipeline, whose deploy actions pass no parameters, gives them. A context value that breaks the
     * parameter's pattern fails synth here rather than the deployment.
     */
    /** Whether {@code -c simulator=true} asks for the simulator; in prod it is refused, before anything is made. */
    static boolean simulator(Construct scope, SluiceEnvironment env) {
        boolean wanted = "true".equals(String.valueOf(scope.getNode().tryGetContext(SIMULATOR_CONTEXT)));
        if (wanted && env.suffix().equals("prod")) {
            throw new IllegalArgumentException("-c " + SIMULATOR_CONTEXT + "=true is refused in prod: the simulator fails 7 % of its "
                    + "invocations on purpose and fires alarms to the alerts topic; deploy it to dev, staging or a pr<number> environment");
        }
        return wanted;
    }

    /**
     * MON-6: the simulator function. A schedule invokes it every minute; it invokes itself asynchronously (retries off: an
     * error is counted once) {@value #SIMULATED_PER_MINUTE} times, and each of those lasts a log-normal time and fails with
     * probability 0.07 (SimulatorHandler), so that its standing alarms, like every function's, fire, notify the alerts topic
     * and clear when the rate is set to 0 (SLUICE_SIMULATOR_ERROR_RATE). It may write the error table, nothing else.
     */
    private void simulator(SluiceFunctions functions, SluiceEnvironment env, DataStack data, Topic alerts) {
        String name = "simulator";
        Map<String, String> simEnv = Sorted.keys(Map.of(FunctionEnvironment.ERRORS_TABLE, data.table(TableKeys.ERRORS).getTableName(),
                FunctionEnvironment.SIMULATOR_INVOCATIONS, Integer.toString(SIMULATED_PER_MINUTE),
                FunctionEnvironment.SIMULATOR_ERROR_RATE, "0.07", FunctionEnvironment.SIMULATOR_LATENCY_MS, "20,120"));
        String self = "arn:" + Aws.PARTITION + ":lambda:" + Aws.REGION + ":" + Aws.ACCOUNT_ID + ":function:" + env.name(name);
        PolicyStatement invokeItself = PolicyStatement.Builder.create().sid("InvokeItself").effect(Effect.ALLOW)
                .actions(List.of("lambda:InvokeFunction")).resources(List.of(self, self + ":live")).build();
        Alias fn = functions.add(new SluiceFunctions.FunctionSpec(name, SIMULATOR_HANDLER,
                        "Synthetic invocations failing 7 % of the time, to exercise the alarms (MON-6; never in prod)", 256, 60,
                        SIMULATED_CONCURRENCY, simEnv, List.of(
                        SluiceFunctions.statement("WriteErrorLogOnly", List.of("dynamodb:PutItem"), data.table(TableKeys.ERRORS).getTableArn()),
                        invokeItself)),
                "Its asynchronous invocations are synthetic and fail on purpose (MON-6): retries are off and no failed event is "
                        + "worth keeping, so there is no dead-letter queue.");
        fn.configureAsyncInvoke(software.amazon.awscdk.services.lambda.EventInvokeConfigOptions.builder().retryAttempts(0)
                .maxEventAge(Duration.minutes(5)).build());
        String why = "The simulator's invocations are synthetic and fail on purpose (MON-6): a failed one is counted by Lambda and "
                + "recorded in the error table, and is worth neither a retry nor a kept event.";
        AnalyticsStack.suppress(functions.all().get(name), "Serverless-LambdaAsyncFailureDestination", why);
        AnalyticsStack.suppress(fn, "Serverless-LambdaAsyncFailureDestination", why); // its EventInvokeConfig
        Rule schedule = Rule.Builder.create(this, "SimulatorSchedule").ruleName(env.name(name)).description("Starts the simulator's minute of synthetic "
                        + "invocations (MON-6)").schedule(software.amazon.awscdk.services.events.Schedule.rate(Duration.minutes(1)))
                .targets(List.of(software.amazon.awscdk.services.events.targets.LambdaFunction.Builder.create(fn).retryAttempts(0).build()))
                .build();
        AnalyticsStack.suppress(schedule, "Serverless-EventBusDLQ", "A missed minute of the simulator's schedule is just a minute "
                + "without synthetic invocations (MON-6): nothing to keep.");
        functions.alarms(name, Duration.millis(500), alerts);
    }

    /** The simulator's synthetic invocations per minute, and the concurrency they may use. */
    static final int SIMULATED_PER_MINUTE = 100;
    static final int SIMULATED_CONCURRENCY = 10;

    /**
     * CDR-10: what the fraud rules add to a pipeline function's grants: their state in the fraud table (calls and daily
     * usage written as idempotent batches, alerts read back through the pending index and their delivery flags updated)
     * and the alerts topic, encrypted with this stack's key, that owed alerts are published to.
     */
    private List<PolicyStatement> fraudGrants(List<PolicyStatement> pipeline, DataStack data) {
        List<PolicyStatement> s = new ArrayList<>(pipeline);
        String table = data.table(TableKeys.FRAUD).getTableArn();
        s.add(PolicyStatement.Builder.create().sid("FraudRulesState").effect(Effect.ALLOW)
                .actions(List.of("dynamodb:Query", "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:UpdateItem",
                        "dynamodb:DeleteItem"))
                .resources(List.of(table, table + "/index/" + TableKeys.FRAUD_PENDING_INDEX)).build());
        s.add(SluiceFunctions.statement("PublishFraudAlerts", List.of("sns:Publish"), alerts.getTopicArn()));
        s.add(PolicyStatement.Builder.create().sid("AlertsTopicKey").effect(Effect.ALLOW)
                .actions(List.of("kms:Decrypt", "kms:GenerateDataKey"))
                .resources(List.of(key.getKeyArn()))
                .conditions(Map.of("StringEquals", Map.of("kms:ViaService", "sns." + Aws.REGION + ".amazonaws.com"))).build());
        return s;
    }

    private CfnParameter parameter(String name, String dflt, String pattern, String constraint, String description) {
        return parameter(this, suffix, name, dflt, pattern, constraint, description);
    }

    /**
     * A deploy-time parameter of {@code scope}: its default {@code dflt} (null: none, so a deployment without a value
     * stops before anything changes), or the value of context {@link #parameterContextKey}, checked against {@code pattern}.
     */
    static CfnParameter parameter(Construct scope, String suffix, String name, String dflt, String pattern, String constraint,
                                  String description) {
        String contextKey = parameterContextKey(suffix, name);
        Object given = scope.getNode().tryGetContext(contextKey);
        if (given != null) {
            dflt = given.toString();
            if (!java.util.regex.Pattern.compile(pattern).matcher(dflt).matches()) {
                throw new IllegalArgumentException("-c " + contextKey + "=" + dflt + " must be " + constraint + " (INF-7)");
            }
        }
        CfnParameter.Builder b = CfnParameter.Builder.create(scope, name).type("String").allowedPattern(pattern)
                .constraintDescription("must be " + constraint).description(description);
        if (dflt != null) {
            b.defaultValue(dflt);
        }
        return b.build();
    }

    /**
     * The e-mail subscription of {@code topic} to the address in {@code email}, made only when the address is not empty
     * (condition {@code conditionId}); {@code visible} says where what the topic tells stays visible (the cdk-nag reason).
     */
    static void emailSubscription(Stack scope, String conditionId, CfnParameter email, Topic topic, String visible) {
        CfnCondition hasEmail = CfnCondition.Builder.create(scope, conditionId)
                .expression(Fn.conditionNot(Fn.conditionEquals(email.getValueAsString(), ""))).build();
        CfnSubscription subscription = CfnSubscription.Builder.create(scope, "AlertEmailSubscription").protocol("email")
                .endpoint(email.getValueAsString()).topicArn(topic.getTopicArn()).build();
        subscription.getCfnOptions().setCondition(hasEmail);
        AnalyticsStack.suppress(subscription, "Serverless-SNSRedrivePolicy", "An e-mail subscription for people: SNS retries "
                + "delivery itself, and what it tells " + visible);
    }

    /** The deploy-time parameters prod has no default for, by name; each may be given as context {@link #parameterContextKey}. */
    static final List<String> PARAMETERS = List.of("AlertEmail", "SourceZone", "DefaultCountry");
    /** The deploy-time parameters with a default everywhere; each may be given as context too. */
    static final List<String> OPTIONAL_PARAMETERS = List.of("FreeSwitchTemplate", TelemetryStack.ALERT_EMAIL_PARAMETER);

    /** The context key whose value becomes parameter {@code name}'s default in environment {@code suffix}. */
    static String parameterContextKey(String suffix, String name) {
        return suffix + "." + name;
    }



    private CfnBudget.NotificationWithSubscribersProperty budgetAlert(String type, int percent) {
        return CfnBudget.NotificationWithSubscribersProperty.builder()
                .notification(CfnBudget.NotificationProperty.builder().notificationType(type).comparisonOperator("GREATER_THAN")
                        .threshold(percent).thresholdType("PERCENTAGE").build())
                .subscribers(List.of(CfnBudget.SubscriberProperty.builder().subscriptionType("SNS").address(alerts.getTopicArn()).build()))
                .build();
    }




    private void output(String name, String value, String description) {
        CfnOutput.Builder.create(this, name).value(value).description(description).build();
    }
}
