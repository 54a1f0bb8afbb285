package io.sluice.infra;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Stage;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.pipelines.AddStageOpts;
import software.amazon.awscdk.pipelines.CodeBuildOptions;
import software.amazon.awscdk.pipelines.CodeBuildStep;
import software.amazon.awscdk.pipelines.CodePipeline;
import software.amazon.awscdk.pipelines.CodePipelineSource;
import software.amazon.awscdk.pipelines.ConnectionSourceOptions;
import software.amazon.awscdk.pipelines.FileSet;
import software.amazon.awscdk.pipelines.ManualApprovalStep;
import software.amazon.awscdk.pipelines.ShellStep;
import software.amazon.awscdk.pipelines.Step;
import software.amazon.awscdk.services.codebuild.BuildEnvironment;
import software.amazon.awscdk.services.codebuild.BuildSpec;
import software.amazon.awscdk.services.codebuild.ComputeType;
import software.amazon.awscdk.services.codebuild.LinuxBuildImage;
import software.amazon.awscdk.services.codepipeline.PipelineType;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.constructs.Construct;

/**
 * The delivery pipeline (INF-13): one CodePipeline that builds and tests a commit once, then deploys that same
 * cloud assembly (the same templates, the same jar hash) to dev, then staging, then, after a person approves, prod.
 * After each stage, {@code sluice doctor --deployed} checks the stage's stack outputs (INF-6) and stops the
 * pipeline when one is missing or mixes environments.
 *
 * <p>Built when the context names the repository: {@code -c pipeline=owner/repo -c connectionArn=arn:...}
 * (a CodeConnections connection to GitHub, GitLab or Bitbucket, made once in the console), optionally
 * {@code -c pipelineBranch=main}. Deploy actions take no CloudFormation parameters, so prod's required ones come as
 * context: {@code -c prod.AlertEmail=.. -c prod.SourceZone=.. -c prod.DefaultCountry=..} (INF-7); without them
 * synth stops here. Staging takes prod's zone and country unless given its own. All stages deploy to the pipeline's
 * own account and region.
 */
public final class DeliveryPipeline extends Stack {
    static final String CONTEXT_REPOSITORY = "pipeline";
    static final String CONTEXT_BRANCH = "pipelineBranch";
    static final String CONTEXT_CONNECTION = "connectionArn";
    /** The environments, in promotion order (INF-13). */
    static final List<String> STAGES = List.of("dev", "staging", "prod");
    static final String STACK_NAME = "SluicePipeline";
    static final String PIPELINE_NAME = "sluice-delivery";

    private static final Pattern REPOSITORY = Pattern.compile("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+");
    private static final Pattern CONNECTION = Pattern.compile(
            "arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z0-9-]+:[0-9]{12}:connection/[A-Za-z0-9-]+");
    private static final Pattern BRANCH = Pattern.compile("[A-Za-z0-9._/-]+");
    /** Context keys the build step passes on to its own synth, so the pipeline it deploys is this one. */
    private static final List<String> PASSED_ON = List.of(CONTEXT_REPOSITORY, CONTEXT_BRANCH, CONTEXT_CONNECTION,
            "accountConcurrency", "tableCapacityQuota");

    private final CodePipeline pipeline;
    private final List<SluiceStage> stages = new ArrayList<>();

    /** One environment's stacks, deployed by the pipeline under their manual names. */
    public static final class SluiceStage extends Stage {
        private final SluiceEnvironment env;
        private final List<Stack> stacks;

        SluiceStage(Construct scope, SluiceEnvironment env, FunctionCode code) {
            super(scope, capitalized(env.suffix()));
            this.env = env;
            this.stacks = SluiceApp.build(this, env, code);
        }

        public SluiceEnvironment environment() {
            return env;
        }

        public List<Stack> stacks() {
            return stacks;
        }
    }

    /** The pipeline app: reads and checks the context, builds the pipeline stack and its three stages (dev, staging, prod). */
    public static DeliveryPipeline build(App app) {
        return build(app, FunctionCode.jar(FunctionCode.DEFAULT_JAR));
    }

