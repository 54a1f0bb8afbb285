package io.sluice.infra;

import io.sluice.core.contracts.FunctionEnvironment;
import io.sluice.core.contracts.OutputNames;
import io.sluice.core.contracts.TableKeys;
import io.sluice.core.contracts.TelemetryColumns;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.CfnParameter;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.aws_apigatewayv2_integrations.HttpLambdaIntegration;
import software.amazon.awscdk.services.apigateway.AccessLogFormat;
import software.amazon.awscdk.services.apigatewayv2.AddRoutesOptions;
import software.amazon.awscdk.services.apigatewayv2.HttpApi;
import software.amazon.awscdk.services.apigatewayv2.HttpMethod;
import software.amazon.awscdk.services.apigatewayv2.HttpStage;
import software.amazon.awscdk.services.apigatewayv2.IAccessLogDestination;
import software.amazon.awscdk.services.apigatewayv2.IAccessLogSettings;
import software.amazon.awscdk.services.apigatewayv2.LogGroupLogDestination;
import software.amazon.awscdk.services.apigatewayv2.PayloadFormatVersion;
import software.amazon.awscdk.services.apigatewayv2.ThrottleSettings;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.glue.CfnTable;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kinesisfirehose.CfnDeliveryStream;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.secretsmanager.SecretStringGenerator;
import software.amazon.awscdk.services.sns.Topic;
import software.constructs.Construct;

/**
 * The AWS home of device telemetry (IOT-1..IOT-6, issue 18): an HTTP API (API Gateway, payload format 2.0) whose two
 * routes, {@value #INGEST_PATH} with the shared key in {@code x-api-key} and ThingsBoard's {@value #THINGSBOARD_PATH}
 * with a device token, invoke the telemetry function; the key in Secrets Manager; the readings in the data stack's
 * telemetry table (TTL {@value TableKeys#TELEMETRY_EXPIRES_ATTRIBUTE}); threshold alerts and the function's alarms on
 * an SNS topic; raw readings through a Firehose stream of their own into the archive bucket as Parquet under
 * {@code telemetry/dt=YYYY-MM-DD/}, against the Glue table {@value TelemetryColumns#TABLE} in the analytics stack's
 * database. Everything is encrypted with this stack's customer-managed key, except the table and bucket (the data key).
 */
public final class TelemetryStack extends Stack {
    /** The handler in {@code sluice-aws}'s jar. */
    static final String HANDLER = "io.sluice.aws.handlers.TelemetryHandler::handleRequest";
    static final String INGEST_PATH = "/v1/telemetry";
    /** ThingsBoard's HTTP device API; API Gateway hands the token to the function as path parameter {@code token}. */
    static final String THINGSBOARD_PATH = "/api/v1/{token}/telemetry";
    static final int MEMORY_MB = 1024;
    /** A request reads at most 1 MiB and makes a few DynamoDB, Firehose and SNS calls: far less than API Gateway's 30 s. */
    static final int TIMEOUT_SECONDS = 10;
    /**
     * MON-3's duration alarm for this function: above 1 s rather than 500 ms, because one request may carry up to 1,000
     * readings, each de-duplicated, stored, rolled up and checked against thresholds (several DynamoDB round trips and
     * a Firehose put), while devices wait for the answer.
     */
    static final Duration P99 = Duration.seconds(1);
    /** The default stage's limits, for all devices together: requests per second, and the burst above it. */
    static final int RATE_LIMIT = 100;
    static final int BURST_LIMIT = 200;
    static final String ALERT_EMAIL_PARAMETER = "TelemetryAlertEmail";
    /** Where Firehose puts readings it could not partition or convert, beside (not under) {@link TelemetryColumns#PREFIX}. */
    static final String ERROR_PREFIX = "telemetry-errors/";

