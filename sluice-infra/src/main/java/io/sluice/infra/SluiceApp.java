package io.sluice.infra;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.ServerlessChecks;
import io.sluice.core.contracts.OutputNames;
import java.util.List;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.IAspect;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Stage;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.cxapi.CloudAssembly;
import software.constructs.Construct;
import software.constructs.IConstruct;

/**
 * The CDK app: {@code -c envSuffix=dev|staging|prod|pr<n>} (default dev) chooses the environment. Four stacks,
 * split where lifecycles differ: data (kept in prod), analytics (archive delivery and catalog), compute
 * (functions, replaced freely), telemetry (the device API and its function). The preflight checks run on all of them. With {@code -c pipeline=owner/repo}
 * the app is instead the delivery pipeline, {@link DeliveryPipeline}, whose stages hold these stacks for dev,
 * staging and prod.
 */
public final class SluiceApp {
    private SluiceApp() {
    }

    /** The app's stacks for one environment, with the preflight checks attached. */
    public static List<Stack> build(App app, SluiceEnvironment env) {
        return build(app, env, FunctionCode.jar(FunctionCode.DEFAULT_JAR));
    }

    /** The stacks: data (tables, buckets), analytics (Firehose, Glue, Athena), compute (stream, functions, queues), telemetry. */
    public static List<Stack> build(App app, SluiceEnvironment env, FunctionCode code) {
        strongCrossStackReferences(app);
        return build((Stage) app, env, code);
    }

    /**
     * The stacks in {@code scope}: the app itself, or one stage of the delivery pipeline. Their stack names are
     * the same in both ({@code SluiceData-<suffix>} ...), so the pipeline takes over stacks a manual deploy made.
     */
    static List<Stack> build(Stage scope, SluiceEnvironment env, FunctionCode code) {
        DataStack data = new DataStack(scope, "SluiceData-" + env.suffix(), props(env, "SluiceData", "Sluice data stores"), env);
        AnalyticsStack analytics = new AnalyticsStack(scope, "SluiceAnalytics-" + env.suffix(),
                props(env, "SluiceAnalytics", "Sluice archive delivery, catalog and reports"), env, data);
        ComputeStack compute = new ComputeStack(scope, "SluiceCompute-" + env.suffix(),
                props(env, "SluiceCompute", "Sluice functions, stream, queues and workflow"), env, data, analytics, code);
        // Issue 18: device telemetry (IOT-1..IOT-6), its API, function, secret, topic and Firehose stream.
        TelemetryStack telemetry = new TelemetryStack(scope, "SluiceTelemetry-" + env.suffix(),
                props(env, "SluiceTelemetry", "Sluice device telemetry: HTTP API, function, alerts and archive"), env, data, analytics, code);
        List<Stack> stacks = new java.util.ArrayList<>(List.of(data, analytics, compute, telemetry));
        if ("true".equals(String.valueOf(scope.getNode().tryGetContext(MigrationStack.CONTEXT)))) {
            // MIG-1: DMS from the operator's MySQL-compatible database into the profile table, when asked for.
            stacks.add(new MigrationStack(scope, "SluiceMigration-" + env.suffix(),
                    props(env, "SluiceMigration", "Sluice profile migration (DMS)"), env, data));
        }
        Tags.of(scope).add("app", "sluice");
        Tags.of(scope).add("env", env.suffix());
        // The account's quotas, when they are not AWS's defaults: -c accountConcurrency=10 (a new account),
        // -c tableCapacityQuota=80000 (a raised quota).
        int concurrency = intContext(scope, "accountConcurrency", Preflight.DEFAULT_ACCOUNT_CONCURRENCY);
        int capacity = intContext(scope, "tableCapacityQuota", Preflight.DEFAULT_TABLE_CAPACITY_QUOTA);
        for (IAspect check : Preflight.checks(env, capacity, concurrency, OutputNames.REQUIRED)) {
            Aspects.of(scope).add(check);
        }
        nag(scope);
        return List.copyOf(stacks);
    }

    /**
     * cdk-nag on every synth, the CLI's included (SEC-1): a finding is an error that fails it, and every suppression
     * gives its reason. Its reports go to cdk.out/ next to the templates. Aspects stop at a stage's boundary, so each
     * stage of the pipeline gets its own.
     */
    static void nag(Construct scope) {
        Aspects.of(scope).add(new AwsSolutionsChecks());
        Aspects.of(scope).add(new ServerlessChecks());
    }

    /** Keep CloudFormation's exports between the stacks, as they are today (the CDK asks for an explicit choice). */
    static void strongCrossStackReferences(App app) {
        if (app.getNode().tryGetContext("@aws-cdk/core:defaultCrossStackReferences") == null) {
            app.getNode().setContext("@aws-cdk/core:defaultCrossStackReferences", "strong");
        }
    }

    /** Stack properties with an explicit stack name, so a stack inside a pipeline stage keeps its manual name. */
    private static StackProps props(SluiceEnvironment env, String stack, String description) {
        return StackProps.builder().stackName(stack + "-" + env.suffix()).description(description + " (" + env.suffix() + ")").build();
    }

    static int intContext(Construct scope, String name, int dflt) {
        Object v = scope.getNode().tryGetContext(name);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.toString().trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new IllegalArgumentException("-c " + name + "=" + v + " is not a positive whole number");
    }

    /**
     * Synthesizes and fails, with every preflight message, when a check found a problem: the plain-Java synth
     * path (tests, CI) fails where {@code cdk synth} would.
     */
    public static CloudAssembly synthesize(App app, List<Stack> stacks) {
        CloudAssembly assembly = app.synth();
        // The stacks of a pipeline's stages are synthesized with the app; their findings count the same.
        List<Stack> all = new java.util.ArrayList<>(stacks);
        for (IConstruct c : app.getNode().findAll()) {
            if (c instanceof Stack s && !all.contains(s)) {
                all.add(s);
            }
        }
        StringBuilder errors = new StringBuilder();
        for (Stack s : all) {
            Annotations.fromStack(s).findError("*", Match.anyValue()).forEach(m -> errors.append('\n').append(m.getEntry().getData()));
        }
        if (!errors.isEmpty()) {
            throw new IllegalStateException("Synth failed the preflight checks:" + errors);
        }
        return assembly;
    }

    public static void main(String[] args) {
        try {
            App app = new App();
            if (app.getNode().tryGetContext(DeliveryPipeline.CONTEXT_REPOSITORY) != null) {
                // -c pipeline=owner/repo: the delivery pipeline (INF-13), whose stages deploy dev, staging and prod.
                synthesize(app, List.of(DeliveryPipeline.build(app)));
                return;
            }
            Object suffix = app.getNode().tryGetContext("envSuffix");
            SluiceEnvironment env = SluiceEnvironment.of(suffix == null ? null : suffix.toString());
            synthesize(app, build(app, env));
        } catch (IllegalArgumentException | IllegalStateException e) {
            // A wrong setting or a preflight finding: the message says what and how to fix it; no stack trace.
            System.err.println("sluice-infra: " + e.getMessage());
            System.exit(1);
        }
    }
}