    static DeliveryPipeline build(App app, FunctionCode code) {
        SluiceApp.strongCrossStackReferences(app);
        String repository = context(app, CONTEXT_REPOSITORY, null, REPOSITORY, "owner/repository, e.g. acme/sluice");
        String connection = context(app, CONTEXT_CONNECTION, null, CONNECTION,
                "a CodeConnections ARN, arn:aws:codeconnections:REGION:ACCOUNT:connection/ID (create the connection once in "
                        + "the console: Developer Tools > Settings > Connections)");
        String branch = context(app, CONTEXT_BRANCH, "main", BRANCH, "a branch name");
        List<String> missing = new ArrayList<>();
        for (String p : ComputeStack.PARAMETERS) {
            if (app.getNode().tryGetContext(ComputeStack.parameterContextKey("prod", p)) == null) {
                missing.add("-c " + ComputeStack.parameterContextKey("prod", p) + "=...");
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("the pipeline deploys prod without CloudFormation parameters, and prod has no "
                    + "defaults for them: give " + String.join(" ", missing) + " (INF-7)");
        }
        // A deploy action passes no parameter, so each deploy sets the template's default, not the stack's previous
        // value. Staging rehearses prod: unless told otherwise it reads CDRs in prod's zone and country.
        for (String p : List.of("SourceZone", "DefaultCountry", "FreeSwitchTemplate")) {
            if (app.getNode().tryGetContext(ComputeStack.parameterContextKey("staging", p)) == null) {
                app.getNode().setContext(ComputeStack.parameterContextKey("staging", p),
                        app.getNode().tryGetContext(ComputeStack.parameterContextKey("prod", p)));
            }
        }
        DeliveryPipeline stack = new DeliveryPipeline(app, repository, branch, connection, code);
        // Every stage's stacks share the pipeline's account, so their reserved concurrency adds up (INF-2).
        int concurrency = SluiceApp.intContext(app, "accountConcurrency", Preflight.DEFAULT_ACCOUNT_CONCURRENCY);
        Aspects.of(app).add(node -> Preflight.concurrency(node, concurrency));
        return stack;
    }

    private DeliveryPipeline(App app, String repository, String branch, String connection, FunctionCode code) {
        super(app, STACK_NAME, StackProps.builder().stackName(STACK_NAME)
                .description("Sluice delivery pipeline: build and test once, deploy dev -> staging -> prod (INF-13)").build());
        Key key = Key.Builder.create(this, "ArtifactsKey").alias("alias/sluice-pipeline-artifacts").enableKeyRotation(true)
                .description("Sluice delivery pipeline artifacts and build logs").removalPolicy(RemovalPolicy.RETAIN)
                .pendingWindow(Duration.days(30)).build();
        Bucket accessLogs = Bucket.Builder.create(this, "AccessLogsBucket").encryption(BucketEncryption.S3_MANAGED)
                .enforceSsl(true).versioned(true).blockPublicAccess(BlockPublicAccess.BLOCK_ALL).removalPolicy(RemovalPolicy.RETAIN)
                .lifecycleRules(List.of(LifecycleRule.builder().id("expire-logs").expiration(Duration.days(365)).build())).build();
        NagSuppressions.addResourceSuppressions(accessLogs, List.of(NagPackSuppression.builder().id("AwsSolutions-S1")
                .reason("This is the access-log bucket: logging its own access would log every log delivery.").build()));
        Bucket artifacts = Bucket.Builder.create(this, "ArtifactsBucket").encryption(BucketEncryption.KMS).encryptionKey(key)
                .bucketKeyEnabled(true).enforceSsl(true).versioned(true).blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .serverAccessLogsBucket(accessLogs).serverAccessLogsPrefix("artifacts/").removalPolicy(RemovalPolicy.RETAIN)
                // A run needs its artifacts for hours, an audit of what was deployed for months; the build can always be redone.
                .lifecycleRules(List.of(LifecycleRule.builder().id("expire-artifacts").expiration(Duration.days(90))
                        .noncurrentVersionExpiration(Duration.days(30)).build())).build();

        // The build clones the repository itself (git keeps the scripts' executable bits, which a source zip does not).
        CodePipelineSource source = CodePipelineSource.connection(repository, branch,
                ConnectionSourceOptions.builder().connectionArn(connection).codeBuildCloneOutput(true).build());
        ShellStep build = ShellStep.Builder.create("BuildTestSynth").input(source)
                .commands(List.of(
                        // The README's test command: every module's tests, the sluice-infra templates with cdk-nag included.
                        "./verify",
                        "cd sluice-infra && npm ci --no-audit --no-fund && npx aws-cdk synth -q " + passedOn(app)))
                .primaryOutputDirectory("sluice-infra/cdk.out").build();
        // The checks after each stage run the CLI built here, not a second build: the jar with the AWS developer tools
        // (doctor --deployed), beside its lib/.
        FileSet cli = build.addOutputDirectory("sluice-aws-tools/target");
        pipeline = CodePipeline.Builder.create(this, "Pipeline").pipelineName(PIPELINE_NAME).pipelineType(PipelineType.V2)
                .artifactBucket(artifacts).synth(build)
                .codeBuildDefaults(CodeBuildOptions.builder()
                        .buildEnvironment(BuildEnvironment.builder().buildImage(LinuxBuildImage.STANDARD_7_0)
                                .computeType(ComputeType.SMALL).build())
                        // JDK 21 (the project's release level) and Node 20 (the CDK CLI), as README and .ci/run expect.
                        .partialBuildSpec(BuildSpec.fromObject(Map.of("phases", Map.of("install", Map.of("runtime-versions",
                                Sorted.keys(Map.of("java", "corretto21", "nodejs", "20")))))))
                        .timeout(Duration.minutes(30)).build())
                // The whole test suite runs here: more cores and memory than the small steps need.
                .synthCodeBuildDefaults(CodeBuildOptions.builder().buildEnvironment(BuildEnvironment.builder()
                        .computeType(ComputeType.MEDIUM).build()).timeout(Duration.minutes(60)).build())
                .build();
        for (String suffix : STAGES) {
            SluiceStage stage = new SluiceStage(this, SluiceEnvironment.of(suffix), code);
            stages.add(stage);
            List<Step> pre = suffix.equals("prod")
                    ? List.of(ManualApprovalStep.Builder.create("PromoteToProd").comment("Staging is deployed and checked: "
                            + "deploy this same build to prod? Look at the staging alarms and dashboard first (docs/deploy.md).").build())
                    : List.of();
            pipeline.addStage(stage, AddStageOpts.builder().pre(pre).post(List.of(check(stage, cli))).build());
        }
        Tags.of(this).add("app", "sluice");
        Tags.of(this).add("env", "pipeline");
        SluiceApp.nag(this);
        pipeline.buildPipeline();
        allowConnection(connection);
        suppressPipelineFindings();
    }

    /**
     * The CDK grants {@code codestar-connections:UseConnection} to the roles that use the connection (the source action's,
     * and the build's, which clones). IAM matches an action's service prefix against the resource's, and connections
     * made since mid-2024 have {@code arn:aws:codeconnections:...} ARNs: those need {@code codeconnections:UseConnection}.
     */
    private void allowConnection(String connectionArn) {
        String prefix = connectionArn.split(":")[2];
        if (prefix.equals("codestar-connections")) {
            return;
        }
        PolicyStatement use = PolicyStatement.Builder.create().actions(List.of(prefix + ":UseConnection"))
                .resources(List.of(connectionArn)).build();
        pipeline.getSynthProject().addToRolePolicy(use);
        for (software.constructs.IConstruct c : pipeline.getPipeline().getNode().findAll()) {
            if (c instanceof software.amazon.awscdk.services.iam.Role role && c.getNode().getPath().contains("/Source/")) {
                role.addToPrincipalPolicy(use);
            }
        }
    }

    /**
     * After a stage: the stage's stack outputs as CloudFormation reports them, checked by the CLI the build made
     * ({@code sluice doctor --deployed}, INF-6). A missing output, or outputs of two environments, fails the stage.
     */
    private static CodeBuildStep check(SluiceStage stage, FileSet cli) {
        List<String> commands = new ArrayList<>();
        List<String> files = new ArrayList<>();
        List<String> arns = new ArrayList<>();
        for (Stack s : stage.stacks()) {
            String name = s.getStackName();
            commands.add("aws cloudformation describe-stacks --stack-name " + name + " --output json > " + name + ".json");
            files.add("--deployed " + name + ".json");
            arns.add("arn:" + Aws.PARTITION + ":cloudformation:" + Aws.REGION + ":" + Aws.ACCOUNT_ID + ":stack/" + name + "/*");
        }
        commands.add("java -jar sluice-aws-tools.jar doctor " + String.join(" ", files));
        return CodeBuildStep.Builder.create("Check" + capitalized(stage.environment().suffix())).input(cli).commands(commands)
                .rolePolicyStatements(List.of(PolicyStatement.Builder.create().actions(List.of("cloudformation:DescribeStacks"))
                        .resources(arns).build()))
                .build();
    }

    /** The pipeline's context as {@code -c key=value} arguments, for the build step's own synth. */
    private static String passedOn(App app) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String key : PASSED_ON) {
            Object v = app.getNode().tryGetContext(key);
            if (v != null) {
                values.put(key, v.toString());
            }
        }
        List<String> parameters = new ArrayList<>(ComputeStack.PARAMETERS);
        parameters.addAll(ComputeStack.OPTIONAL_PARAMETERS);
        for (String suffix : STAGES) {
            for (String p : parameters) {
                Object v = app.getNode().tryGetContext(ComputeStack.parameterContextKey(suffix, p));
                if (v != null) {
                    values.put(ComputeStack.parameterContextKey(suffix, p), v.toString());
                }
            }
        }
        StringBuilder b = new StringBuilder();
        values.forEach((k, v) -> b.append(b.isEmpty() ? "" : " ").append("-c ").append(shellQuoted(k + "=" + v)));
        return b.toString();
    }

    static String shellQuoted(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /**
     * What cdk-nag finds in the constructs CDK Pipelines generates, each with its reason. Scoped to this stack: the
     * stages' stacks have their own suppressions, in their own code.
     */
    private void suppressPipelineFindings() {
        String account = "<AWS::Partition>:%s:<AWS::Region>:<AWS::AccountId>:";
        NagSuppressions.addStackSuppressions(this, List.of(
                iam5("CDK Pipelines grants its roles read (the checks, self-mutation, asset publishing) or read and write (source "
                        + "and build) on the pipeline's own artifact bucket and its objects, and use of the artifact key: the "
                        + "wildcards are S3 and KMS action groups on those two resources only.",
                        "Action::s3:GetObject*", "Action::s3:GetBucket*", "Action::s3:List*", "Action::s3:DeleteObject*",
                        "Action::s3:Abort*", "Action::kms:ReEncrypt*", "Action::kms:GenerateDataKey*",
                        regex("^Resource::<ArtifactsBucket[0-9A-F]{8}\\.Arn>/\\*$")),
                iam5("Each CodeBuild project writes its own log streams and test reports, which CodeBuild names per build "
                        + "(/aws/codebuild/PROJECT:*, report-group/PROJECT-*).",
                        regex("^Resource::arn:" + escaped(String.format(account, "logs")) + "log-group:/aws/codebuild/<Pipeline[A-Za-z0-9]+>:\\*$"),
                        regex("^Resource::arn:" + escaped(String.format(account, "codebuild")) + "report-group/<Pipeline[A-Za-z0-9]+>-\\*$")),
                iam5("The asset-publishing role is shared by the CodeBuild projects CDK Pipelines creates, one per asset, "
                        + "so their log groups and report groups cannot be named in advance.",
                        "Resource::arn:" + String.format(account, "logs") + "log-group:/aws/codebuild/*",
                        "Resource::arn:" + String.format(account, "codebuild") + "report-group/*"),
                iam5("Two generated statements take no narrower resource: the asset-publishing role's codebuild:StartBuild, "
                        + "BatchGetBuilds and StopBuild (the projects are generated per asset), and self-mutation's "
                        + "cloudformation:DescribeStacks and s3:ListBucket, which the CDK CLI calls on stacks and bootstrap "
                        + "buckets it finds at run time. All are read or start-build actions.", "Resource::*"),
                iam5("Self-mutation deploys the pipeline stack with the CDK CLI, assuming only the CDK bootstrap roles, which "
                        + "it finds by their tag (iam:ResourceTag/aws-cdk:bootstrap-role is image-publishing, file-publishing "
                        + "or deploy).", "Resource::arn:*:iam::<AWS::AccountId>:role/*"),
                iam5("A stack's ARN ends in an ID CloudFormation gives it at creation (stack/NAME/ID); the checks after each "
                        + "stage may describe the stacks of that stage by name and nothing else.",
                        regex("^Resource::arn:" + escaped(String.format(account, "cloudformation"))
                                + "stack/Sluice(Data|Analytics|Compute|Telemetry)-(dev|staging|prod)/\\*$"))), true);
    }

    private static NagPackSuppression iam5(String reason, Object... appliesTo) {
        return NagPackSuppression.builder().id("AwsSolutions-IAM5").reason(reason).appliesTo(List.of(appliesTo)).build();
    }

    private static io.github.cdklabs.cdknag.RegexAppliesTo regex(String regex) {
        return io.github.cdklabs.cdknag.RegexAppliesTo.builder().regex("/" + regex + "/").build();
    }

    private static String escaped(String literal) {
        return literal.replaceAll("[\\\\^$.|?*+()\\[\\]{}<>:/-]", "\\\\$0");
    }

    private static String context(App app, String key, String dflt, Pattern pattern, String what) {
        Object v = app.getNode().tryGetContext(key);
        if (v == null) {
            if (dflt == null) {
                throw new IllegalArgumentException("the pipeline needs -c " + key + "=<" + what + ">");
            }
            return dflt;
        }
        String s = v.toString().trim();
        if (!pattern.matcher(s).matches()) {
            throw new IllegalArgumentException("-c " + key + "=" + s + " is not " + what);
        }
        return s;
    }

    static String capitalized(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    public List<SluiceStage> stages() {
        return List.copyOf(stages);
    }
}
