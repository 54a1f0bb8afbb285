package io.sluice.infra;

import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.stepfunctions.Choice;
import software.amazon.awscdk.services.stepfunctions.Condition;
import software.amazon.awscdk.services.stepfunctions.DefinitionBody;
import software.amazon.awscdk.services.stepfunctions.Fail;
import software.amazon.awscdk.services.stepfunctions.JitterType;
import software.amazon.awscdk.services.stepfunctions.JsonPath;
import software.amazon.awscdk.services.stepfunctions.LogLevel;
import software.amazon.awscdk.services.stepfunctions.LogOptions;
import software.amazon.awscdk.services.stepfunctions.Pass;
import software.amazon.awscdk.services.stepfunctions.Result;
import software.amazon.awscdk.services.stepfunctions.RetryProps;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.amazon.awscdk.services.stepfunctions.StateMachineType;
import software.amazon.awscdk.services.stepfunctions.Succeed;
import software.amazon.awscdk.services.stepfunctions.TaskInput;
import software.amazon.awscdk.services.stepfunctions.Timeout;
import software.amazon.awscdk.services.stepfunctions.CatchProps;
import software.amazon.awscdk.services.stepfunctions.tasks.CallAwsService;
import software.amazon.awscdk.services.stepfunctions.tasks.DynamoAttributeValue;
import software.amazon.awscdk.services.stepfunctions.tasks.DynamoGetItem;
import software.amazon.awscdk.services.stepfunctions.tasks.LambdaInvoke;
import software.amazon.awscdk.services.stepfunctions.tasks.SnsPublish;
import software.constructs.Construct;

/**
 * The file-ingestion workflow (ANA-3), a Step Functions Express state machine: validate (the object exists, its
 * extension is a CDR file's and its size within the limit) -> load (the object function, given the EventBridge
 * "Object Created" event it takes anyway) -> manifest (read the manifest item the load wrote, consistently) ->
 * notify (the alerts topic). Retry with backoff and jitter on throttling and transient errors; every failure
 * (a Catch, a rejected object, a load that did not finish) is published to the topic before the execution
 * fails with its own error name. Loading is idempotent (the manifest claim), so a retry
 * or an object that the queue path loaded already costs nothing twice.
 *
 * <p>Start it with {@code aws stepfunctions start-sync-execution --state-machine-arn ARN --input
 * '{"bucket":"...","key":"..."}'}. Express executions last at most five minutes and have {@code :express:}
 * ARNs, which DescribeExecution does not take; a file that loads longer belongs to the queue path.
 */
final class IngestWorkflow extends Construct {
    private final StateMachine stateMachine;