    public TelemetryStack(Construct scope, String id, StackProps props, SluiceEnvironment env, DataStack data, AnalyticsStack analytics,
                          FunctionCode code) {
        super(scope, id, props);
        // The Glue table below goes into the analytics stack's database, which this stack names but does not reference.
        addStackDependency(analytics, "the telemetry Glue table is made in the analytics stack's database");
        Key key = Keys.create(this, "TelemetryKey", env, "telemetry", "Sluice telemetry API key, alerts topic, Firehose stream and logs");
        Keys.allowLogs(key);
        Keys.allowServiceToSend(key, "CloudWatchAlarmsToTelemetryAlerts", "cloudwatch.amazonaws.com");
        Keys.allowFirehoseEncryption(key);

        // ------------------------------------------------------------------ the shared API key (IOT-1, SEC-3)
        String secretName = env.name("telemetry-api-key");
        Secret secret = Secret.Builder.create(this, "ApiKeySecret").secretName(secretName)
                .description("Sluice telemetry API key: devices send it in the x-api-key header (IOT-1)")
                .encryptionKey(key).removalPolicy(env.removalPolicy())
                .generateSecretString(SecretStringGenerator.builder().passwordLength(64).excludePunctuation(true).includeSpace(false).build())
                .build();
        AnalyticsStack.suppress(secret, "AwsSolutions-SMG4", "The key is shared with devices, which must be given a new one when it "
                + "changes, so operators rotate it themselves (aws secretsmanager put-secret-value, docs/deploy.md, Telemetry). "
                + "Rotation is safe for the function: it caches the key for 5 minutes and reads it again on a mismatch.");

        // ------------------------------------------------------------------ threshold alerts and alarms (IOT-4, IOT-6)
        Topic topic = Topic.Builder.create(this, "AlertsTopic").topicName(env.name("telemetry-alerts"))
                .displayName("Sluice telemetry alerts " + env.suffix()).masterKey(key).enforceSsl(true).build();
        topic.addToResourcePolicy(PolicyStatement.Builder.create().sid("PublishCloudwatch")
                .principals(List.of(new ServicePrincipal("cloudwatch.amazonaws.com"))).actions(List.of("sns:Publish"))
                .resources(List.of(topic.getTopicArn()))
                .conditions(Map.of("StringEquals", Map.of("aws:SourceAccount", Aws.ACCOUNT_ID))).build());
        // Optional in every environment, prod included: threshold alerts are per device and metric, and are usually
        // taken by an application subscribed to the topic rather than mailed to a person; and prod deployments that
        // have no devices yet would otherwise need a second address. Everything the topic carries stays visible in
        // CloudWatch (alarm states) and in the table (alert states).
        CfnParameter email = ComputeStack.parameter(this, env.suffix(), ALERT_EMAIL_PARAMETER, "", "^$|^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$",
                "an e-mail address, or empty for no subscription",
                "E-mail address subscribed to the telemetry alerts topic: threshold alerts and the telemetry function's alarms (optional)");
        ComputeStack.emailSubscription(this, "HasTelemetryAlertEmail", email, topic,
                "(alarm states, threshold alerts) stays visible in CloudWatch and in the telemetry table.");

        // ------------------------------------------------------------------ raw readings to the archive (IOT-5)
        ParquetDelivery delivery = new ParquetDelivery("TelemetryGlueTable", "TelemetryDeliveryStream", env.name("telemetry"),
                TelemetryColumns.TABLE, "Raw device readings, one row each; partitioned by the reading's day (UTC)", TelemetryColumns.COLUMNS,
                TelemetryColumns.PREFIX, ERROR_PREFIX, "TelemetryObjects",
                "Sluice telemetry Firehose: writes Parquet under telemetry/ in the archive bucket, reads the Glue table's schema",
                "deliver-telemetry");
        CfnTable glueTable = delivery.glueTable(this, data, analytics.databaseName());
        CfnDeliveryStream stream = delivery.stream(this, env, data, key, analytics.databaseName(),
                analytics.glueTableArns(TelemetryColumns.TABLE), glueTable);

        // ------------------------------------------------------------------ the function (IOT-1..IOT-5, MON-1, MON-3)
        SluiceFunctions functions = new SluiceFunctions(this, env, code.code(), key);
        String table = data.table(TableKeys.TELEMETRY).getTableArn();
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put(FunctionEnvironment.TELEMETRY_TABLE, data.table(TableKeys.TELEMETRY).getTableName());
        environment.put(FunctionEnvironment.TELEMETRY_SECRET, secret.getSecretArn());
        environment.put(FunctionEnvironment.TELEMETRY_ARCHIVE_STREAM, stream.getRef());
        environment.put(FunctionEnvironment.TELEMETRY_RETENTION_DAYS, Integer.toString(FunctionEnvironment.DEFAULT_TELEMETRY_RETENTION_DAYS));
        environment.put(FunctionEnvironment.ALERTS_TOPIC, topic.getTopicArn());
        environment.put(FunctionEnvironment.ERRORS_TABLE, data.table(TableKeys.ERRORS).getTableName());
        List<PolicyStatement> grants = new ArrayList<>(List.of(
                // Readings, rollups, threshold states, claims, devices, rejected readings (sluice-aws DynamoDbTelemetry);
                // a transaction is authorized action by action, so TransactWriteItems needs no grant of its own.
                SluiceFunctions.statement("TelemetryTable", List.of("dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query",
                        "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem"), table),
                SluiceFunctions.statement("WriteErrorLogOnly", List.of("dynamodb:PutItem"), data.table(TableKeys.ERRORS).getTableArn()),
                SluiceFunctions.statement("ReadApiKey", List.of("secretsmanager:GetSecretValue"), secret.getSecretArn()),
                SluiceFunctions.statement("ArchiveReadings", List.of("firehose:PutRecordBatch"), stream.getAttrArn()),
                SluiceFunctions.statement("PublishTelemetryAlerts", List.of("sns:Publish"), topic.getTopicArn()),
                PolicyStatement.Builder.create().sid("DataKeyThroughDynamoDb").effect(Effect.ALLOW)
                        .actions(List.of("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"))
                        .resources(List.of(data.key().getKeyArn()))
                        .conditions(Map.of("StringEquals", Map.of("kms:ViaService", "dynamodb." + Aws.REGION + ".amazonaws.com"))).build(),
                // The secret's value is decrypted by Secrets Manager, a published alert encrypted by SNS, both with this key.
                PolicyStatement.Builder.create().sid("TelemetryKeyThroughSecretsManagerAndSns").effect(Effect.ALLOW)
                        .actions(List.of("kms:Decrypt", "kms:GenerateDataKey"))
                        .resources(List.of(key.getKeyArn()))
                        .conditions(Map.of("StringEquals", Map.of("kms:ViaService", List.of(
                                "secretsmanager." + Aws.REGION + ".amazonaws.com", "sns." + Aws.REGION + ".amazonaws.com")))).build()));
        // No reserved concurrency: the stage's throttle bounds what devices can start, and a reservation would come out
        // of the account's unreserved pool (a new account's limit of 10 has none to give; Preflight checks the sum).
        Alias fn = functions.add(new SluiceFunctions.FunctionSpec("telemetry", HANDLER,
                        "Device readings over HTTPS (x-api-key or a ThingsBoard device token): validate, store, roll up, alert, archive",
                        MEMORY_MB, TIMEOUT_SECONDS, null, environment, grants),
                "API Gateway invokes it synchronously and answers the device with its result; a device whose request failed "
                        + "sends it again (the readings' claims make that idempotent). Nothing invokes it asynchronously.");
        functions.alarms("telemetry", P99, topic);

        // ------------------------------------------------------------------ the HTTP API (IOT-1, IOT-7, SEC-5)
        HttpApi api = HttpApi.Builder.create(this, "Api").apiName(env.name("telemetry-api"))
                .description("Sluice device telemetry (" + env.suffix() + "): POST " + INGEST_PATH + " with x-api-key, "
                        + "POST " + THINGSBOARD_PATH + " with a device token")
                .createDefaultStage(false).build();
        LogGroup accessLogs = LogGroup.Builder.create(this, "ApiAccessLogs")
                .logGroupName("/aws/vendedlogs/apigateway/" + env.name("telemetry-api"))
                .retention(env.logRetention()).encryptionKey(key).removalPolicy(env.removalPolicy()).build();
        LogGroupLogDestination destination = new LogGroupLogDestination(accessLogs);
        AccessLogFormat format = AccessLogFormat.custom(accessLogFormat());
        HttpStage stage = HttpStage.Builder.create(this, "ApiDefaultStage").httpApi(api).stageName("$default").autoDeploy(true)
                .throttle(ThrottleSettings.builder().rateLimit(RATE_LIMIT).burstLimit(BURST_LIMIT).build())
                .accessLogSettings(new IAccessLogSettings() {
                    @Override
                    public IAccessLogDestination getDestination() {
                        return destination;
                    }

                    @Override
                    public AccessLogFormat getFormat() {
                        return format;
                    }
                }).build();
        HttpLambdaIntegration integration = HttpLambdaIntegration.Builder.create("TelemetryIntegration", fn)
                .payloadFormatVersion(PayloadFormatVersion.VERSION_2_0).build();
        for (String path : List.of(INGEST_PATH, THINGSBOARD_PATH)) {
            api.addRoutes(AddRoutesOptions.builder().path(path).methods(List.of(HttpMethod.POST)).integration(integration).build());
        }
        AnalyticsStack.suppress(api, "AwsSolutions-APIG4", "The telemetry function authenticates every request before it stores "
                + "anything (IOT-1, IOT-7): the shared key from Secrets Manager compared in constant time, or a device token whose "
                + "hash is in the telemetry table (revocable). ThingsBoard firmware puts its token in the path, which no HTTP API "
                + "authorizer reads except a Lambda authorizer, and that would double the invocations for the same check.");

        Dashboard dashboard = functions.dashboard("telemetry", "Threshold alerts and the telemetry function's alarms go to the topic "
                + env.name("telemetry-alerts") + "; see docs/deploy.md, Telemetry.");
        Duration hour = Duration.hours(1);
        dashboard.addWidgets(
                GraphWidget.Builder.create().title(env.name("telemetry-api") + ": requests, 4xx and 5xx").width(12)
                        .left(List.of(api.metricCount(MetricOptions.builder().period(hour).statistic("Sum").label("requests").build())))
                        .right(List.of(api.metricClientError(MetricOptions.builder().period(hour).statistic("Sum").label("4xx").build()),
                                api.metricServerError(MetricOptions.builder().period(hour).statistic("Sum").label("5xx").build()))).build(),
                GraphWidget.Builder.create().title(env.name("telemetry-api") + ": latency p99 (ms)").width(12)
                        .left(List.of(api.metricLatency(MetricOptions.builder().period(hour).statistic("p99").label("latency").build()),
                                api.metricIntegrationLatency(MetricOptions.builder().period(hour).statistic("p99").label("integration").build())))
                        .build());

        output(OutputNames.TELEMETRY_API_URL, api.getApiEndpoint(), "Telemetry API base URL (no trailing slash): POST <url>" + INGEST_PATH
                + " with x-api-key, or <url>/api/v1/<device token>/telemetry");
        output(OutputNames.TELEMETRY_SECRET, secretName, "Secrets Manager secret holding the telemetry API key (x-api-key)");
        output(OutputNames.TELEMETRY_TOPIC, topic.getTopicArn(), "SNS topic of threshold alerts and the telemetry function's alarms");
        output(OutputNames.TELEMETRY_DELIVERY_STREAM, stream.getRef(), "Firehose stream of raw readings, Parquet under "
                + TelemetryColumns.PREFIX + "dt=YYYY-MM-DD/ in the archive bucket");
        output(OutputNames.TELEMETRY_FUNCTION, functions.all().get("telemetry").getFunctionName(), "Function behind the telemetry API");
        output("TelemetryGlueTableName", TelemetryColumns.TABLE, "Glue table of the archived readings, in the archive's database");
        stage.getNode().addDependency(accessLogs);
    }

    /**
     * The access log, one JSON object per request. The route key is the route's template
     * ({@code POST /api/v1/{token}/telemetry}), never the path, so a device token in a ThingsBoard URL is not logged (SEC-3).
     */
    static String accessLogFormat() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("requestId", "$context.requestId");
        fields.put("requestTime", "$context.requestTime");
        fields.put("ip", "$context.identity.sourceIp");
        fields.put("userAgent", "$context.identity.userAgent");
        fields.put("routeKey", "$context.routeKey");
        fields.put("protocol", "$context.protocol");
        fields.put("status", "$context.status");
        fields.put("responseLength", "$context.responseLength");
        fields.put("integrationStatus", "$context.integrationStatus");
        fields.put("integrationLatency", "$context.integrationLatency");
        fields.put("integrationError", "$context.integrationErrorMessage");
        fields.put("error", "$context.error.message");
        StringBuilder b = new StringBuilder("{");
        fields.forEach((k, v) -> b.append(b.length() == 1 ? "" : ",").append('"').append(k).append("\":\"").append(v).append('"'));
        return b.append('}').toString();
    }

    private void output(String name, String value, String description) {
        CfnOutput.Builder.create(this, name).value(value).description(description).build();
    }
}
