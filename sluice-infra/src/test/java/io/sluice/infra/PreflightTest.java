package io.sluice.infra;

import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.IAspect;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.dynamodb.CfnTable;
import software.amazon.awscdk.services.lambda.CfnFunction;

/** Each preflight check on a small app that has the violation, with the exact failure it gives (INF-4, INF-5). */
class PreflightTest {
    private static final SluiceEnvironment DEV = SluiceEnvironment.of("dev");

    private static void synth(App app, Stack stack) {
        for (IAspect check : Preflight.checks(DEV, Preflight.DEFAULT_TABLE_CAPACITY_QUOTA)) {
            Aspects.of(app).add(check);
        }
        SluiceApp.synthesize(app, List.of(stack));
    }

    private static CfnTable table(Stack stack, String name, Integer capacity) {
        CfnTable.Builder b = CfnTable.Builder.create(stack, "T").tableName(name)
                .keySchema(List.of(CfnTable.KeySchemaProperty.builder().attributeName("pk").keyType("HASH").build()))
                .attributeDefinitions(List.of(CfnTable.AttributeDefinitionProperty.builder().attributeName("pk").attributeType("S").build()));
        if (capacity != null) {
            b.provisionedThroughput(CfnTable.ProvisionedThroughputProperty.builder().readCapacityUnits(capacity).writeCapacityUnits(5).build());
        } else {
            b.billingMode("PAY_PER_REQUEST");
        }
        return b.build();
    }

    @Test
    void aReservedEnvironmentVariableFailsSynth() {
        App app = new App();
        Stack stack = new Stack(app, "S");
        CfnFunction.Builder.create(stack, "Fn").handler("io.sluice.aws.handlers.CdrStreamHandler").runtime("java21")
                .role("arn:aws:iam::123456789012:role/sluice").code(CfnFunction.CodeProperty.builder().s3Bucket("b").s3Key("k").build())
                .environment(CfnFunction.EnvironmentProperty.builder().variables(Map.of("AWS_REGION", "eu-west-1", "SLUICE_X", "1")).build())
                .build();
        assertThatIllegalStateException().isThrownBy(() -> synth(app, stack)).withMessage("Synth failed the preflight checks:\n"
                + "Preflight: function S/Fn sets the environment variable AWS_REGION, which Lambda reserves: the deployment would "
                + "fail. Remove it; Lambda sets it (INF-5).");
    }

    @Test
    void aTableWithoutTheEnvironmentSuffixFailsSynth() {
        App app = new App();
        Stack stack = new Stack(app, "S");
        table(stack, "cdr-usage", null);
        assertThatIllegalStateException().isThrownBy(() -> synth(app, stack)).withMessage("Synth failed the preflight checks:\n"
                + "Preflight: table S/T is named 'cdr-usage', which does not carry the environment: use sluice-<resource>-dev.");
    }

    @Test
    void capacityAboveTheQuotaFailsSynth() {
        App app = new App();
        Stack stack = new Stack(app, "S");
        table(stack, "sluice-usage-dev", 50_000);
        assertThatIllegalStateException().isThrownBy(() -> synth(app, stack)).withMessage("Synth failed the preflight checks:\n"
                + "Preflight: table S/T asks for 50000 ReadCapacityUnits, above the quota of 40000 per table: the deployment would fail. Ask for less, "
                + "or pass the account's raised quota with -c tableCapacityQuota=N (INF-2).");
    }

    @Test
    void aCleanAppPasses() {
        App app = new App();
        Stack stack = new Stack(app, "S");
        table(stack, "sluice-usage-dev", 100);
        synth(app, stack);
    }

    @Test
    void anUnknownEnvironmentIsRefusedNamingTheValue() {
        assertThatIllegalArgumentException().isThrownBy(() -> SluiceEnvironment.of("production"))
                .withMessage("envSuffix 'production' is not one of dev, staging, prod or pr<number> (e.g. pr123); pass it with -c envSuffix=...");
        SluiceEnvironment.of("pr123");
    }

