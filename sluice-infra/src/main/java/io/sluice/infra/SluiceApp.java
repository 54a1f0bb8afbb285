package io.sluice.infra;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.ServerlessChecks;
import io.sluice.aws.deploy.OutputNames;
import java.util.List;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.IAspect;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.cxapi.CloudAssembly;

/**
 * The CDK app: {@code -c envSuffix=dev|staging|prod|pr<n>} (default dev) chooses the environment. Three stacks,
 * split where lifecycles differ: data (kept in prod), analytics (archive delivery and catalog), compute
 * (functions, replaced freely). The preflight checks run on all of them.
 */
public final class SluiceApp {
    private SluiceApp() {
    }

    /** The app's stacks for one environment, with the preflight checks attached. */
    public static List<Stack> build(App app, SluiceEnvironment env) {
        return build(app, env, FunctionCode.jar(FunctionCode.DEFAULT_JAR));
    }

    /** The three stacks: data (tables, buckets), analytics (Firehose, Glue, Athena), compute (stream, functions, queues). */
    public static List<Stack> build(App app, SluiceEnvironment env, FunctionCode code) {
        // Keep CloudFormation's exports between the stacks, as they are today (the CDK asks for an explicit choice).
        if (app.getNode().tryGetContext("@aws-cdk/core:defaultCrossStackReferences") == null) {
            app.getNode().setContext("@aws-cdk/core:defaultCrossStackReferences", "strong");
        }
        DataStack data = new DataStack(app, "SluiceData-" + env.suffix(),
                StackProps.builder().description("Sluice data stores (" + env.suffix() + ")").build(), env);
        AnalyticsStack analytics = new AnalyticsStack(app, "SluiceAnalytics-" + env.suffix(),
                StackProps.builder().description("Sluice archive delivery, catalog and reports (" + env.suffix() + ")").build(), env, data);
        ComputeStack compute = new ComputeStack(app, "SluiceCompute-" + env.suffix(),
                StackProps.builder().description("Sluice functions, stream, queues and workflow (" + env.suffix() + ")").build(),
                env, data, analytics, code);
        Tags.of(app).add("app", "sluice");
        Tags.of(app).add("env", env.suffix());
        // The account's quotas, when they are not AWS's defaults: -c accountConcurrency=10 (a new account),
        // -c tableCapacityQuota=80000 (a raised quota).
        int concurrency = intContext(app, "accountConcurrency", Preflight.DEFAULT_ACCOUNT_CONCURRENCY);
        int capacity = intContext(app, "tableCapacityQuota", Preflight.DEFAULT_TABLE_CAPACITY_QUOTA);
        for (IAspect check : Preflight.checks(env, capacity, concurrency, OutputNames.REQUIRED)) {
            Aspects.of(app).add(check);
        }
        // cdk-nag on every synth, the CLI's included (SEC-1): a finding is an error that fails it, and every
        // suppression in the stacks gives its reason. Its reports go to cdk.out/ next to the templates.
        Aspects.of(app).add(new AwsSolutionsChecks());
        Aspects.of(app).add(new ServerlessChecks());
        return List.of(data, analytics, compute);
    }

    static int intContext(App app, String name, int dflt) {
        Object v = app.getNode().tryGetContext(name);
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
        StringBuilder errors = new StringBuilder();
        for (Stack s : stacks) {
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