    IngestWorkflow(Construct scope, String id, SluiceEnvironment env, DataStack data, IFunction objectFunction, Topic alerts, Key key,
                   Set<String> extensions, long maxObjectBytes) {
        super(scope, id);
        String name = env.name("ingest-file");
        Fail failed = Fail.Builder.create(this, "IngestFailed").errorPath(JsonPath.stringAt("$.error.Error"))
                .causePath(JsonPath.stringAt("$.error.Cause")).build();
        SnsPublish notifyFailure = SnsPublish.Builder.create(this, "NotifyFailure").topic(alerts)
                .subject("Sluice file ingestion failed (" + env.suffix() + ")")
                .message(TaskInput.fromObject(Sorted.keys(Map.of("workflow", name, "bucket", JsonPath.stringAt("$.bucket"),
                        "key", JsonPath.stringAt("$.key"), "error", JsonPath.stringAt("$.error.Error"),
                        "cause", JsonPath.stringAt("$.error.Cause")))))
                .resultPath(JsonPath.DISCARD).build();
        notifyFailure.next(failed);
        CatchProps toFailure = CatchProps.builder().errors(List.of("States.ALL")).resultPath("$.error").build();

        // validate: S3 answers HeadObject, then the same extension and size rules as the object function
        CallAwsService head = CallAwsService.Builder.create(this, "Validate").service("s3").action("headObject")
                .parameters(Sorted.keys(Map.of("Bucket", JsonPath.stringAt("$.bucket"), "Key", JsonPath.stringAt("$.key"))))
                .iamAction("s3:GetObject").iamResources(List.of(data.objects().arnForObjects("*")))
                .resultSelector(Sorted.keys(Map.of("size", JsonPath.numberAt("$.ContentLength"), "etag", JsonPath.stringAt("$.ETag"),
                        "versionId", JsonPath.stringAt("$.VersionId"))))
                .resultPath("$.head").build();
        head.addRetry(RetryProps.builder().errors(List.of("S3.SdkClientException", "S3.S3Exception", "States.Timeout"))
                .interval(Duration.seconds(1)).maxAttempts(3).backoffRate(2).jitterStrategy(JitterType.FULL).build());
        head.addCatch(notifyFailure, toFailure);
        // Every way to fail goes through NotifyFailure, with $.error as a Catch would have set it.
        Pass rejected = Pass.Builder.create(this, "Rejected").resultPath("$.error").result(Result.fromObject(Sorted.keys(Map.of(
                "Error", "Sluice.ObjectRejected",
                "Cause", "Not a CDR file: the extension is not one of " + String.join(", ", extensions.stream().sorted().toList())
                        + ", or the object is larger than " + maxObjectBytes + " bytes")))).build();
        rejected.next(notifyFailure);
        List<Condition> allowed = extensions.stream().sorted().map(e -> Condition.stringMatches("$.key", "*." + e)).toList();

        // load: the object function, with the EventBridge event shape it decodes (docs/events)
        LambdaInvoke load = LambdaInvoke.Builder.create(this, "Load").lambdaFunction(objectFunction)
                .payload(TaskInput.fromObject(Sorted.keys(Map.of("version", "0", "id", JsonPath.stringAt("$$.Execution.Name"),
                        "detail-type", "Object Created", "source", "aws.s3", "account", Aws.ACCOUNT_ID,
                        "time", JsonPath.stringAt("$$.Execution.StartTime"), "region", Aws.REGION, "resources", List.of(),
                        "detail", Map.of("version", "0", "bucket", Map.of("name", JsonPath.stringAt("$.bucket")),
                                "object", Map.of("key", JsonPath.stringAt("$.key"), "size", JsonPath.numberAt("$.head.size"),
                                        "etag", JsonPath.stringAt("$.head.etag"), "version-id", JsonPath.stringAt("$.head.versionId")),
                                "reason", "StepFunctions")))))
                .retryOnServiceExceptions(false).resultPath(JsonPath.DISCARD)
                .taskTimeout(Timeout.duration(Duration.seconds(270))).build();
        load.addRetry(RetryProps.builder().errors(List.of("Lambda.TooManyRequestsException", "Lambda.ServiceException",
                        "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.ClientExecutionTimeoutException"))
                .interval(Duration.seconds(2)).maxAttempts(5).backoffRate(2).maxDelay(Duration.seconds(30))
                .jitterStrategy(JitterType.FULL).build());
        // The function failed (a store or S3 down): once more after a pause; the manifest claim makes it safe.
        load.addRetry(RetryProps.builder().errors(List.of("States.TaskFailed")).interval(Duration.seconds(10)).maxAttempts(1).build());
        load.addCatch(notifyFailure, toFailure);

        // manifest: what the load recorded, read consistently
        DynamoGetItem manifest = DynamoGetItem.Builder.create(this, "Manifest").table(data.table("manifests"))
                .key(Map.of("object", DynamoAttributeValue.fromString(JsonPath.format("{}/{}@v:{}", JsonPath.stringAt("$.bucket"),
                        JsonPath.stringAt("$.key"), JsonPath.stringAt("$.head.versionId")))))
                .consistentRead(true).resultPath("$.manifest").build();
        manifest.addRetry(RetryProps.builder().errors(List.of("DynamoDB.ProvisionedThroughputExceededException",
                        "DynamoDB.RequestLimitExceededException", "DynamoDB.InternalServerErrorException", "DynamoDB.ThrottlingException"))
                .interval(Duration.seconds(1)).maxAttempts(4).backoffRate(2).jitterStrategy(JitterType.FULL).build());
        manifest.addCatch(notifyFailure, toFailure);

        // notify: the outcome, with the manifest's counts
        SnsPublish notify = SnsPublish.Builder.create(this, "Notify").topic(alerts)
                .subject("Sluice file ingested (" + env.suffix() + ")")
                .message(TaskInput.fromObject(Sorted.keys(Map.of("workflow", name, "bucket", JsonPath.stringAt("$.bucket"),
                        "key", JsonPath.stringAt("$.key"), "status", JsonPath.stringAt("$.manifest.Item.status.S"),
                        "records_in", JsonPath.stringAt("$.manifest.Item.records_in.N"),
                        "accepted", JsonPath.stringAt("$.manifest.Item.accepted.N"),
                        "rejected", JsonPath.stringAt("$.manifest.Item.rejected.N"),
                        "duplicates", JsonPath.stringAt("$.manifest.Item.duplicates.N")))))
                .resultPath(JsonPath.DISCARD).build();
        notify.addCatch(failed, toFailure);
        Pass notFinished = Pass.Builder.create(this, "NotFinished").resultPath("$.error").result(Result.fromObject(Sorted.keys(Map.of(
                "Error", "Sluice.LoadNotFinished",
                "Cause", "The object's manifest is not PROCESSED or REJECTED after the load (still PROCESSING, or FAILED): "
                        + "see the manifests table and the error log")))).build();
        notFinished.next(notifyFailure);

        Choice valid = Choice.Builder.create(this, "IsCdrFile").build();
        valid.when(Condition.and(Condition.or(allowed.toArray(Condition[]::new)),
                Condition.numberLessThanEquals("$.head.size", maxObjectBytes)), load).otherwise(rejected);
        Choice finished = Choice.Builder.create(this, "IsDone").build();
        finished.when(Condition.and(Condition.isPresent("$.manifest.Item.status.S"),
                        Condition.or(Condition.stringEquals("$.manifest.Item.status.S", "PROCESSED"),
                                Condition.stringEquals("$.manifest.Item.status.S", "REJECTED"))),
                notify.next(Succeed.Builder.create(this, "Done").build())).otherwise(notFinished);
        head.next(valid);
        load.next(manifest).next(finished);

        LogGroup logs = LogGroup.Builder.create(this, "Logs").logGroupName("/aws/vendedlogs/states/" + name)
                .retention(env.logRetention()).encryptionKey(key).removalPolicy(env.removalPolicy()).build();
        stateMachine = StateMachine.Builder.create(this, "StateMachine").stateMachineName(name)
                .stateMachineType(StateMachineType.EXPRESS).definitionBody(DefinitionBody.fromChainable(head))
                .timeout(Duration.minutes(5)).tracingEnabled(true)
                .logs(LogOptions.builder().destination(logs).level(LogLevel.ALL).includeExecutionData(true).build()).build();
        // The topic and the manifests table are encrypted: publishing and reading need their keys.
        stateMachine.addToRolePolicy(SluiceFunctions.statement("AlertsKey", List.of("kms:GenerateDataKey", "kms:Decrypt"), key.getKeyArn()));
        stateMachine.addToRolePolicy(SluiceFunctions.statement("ManifestsKey", List.of("kms:Decrypt"), data.key().getKeyArn()));
        AnalyticsStack.suppress(stateMachine, "AwsSolutions-IAM5", "CloudWatch Logs delivery and X-Ray actions take no resource "
                + "(AWS requires *); HeadObject names <object bucket ARN>/*; invoking the function names its versions <ARN>:*.");
    }

    StateMachine stateMachine() {
        return stateMachine;
    }
}