    private static String failure(App app, Stack stack) {
        try {
            synth(app, stack);
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
        return "";
    }

    @Test
    void aDeprecatedManagedPolicyFailsSynth() {
        App app = new App();
        Stack stack = new Stack(app, "S");
        software.amazon.awscdk.services.iam.CfnRole.Builder.create(stack, "R")
                .assumeRolePolicyDocument(Map.of("Version", "2012-10-17", "Statement", List.of(Map.of("Effect", "Allow",
                        "Principal", Map.of("Service", "application-autoscaling.amazonaws.com"), "Action", "sts:AssumeRole"))))
                .managedPolicyArns(List.of("arn:aws:iam::aws:policy/service-role/AWSApplicationAutoScalingDynamoDBTablePolicy")).build();
        org.assertj.core.api.Assertions.assertThat(failure(app, stack)).isEqualTo("Synth failed the preflight checks:\n"
                + "Preflight: role S/R attaches the deprecated AWS managed policy "
                + "arn:aws:iam::aws:policy/service-role/AWSApplicationAutoScalingDynamoDBTablePolicy: the deployment would fail. "
                + "Grant what it needs inline (INF-3).");
    }

    @Test
    void anOldLambdaRuntimeFailsSynth() {
        App app = new App();
        Stack stack = new Stack(app, "S");
        CfnFunction.Builder.create(stack, "Fn").handler("h").runtime("java11").role("arn:aws:iam::123456789012:role/sluice")
                .code(CfnFunction.CodeProperty.builder().s3Bucket("b").s3Key("k").build()).build();
        org.assertj.core.api.Assertions.assertThat(failure(app, stack)).isEqualTo("Synth failed the preflight checks:\n"
                + "Preflight: function S/Fn uses runtime java11; Sluice's functions run java21 or java25 (INF-9).");
    }

    @Test
    void aDmsEngineThatIsNoSourceFailsSynth() {
        App app = new App();
        Stack stack = new Stack(app, "S");
        software.amazon.awscdk.services.dms.CfnEndpoint.Builder.create(stack, "E").endpointType("source").engineName("cassandra").build();
        org.assertj.core.api.Assertions.assertThat(failure(app, stack)).isEqualTo("Synth failed the preflight checks:\n"
                + "Preflight: DMS endpoint S/E names engine 'cassandra', which is not a valid source engine (INF-4).");
    }

    /** Issue 20: the stack it replaces made its replication subnet group before the account had dms-vpc-role. */
    @Test
    void aDmsSubnetGroupWithoutDmsVpcRoleBeforeItFailsSynth() {
        App app = new App();
        Stack stack = new Stack(app, "S");
        software.amazon.awscdk.services.dms.CfnReplicationSubnetGroup.Builder.create(stack, "G").replicationSubnetGroupDescription("g")
                .subnetIds(List.of("subnet-1", "subnet-2")).build();
        org.assertj.core.api.Assertions.assertThat(failure(app, stack)).startsWith("Synth failed the preflight checks:\n"
                + "Preflight: DMS replication subnet group S/G does not depend on the role dms-vpc-role").contains("-c dmsVpcRole=existing");

        App ordered = new App();
        Stack s2 = new Stack(ordered, "S");
        software.amazon.awscdk.services.iam.Role role = software.amazon.awscdk.services.iam.Role.Builder.create(s2, "R").roleName("dms-vpc-role")
                .assumedBy(new software.amazon.awscdk.services.iam.ServicePrincipal("dms.amazonaws.com")).build();
        software.amazon.awscdk.services.dms.CfnReplicationSubnetGroup g = software.amazon.awscdk.services.dms.CfnReplicationSubnetGroup.Builder
                .create(s2, "G").replicationSubnetGroupDescription("g").subnetIds(List.of("subnet-1", "subnet-2")).build();
        g.getNode().addDependency(role);
        org.assertj.core.api.Assertions.assertThat(failure(ordered, s2)).isEmpty();

        App existing = new App(software.amazon.awscdk.AppProps.builder().context(java.util.Map.of("dmsVpcRole", "existing")).build());
        Stack s3 = new Stack(existing, "S");
        software.amazon.awscdk.services.dms.CfnReplicationSubnetGroup.Builder.create(s3, "G").replicationSubnetGroupDescription("g")
                .subnetIds(List.of("subnet-1", "subnet-2")).build();
        org.assertj.core.api.Assertions.assertThat(failure(existing, s3)).isEmpty();
    }

    /** Issue 20: the stack it replaces had a required SourceDatabaseEndpoint parameter with no default in every environment. */
    @Test
    void aParameterWithoutADefaultOutsideProdFailsSynth() {
        App app = new App();
        Stack stack = new Stack(app, "S");
        software.amazon.awscdk.CfnParameter.Builder.create(stack, "SourceDatabaseEndpoint").type("String").build();
        org.assertj.core.api.Assertions.assertThat(failure(app, stack)).isEqualTo("Synth failed the preflight checks:\n"
                + "Preflight: parameter SourceDatabaseEndpoint of S has no default in dev, so its deployment would fail without it: give "
                + "it a safe placeholder outside prod, or a value with -c dev.SourceDatabaseEndpoint=... (INF-7).");
    }

    @Test
    void aCrawlerCrawlingNewFoldersOnlyWithoutLogPoliciesFailsSynth() {
        App app = new App();
        Stack stack = new Stack(app, "S");
        software.amazon.awscdk.services.glue.CfnCrawler.Builder.create(stack, "C").role("arn:aws:iam::123456789012:role/glue")
                .targets(software.amazon.awscdk.services.glue.CfnCrawler.TargetsProperty.builder().s3Targets(List.of(
                        software.amazon.awscdk.services.glue.CfnCrawler.S3TargetProperty.builder().path("s3://archive/cdrs/").build())).build())
                .recrawlPolicy(software.amazon.awscdk.services.glue.CfnCrawler.RecrawlPolicyProperty.builder()
                        .recrawlBehavior("CRAWL_NEW_FOLDERS_ONLY").build())
                .schemaChangePolicy(software.amazon.awscdk.services.glue.CfnCrawler.SchemaChangePolicyProperty.builder()
                        .updateBehavior("UPDATE_IN_DATABASE").deleteBehavior("DEPRECATE_IN_DATABASE").build())
                .build();
        org.assertj.core.api.Assertions.assertThat(failure(app, stack)).isEqualTo("Synth failed the preflight checks:\n"
                + "Preflight: crawler S/C crawls new folders only, which needs SchemaChangePolicy UpdateBehavior LOG and "
                + "DeleteBehavior LOG, and its S3 targets can then never change; use CRAWL_EVERYTHING (INF-4).");
    }

    @Test
    void aMissingFunctionJarFailsSynthNamingItAndTheBuild(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        java.nio.file.Path jar = dir.resolve("sluice-lambda.jar");
        assertThatIllegalStateException().isThrownBy(() -> SluiceApp.build(new App(), DEV, FunctionCode.jar(jar)))
                .withMessage("Preflight: the function code " + jar + " is missing: build it first with ./verify "
                        + "(or mvn -B package -pl sluice-aws -am), then synth again (INF-9).");
    }

    @Test
    void reservingMoreConcurrencyThanTheAccountCanGiveFailsSynth() {
        App app = new App();
        Stack stack = new Stack(app, "S");
        for (String id : List.of("A", "B")) {
            CfnFunction.Builder.create(stack, id).handler("h").runtime("java21").role("arn:aws:iam::123456789012:role/sluice")
                    .code(CfnFunction.CodeProperty.builder().s3Bucket("b").s3Key("k").build()).reservedConcurrentExecutions(460).build();
        }
        for (IAspect check : Preflight.checks(DEV, Preflight.DEFAULT_TABLE_CAPACITY_QUOTA, 1_000)) {
            Aspects.of(app).add(check);
        }
        assertThatIllegalStateException().isThrownBy(() -> SluiceApp.synthesize(app, List.of(stack))).withMessage(
                "Synth failed the preflight checks:\n"
                        + "Preflight: the functions reserve 920 concurrent executions (S/A=460, S/B=460), leaving 80 of the account's "
                        + "1000; Lambda keeps at least 100 unreserved, so the deployment would fail. Reserve less, or raise the "
                        + "account's limit first; pass the limit you have with -c accountConcurrency=N (INF-2).");
    }

    @Test
    void anAccountOfTenCannotTakeProdsReservations() {
        // A new account's limit can be 10 (-c accountConcurrency=10): prod's reservations (50 + 20) are refused at
        // synth, not at deploy.
        App app = new App(software.amazon.awscdk.AppProps.builder().context(Map.of("accountConcurrency", "10")).build());
        SluiceEnvironment prod = SluiceEnvironment.of("prod");
        List<Stack> stacks = SluiceApp.build(app, prod);
        assertThatIllegalStateException().isThrownBy(() -> SluiceApp.synthesize(app, stacks)).withMessageContaining(
                "Preflight: the functions reserve 70 concurrent executions (SluiceCompute-prod/StreamFunction/Resource=50, "
                        + "SluiceCompute-prod/ObjectFunction/Resource=20), leaving -60 of the account's 10;");
    }

    @Test
    void anAppWithoutAnOutputTheToolsReadFailsSynth() {
        App app = new App();
        Stack stack = new Stack(app, "S");
        software.amazon.awscdk.CfnOutput.Builder.create(stack, "UsageTableName").value("sluice-usage-dev").build();
        for (IAspect check : Preflight.checks(DEV, Preflight.DEFAULT_TABLE_CAPACITY_QUOTA, 1_000,
                List.of("UsageTableName", "CdrStreamName", "ObjectQueueUrl"))) {
            Aspects.of(app).add(check);
        }
        assertThatIllegalStateException().isThrownBy(() -> SluiceApp.synthesize(app, List.of(stack))).withMessage(
                "Synth failed the preflight checks:\n"
                        + "Preflight: no stack declares the outputs CdrStreamName, ObjectQueueUrl, which sluice doctor --deployed "
                        + "and the integration helpers read (INF-6).");
    }

    @Test
    void aQueueThatBecomesVisibleBeforeItsFunctionTimesOutFailsSynth() {
        App app = new App();
        Stack stack = new Stack(app, "S");
        software.amazon.awscdk.services.sqs.CfnQueue queue = software.amazon.awscdk.services.sqs.CfnQueue.Builder.create(stack, "Q")
                .visibilityTimeout(30).build();
        CfnFunction fn = CfnFunction.Builder.create(stack, "Fn").handler("h").runtime("java21").timeout(60)
                .role("arn:aws:iam::123456789012:role/sluice").code(CfnFunction.CodeProperty.builder().s3Bucket("b").s3Key("k").build()).build();
        software.amazon.awscdk.services.lambda.CfnEventSourceMapping.Builder.create(stack, "M").eventSourceArn(queue.getAttrArn())
                .functionName(fn.getRef()).build();
        assertThatIllegalStateException().isThrownBy(() -> synth(app, stack)).withMessage("Synth failed the preflight checks:\n"
                + "Preflight: queue S/Q has a visibility timeout of 30 s and function S/Fn a timeout of 60 s: Lambda refuses the "
                + "event source mapping, so the deployment would fail. Make the visibility timeout at least 360 s (INF-4).");
    }

    /** An HTTP API with one Lambda route to {@code fn}'s alias, as the telemetry stack wires it. */
    private static void httpApi(Stack stack, software.amazon.awscdk.services.lambda.Function fn, software.amazon.awscdk.Duration wait) {
        var alias = software.amazon.awscdk.services.lambda.Alias.Builder.create(stack, "Live").aliasName("live")
                .version(fn.getCurrentVersion()).build();
        var api = software.amazon.awscdk.services.apigatewayv2.HttpApi.Builder.create(stack, "Api").build();
        var integration = software.amazon.awscdk.aws_apigatewayv2_integrations.HttpLambdaIntegration.Builder.create("I", alias);
        if (wait != null) {
            integration.timeout(wait);
        }
        api.addRoutes(software.amazon.awscdk.services.apigatewayv2.AddRoutesOptions.builder().path("/v1/telemetry")
                .methods(List.of(software.amazon.awscdk.services.apigatewayv2.HttpMethod.POST)).integration(integration.build()).build());
    }

    private static software.amazon.awscdk.services.lambda.Function function(Stack stack, int timeoutSeconds) {
        return software.amazon.awscdk.services.lambda.Function.Builder.create(stack, "Fn").handler("h")
                .runtime(software.amazon.awscdk.services.lambda.Runtime.JAVA_21).timeout(software.amazon.awscdk.Duration.seconds(timeoutSeconds))
                .code(software.amazon.awscdk.services.lambda.Code.fromBucket(
                        software.amazon.awscdk.services.s3.Bucket.fromBucketName(stack, "B", "code-bucket"), "k.jar")).build();
    }

    /** Issue 18: API Gateway stops waiting after 30 s; a function that may run longer answers a stored request with 503. */
    @Test
    void aFunctionThatOutlivesItsHttpApiIntegrationFailsSynth() {
        App app = new App();
        Stack stack = new Stack(app, "S");
        httpApi(stack, function(stack, 60), null);
        org.assertj.core.api.Assertions.assertThat(failure(app, stack)).isEqualTo("Synth failed the preflight checks:\n"
                + "Preflight: HTTP API integration S/Api/POST--v1--telemetry/I/Resource waits 30000 ms for function S/Fn/Resource, whose "
                + "timeout is 60 s: API Gateway would answer 503 while the function still runs and may store the request, which the "
                + "client then sends again. Make the function's timeout shorter than the integration's (at most 30 s) (INF-4).");

        App shorter = new App();
        Stack s2 = new Stack(shorter, "S");
        httpApi(s2, function(s2, 10), software.amazon.awscdk.Duration.seconds(5));
        org.assertj.core.api.Assertions.assertThat(failure(shorter, s2)).contains("waits 5000 ms for function S/Fn/Resource, whose timeout is 10 s");

        App fine = new App();
        Stack s3 = new Stack(fine, "S");
        httpApi(s3, function(s3, 10), null);
        org.assertj.core.api.Assertions.assertThat(failure(fine, s3)).isEmpty();
    }

    @Test
    void theVisibilityCheckFollowsAMappingThroughAnAlias() {
        // As the compute stack wires it: an L2 queue, a function, its alias, the SQS event source on the alias.
        App app = new App();
        Stack stack = new Stack(app, "S");
        var queue = software.amazon.awscdk.services.sqs.Queue.Builder.create(stack, "Q")
                .visibilityTimeout(software.amazon.awscdk.Duration.seconds(120)).build();
        var fn = software.amazon.awscdk.services.lambda.Function.Builder.create(stack, "Fn").handler("h")
                .runtime(software.amazon.awscdk.services.lambda.Runtime.JAVA_21).timeout(software.amazon.awscdk.Duration.seconds(60))
                .code(software.amazon.awscdk.services.lambda.Code.fromBucket(
                        software.amazon.awscdk.services.s3.Bucket.fromBucketName(stack, "B", "code-bucket"), "k.jar")).build();
        var alias = software.amazon.awscdk.services.lambda.Alias.Builder.create(stack, "Live").aliasName("live")
                .version(fn.getCurrentVersion()).build();
        alias.addEventSource(software.amazon.awscdk.services.lambda.eventsources.SqsEventSource.Builder.create(queue).build());
        for (IAspect check : Preflight.checks(DEV, Preflight.DEFAULT_TABLE_CAPACITY_QUOTA)) {
            Aspects.of(app).add(check);
        }
        SluiceApp.synthesize(app, List.of(stack)); // 120 s >= 60 s: no error, but below 6 x 60 s: a warning
        org.assertj.core.api.Assertions.assertThat(software.amazon.awscdk.assertions.Annotations.fromStack(stack)
                .findWarning("*", software.amazon.awscdk.assertions.Match.stringLikeRegexp("Preflight: .*")))
                .singleElement().satisfies(m -> org.assertj.core.api.Assertions.assertThat(m.getEntry().getData()).isEqualTo(
                        "Preflight: queue S/Q/Resource has a visibility timeout of 120 s and function S/Fn/Resource a timeout of 60 s: "
                                + "a message can come back while the function still works on it; Lambda advises a visibility "
                                + "timeout of at least 360 s."));
    }
}

