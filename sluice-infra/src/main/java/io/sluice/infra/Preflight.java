package io.sluice.infra;

import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.IAspect;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Token;
import software.amazon.awscdk.services.applicationautoscaling.CfnScalableTarget;
import software.amazon.awscdk.services.dynamodb.CfnTable;
import software.amazon.awscdk.services.lambda.CfnFunction;
import software.constructs.IConstruct;

/**
 * Checks that stop known deployment failures at synth time, on this machine, before CloudFormation sees the
 * template (INF-4, INF-5). Each problem becomes an error annotation on the construct that has it, naming
 * the construct, the value and the fix; {@code cdk synth} then fails, and so does {@link SluiceApp#synthesize}.
 */
public final class Preflight {
    /** Lambda's reserved environment variable names (AWS-CONTRACTS.md section 5). */
    static final Set<String> RESERVED_ENVIRONMENT = Set.of("_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION",
            "AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
            "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY",
            "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT",
            "LAMBDA_RUNTIME_DIR");
    /** DynamoDB's default quota of read or write capacity units per table (adjustable: pass another). */
    public static final int DEFAULT_TABLE_CAPACITY_QUOTA = 40_000;

    private Preflight() {
    }

    /**
     * AWS managed policies that are deprecated or gone; attaching one fails the deployment (INF-3). Sluice writes
     * inline least-privilege policies instead.
     */
    static final Set<String> DEPRECATED_MANAGED_POLICIES = Set.of(
            "arn:aws:iam::aws:policy/service-role/AWSApplicationAutoScalingDynamoDBTablePolicy",
            "arn:aws:iam::aws:policy/AWSApplicationAutoScalingDynamoDBTablePolicy",
            "arn:aws:iam::aws:policy/AWSLambdaFullAccess",
            "arn:aws:iam::aws:policy/AWSLambdaReadOnlyAccess",
            "arn:aws:iam::aws:policy/service-role/AWSLambdaKinesisExecutionRole-deprecated",
            "arn:aws:iam::aws:policy/AmazonElasticTranscoderFullAccess");
    /** Java runtimes Lambda supports and Sluice builds for (INF-9); java17 and older are not. */
    static final Set<String> LAMBDA_RUNTIMES = Set.of("java21", "java25");
    /** CloudFormation values of a Glue crawler's RecrawlBehavior (AWS-CONTRACTS.md section 7). */
    static final Set<String> RECRAWL_BEHAVIORS = Set.of("CRAWL_EVERYTHING", "CRAWL_NEW_FOLDERS_ONLY", "CRAWL_EVENT_MODE");
    /** DMS engines that can be a source (AWS-CONTRACTS.md section 7; dynamodb, kinesis, kafka are targets only). */
    static final Set<String> DMS_SOURCE_ENGINES = Set.of("mysql", "oracle", "postgres", "mariadb", "aurora", "aurora-postgresql",
            "s3", "db2", "db2-zos", "azuredb", "sybase", "mongodb", "docdb", "sqlserver", "babelfish", "aurora-serverless",
            "aurora-postgresql-serverless", "gcp-mysql", "azure-sql-managed-instance");
    static final Set<String> DMS_TARGET_ENGINES = Set.of("mysql", "oracle", "postgres", "mariadb", "aurora", "aurora-postgresql",
            "opensearch", "redshift", "redshift-serverless", "s3", "db2", "azuredb", "sybase", "dynamodb", "mongodb", "kinesis",
            "kafka", "elasticsearch", "docdb", "sqlserver", "neptune", "babelfish", "redis", "dms-transfer");

    /** Lambda's default concurrent executions per account and region (adjustable: pass another). */
    public static final int DEFAULT_ACCOUNT_CONCURRENCY = 1_000;
    /** Lambda keeps this many executions unreserved: reserving more fails the deployment. */
    static final int UNRESERVED_MINIMUM = 100;

    /** All checks, for one environment, with the default account concurrency. */
    public static List<IAspect> checks(SluiceEnvironment env, int tableCapacityQuota) {
        return checks(env, tableCapacityQuota, DEFAULT_ACCOUNT_CONCURRENCY);
    }

    /** All checks, for one environment and account: the per-table capacity quota and the account's Lambda concurrency. */
    public static List<IAspect> checks(SluiceEnvironment env, int tableCapacityQuota, int accountConcurrency) {
        return checks(env, tableCapacityQuota, accountConcurrency, List.of());
    }

    /** All checks, and that the app declares the outputs {@code requiredOutputs} (INF-6). */
    public static List<IAspect> checks(SluiceEnvironment env, int tableCapacityQuota, int accountConcurrency,
                                       List<String> requiredOutputs) {
        IAspect outputs = requiredOutputs(requiredOutputs);
        // One aspect running every check: each visit is a callback from the CDK's node process into this JVM, and
        // callbacks nest on the Java stack while synth runs, so fewer of them keep a large app's synth shallow.
        return List.of(node -> {
            reservedEnvironment(node);
            nameSuffix(node, env);
            capacity(node, tableCapacityQuota);
            managedPolicies(node);
            runtime(node);
            enums(node);
            concurrency(node, accountConcurrency);
            queueVisibility(node);
            integrationTimeout(node);
            dmsVpcRole(node);
            parameterDefaults(node, env);
            outputs.visit(node);
        });
    }

    /**
     * INF-2: reserved concurrency is taken from the account's limit, and Lambda refuses any reservation that leaves
     * fewer than 100 executions unreserved. New accounts may have a limit of 10, where nothing can be reserved.
     * Checked on the app or a stage, over every function in it (the pipeline's stages share one account).
     */
    static void concurrency(IConstruct node, int accountConcurrency) {
        if (!(node instanceof software.amazon.awscdk.Stage app)) {
            return;
        }
        long reserved = 0;
        CfnFunction last = null;
        StringBuilder which = new StringBuilder();
        for (IConstruct c : app.getNode().findAll()) {
            if (c instanceof CfnFunction fn && fn.getReservedConcurrentExecutions() != null) {
                reserved += fn.getReservedConcurrentExecutions().longValue();
                which.append(which.isEmpty() ? "" : ", ").append(fn.getNode().getPath()).append('=').append(fn.getReservedConcurrentExecutions());
                last = fn;
            }
        }
        if (last != null && accountConcurrency - reserved < UNRESERVED_MINIMUM) {
            Annotations.of(last).addError("Preflight: the functions reserve " + reserved + " concurrent executions (" + which
                    + "), leaving " + (accountConcurrency - reserved) + " of the account's " + accountConcurrency + "; Lambda keeps at "
                    + "least " + UNRESERVED_MINIMUM + " unreserved, so the deployment would fail. Reserve less, or raise the "
                    + "account's limit first; pass the limit you have with -c accountConcurrency=N (INF-2).");
        }
    }

    /** Lambda's advice for SQS event sources: a visibility timeout of at least six times the function's timeout. */
    static final int VISIBILITY_FACTOR = 6;

    /**
     * INF-4: an SQS event source mapping whose queue's visibility timeout is shorter than the function's timeout is
     * refused by Lambda at deploy time; shorter than six times the timeout, messages may be received again while a
     * retry is still running (a warning).
     */
    static void queueVisibility(IConstruct node) {
        if (!(node instanceof software.amazon.awscdk.services.lambda.CfnEventSourceMapping esm)) {
            return;
        }
        Stack stack = Stack.of(esm);
        var queue = referenced(stack, stack.resolve(esm.getEventSourceArn()), software.amazon.awscdk.services.sqs.CfnQueue.class);
        Object target = stack.resolve(esm.getFunctionName());
        var alias = referenced(stack, target, software.amazon.awscdk.services.lambda.CfnAlias.class);
        CfnFunction fn = referenced(stack, alias == null ? target : stack.resolve(alias.getFunctionName()), CfnFunction.class);
        if (queue == null || fn == null || fn.getTimeout() == null) {
            return;
        }
        long visibility = queue.getVisibilityTimeout() == null ? 30 : queue.getVisibilityTimeout().longValue(); // SQS's default
        long timeout = fn.getTimeout().longValue();
        String which = "queue " + queue.getNode().getPath() + " has a visibility timeout of " + visibility + " s and function "
                + fn.getNode().getPath() + " a timeout of " + timeout + " s";
        if (visibility < timeout) {
            Annotations.of(esm).addError("Preflight: " + which + ": Lambda refuses the event source mapping, so the deployment "
                    + "would fail. Make the visibility timeout at least " + VISIBILITY_FACTOR * timeout + " s (INF-4).");
        } else if (visibility < VISIBILITY_FACTOR * timeout) {
            Annotations.of(esm).addWarning("Preflight: " + which + ": a message can come back while the function still "
                    + "works on it; Lambda advises a visibility timeout of at least " + VISIBILITY_FACTOR * timeout + " s.");
        }
    }

    /** API Gateway HTTP APIs wait at most 30 s for an integration, and that by default (TimeoutInMillis 50..30,000). */
    static final long HTTP_API_MAX_TIMEOUT_MILLIS = 30_000;

    /**
     * INF-4: an HTTP API integration waits at most 30 s; a timeout outside 50 ms..30 s fails the deployment. A Lambda
     * integration that gives up before its function's timeout answers the client 503 while the function may still run,
     * and commit what it was sent: the client sees a failure for a stored request and sends it again. The function must
     * time out first.
     */
    static void integrationTimeout(IConstruct node) {
        if (!(node instanceof software.amazon.awscdk.services.apigatewayv2.CfnIntegration integration)
                || !"AWS_PROXY".equals(integration.getIntegrationType())) {
            return;
        }
        Number given = integration.getTimeoutInMillis();
        if (given != null && Token.isUnresolved(given)) {
            return;
        }
        long waits = given == null ? HTTP_API_MAX_TIMEOUT_MILLIS : given.longValue();
        if (waits < 50 || waits > HTTP_API_MAX_TIMEOUT_MILLIS) {
            Annotations.of(integration).addError("Preflight: HTTP API integration " + integration.getNode().getPath() + " has a timeout of "
                    + waits + " ms, outside API Gateway's 50..30000 ms: the deployment would fail (INF-4).");
            return;
        }
        Stack stack = Stack.of(integration);
        Object uri = stack.resolve(integration.getIntegrationUri());
        var alias = referenced(stack, uri, software.amazon.awscdk.services.lambda.CfnAlias.class);
        CfnFunction fn = referenced(stack, alias == null ? uri : stack.resolve(alias.getFunctionName()), CfnFunction.class);
        if (fn == null) {
            return;
        }
        long timeout = fn.getTimeout() == null ? 3 : fn.getTimeout().longValue(); // Lambda's default
        if (timeout * 1000 > waits) {
            Annotations.of(integration).addError("Preflight: HTTP API integration " + integration.getNode().getPath() + " waits " + waits
                    + " ms for function " + fn.getNode().getPath() + ", whose timeout is " + timeout + " s: API Gateway would answer 503 "
                    + "while the function still runs and may store the request, which the client then sends again. Make the function's "
                    + "timeout shorter than the integration's (at most 30 s) (INF-4).");
        }
    }

    /**
     * The construct of {@code type} in {@code stack} that a {@code Ref} or {@code Fn::GetAtt} anywhere in
     * {@code resolved} names (an alias's function name is {@code Fn::Join}, {@code Fn::Select} and {@code Fn::Split}
     * around a {@code Ref}), or null.
     */
    private static <T extends software.amazon.awscdk.CfnElement> T referenced(Stack stack, Object resolved, Class<T> type) {
        List<Object> ids = new java.util.ArrayList<>();
        collectReferences(resolved, ids);
        for (IConstruct c : stack.getNode().findAll()) {
            if (type.isInstance(c) && ids.contains(stack.resolve(((software.amazon.awscdk.CfnElement) c).getLogicalId()))) {
                return type.cast(c);
            }
        }
        return null;
    }

    private static void collectReferences(Object resolved, List<Object> ids) {
        if (resolved instanceof Map<?, ?> m) {
            if (m.get("Ref") != null) {
                ids.add(m.get("Ref"));
            } else if (m.get("Fn::GetAtt") instanceof List<?> l && !l.isEmpty()) {
                ids.add(l.get(0));
            } else {
                m.values().forEach(v -> collectReferences(v, ids));
            }
        } else if (resolved instanceof List<?> l) {
            l.forEach(v -> collectReferences(v, ids));
        }
    }

    /**
     * INF-6: the app declares every output the tools read ({@code sluice doctor --deployed}, integration helpers),
     * in one stack or another. Checked once, on the app or on each stage of the pipeline.
     */
    private static IAspect requiredOutputs(List<String> required) {
        return node -> {
            if (!(node instanceof software.amazon.awscdk.Stage app)) {
                return;
            }
            java.util.Set<String> declared = new java.util.HashSet<>();
            Stack first = null;
            for (IConstruct c : app.getNode().getChildren()) {
                if (c instanceof Stack stack) {
                    first = first == null ? stack : first;
                    for (IConstruct o : stack.getNode().getChildren()) {
                        if (o instanceof software.amazon.awscdk.CfnOutput) {
                            declared.add(o.getNode().getId());
                        }
                    }
                }
            }
            List<String> missing = required.stream().filter(r -> !declared.contains(r)).toList();
            if (missing.isEmpty()) {
                return;
            }
            if (first != null && !missing.isEmpty()) {
                Annotations.of(first).addError("Preflight: no stack declares the output" + (missing.size() == 1 ? " " : "s ")
                        + String.join(", ", missing) + ", which sluice doctor --deployed and the integration helpers read (INF-6).");
            }
        };
    }

    /** INF-3: no deprecated AWS managed policy. */
    static void managedPolicies(IConstruct node) {
        if (node instanceof software.amazon.awscdk.services.iam.CfnRole role && role.getManagedPolicyArns() != null) {
            Object resolved = Stack.of(role).resolve(role.getManagedPolicyArns());
            if (resolved instanceof List<?> arns) {
                for (Object arn : arns) {
                    String text = String.valueOf(arn);
                    if (DEPRECATED_MANAGED_POLICIES.stream().anyMatch(text::contains)) {
                        Annotations.of(role).addError("Preflight: role " + role.getNode().getPath() + " attaches the deprecated AWS "
                                + "managed policy " + text + ": the deployment would fail. Grant what it needs inline (INF-3).");
                    }
                }
            }
        }
    }

    /** INF-9: functions run java21 or newer. */
    static void runtime(IConstruct node) {
        if (node instanceof CfnFunction fn && fn.getRuntime() != null && !Token.isUnresolved(fn.getRuntime())
                && !LAMBDA_RUNTIMES.contains(fn.getRuntime())) {
            Annotations.of(fn).addError("Preflight: function " + fn.getNode().getPath() + " uses runtime " + fn.getRuntime()
                    + "; Sluice's functions run " + String.join(" or ", LAMBDA_RUNTIMES.stream().sorted().toList()) + " (INF-9).");
        }
    }

    /** INF-4: enum-like values CloudFormation only rejects at deploy time. */
    static void enums(IConstruct node) {
        if (node instanceof software.amazon.awscdk.services.glue.CfnCrawler crawler && crawler.getRecrawlPolicy() != null) {
            Object behavior = field(Stack.of(crawler).resolve(crawler.getRecrawlPolicy()), "RecrawlBehavior");
            if (behavior != null && !RECRAWL_BEHAVIORS.contains(String.valueOf(behavior))) {
                Annotations.of(crawler).addError("Preflight: crawler " + crawler.getNode().getPath() + " has RecrawlBehavior '" + behavior
                        + "'; valid: " + String.join(", ", RECRAWL_BEHAVIORS.stream().sorted().toList()) + " (INF-4).");
            } else if ("CRAWL_NEW_FOLDERS_ONLY".equals(behavior)) {
                Object policy = Stack.of(crawler).resolve(crawler.getSchemaChangePolicy());
                if (!"LOG".equals(field(policy, "UpdateBehavior")) || !"LOG".equals(field(policy, "DeleteBehavior"))) {
                    Annotations.of(crawler).addError("Preflight: crawler " + crawler.getNode().getPath() + " crawls new folders only, "
                            + "which needs SchemaChangePolicy UpdateBehavior LOG and DeleteBehavior LOG, and its S3 targets can then "
                            + "never change; use CRAWL_EVERYTHING (INF-4).");
                }
            }
        }
        if (node instanceof software.amazon.awscdk.services.dms.CfnEndpoint endpoint && endpoint.getEngineName() != null
                && !Token.isUnresolved(endpoint.getEngineName())) {
            boolean source = "source".equalsIgnoreCase(endpoint.getEndpointType());
            Set<String> valid = source ? DMS_SOURCE_ENGINES : DMS_TARGET_ENGINES;
            if (!valid.contains(endpoint.getEngineName())) {
                Annotations.of(endpoint).addError("Preflight: DMS endpoint " + endpoint.getNode().getPath() + " names engine '"
                        + endpoint.getEngineName() + "', which is not a valid " + (source ? "source" : "target") + " engine (INF-4).");
            }
        }
    }

    /**
     * INF-4: DMS looks the account-wide role {@code dms-vpc-role} up by name when it makes a replication subnet group;
     * without it the stack fails ("The IAM Role arn:aws:iam::...:role/dms-vpc-role is not configured properly"). A subnet
     * group must depend on a role of that name in the app, unless {@code -c dmsVpcRole=existing} says the account has one.
     */
    static void dmsVpcRole(IConstruct node) {
        if (!(node instanceof software.amazon.awscdk.services.dms.CfnReplicationSubnetGroup group)
                || "existing".equals(group.getNode().tryGetContext(MigrationStack.VPC_ROLE_CONTEXT))) {
            return;
        }
        for (IConstruct d : group.getNode().getDependencies()) {
            IConstruct cfn = d instanceof software.amazon.awscdk.services.iam.CfnRole ? d : d.getNode().getDefaultChild();
            if (cfn instanceof software.amazon.awscdk.services.iam.CfnRole role && MigrationStack.VPC_ROLE_NAME.equals(role.getRoleName())) {
                return;
            }
        }
        Annotations.of(group).addError("Preflight: DMS replication subnet group " + group.getNode().getPath() + " does not depend on "
                + "the role " + MigrationStack.VPC_ROLE_NAME + " (trust dms.amazonaws.com, AmazonDMSVPCManagementRole): DMS needs it "
                + "before the group and the deployment would fail. Create it first, or pass -c " + MigrationStack.VPC_ROLE_CONTEXT
                + "=existing when the account has it (INF-4).");
    }

    /**
     * INF-7: outside prod every deploy-time parameter has a default, so {@code cdk deploy} of dev, staging or a pull
     * request needs no parameters (a required parameter without one fails that deployment); in prod a parameter may
     * deliberately have none, so a prod deployment without its value stops before anything changes.
     */
    static void parameterDefaults(IConstruct node, SluiceEnvironment env) {
        if (node instanceof software.amazon.awscdk.CfnParameter p && p.getDefaultValue() == null && !env.suffix().equals("prod")) {
            Annotations.of(p).addError("Preflight: parameter " + p.getNode().getId() + " of " + Stack.of(p).getStackName() + " has no default "
                    + "in " + env.suffix() + ", so its deployment would fail without it: give it a safe placeholder outside prod, or a "
                    + "value with -c " + ComputeStack.parameterContextKey(env.suffix(), p.getNode().getId()) + "=... (INF-7).");
        }
    }

    /** INF-5: a function may not set a name Lambda reserves; the deployment would fail. */
    static void reservedEnvironment(IConstruct node) {
        if (node instanceof CfnFunction fn && fn.getEnvironment() != null) {
            if (field(Stack.of(fn).resolve(fn.getEnvironment()), "Variables") instanceof Map<?, ?> variables) {
                for (Object name : variables.keySet()) {
                    if (RESERVED_ENVIRONMENT.contains(String.valueOf(name))) {
                        Annotations.of(fn).addError("Preflight: function " + fn.getNode().getPath() + " sets the environment variable "
                                + name + ", which Lambda reserves: the deployment would fail. Remove it; Lambda sets it (INF-5).");
                    }
                }
            }
        }
    }

    /**
     * A member of a resolved property: CloudFormation spells it {@code Variables}, a resolved jsii struct may spell it
     * {@code variables}.
     */
    private static Object field(Object resolved, String name) {
        if (resolved instanceof Map<?, ?> m) {
            Object v = m.get(name);
            return v != null ? v : m.get(Character.toLowerCase(name.charAt(0)) + name.substring(1));
        }
        return null;
    }

    /** Every table is named sluice-<resource>-<suffix>, so environments never share or clash. */
    static void nameSuffix(IConstruct node, SluiceEnvironment env) {
        if (node instanceof CfnTable table) {
            String name = table.getTableName();
            if (name == null || Token.isUnresolved(name)) {
                Annotations.of(table).addError("Preflight: table " + table.getNode().getPath() + " has no literal name; name it "
                        + env.name("<resource>") + ".");
            } else if (!name.startsWith("sluice-") || !name.endsWith("-" + env.suffix())) {
                Annotations.of(table).addError("Preflight: table " + table.getNode().getPath() + " is named '" + name
                        + "', which does not carry the environment: use " + env.name("<resource>") + ".");
            }
        }
    }

    /** Provisioned capacity and scaling bounds within the per-table quota: above it the deployment fails. */
    static void capacity(IConstruct node, int quota) {
        if (node instanceof CfnTable table && table.getProvisionedThroughput() != null) {
            Object resolved = Stack.of(table).resolve(table.getProvisionedThroughput());
            if (resolved instanceof Map<?, ?>) {
                for (String unit : List.of("ReadCapacityUnits", "WriteCapacityUnits")) {
                    if (field(resolved, unit) instanceof Number n && n.longValue() > quota) {
                        Annotations.of(table).addError("Preflight: table " + table.getNode().getPath() + " asks for " + n + " "
                                + unit + ", above the quota of " + quota + " per table: the deployment would fail. Ask for less, "
                                + "or pass the account's raised quota with -c tableCapacityQuota=N (INF-2).");
                    }
                }
            }
        }
        if (node instanceof CfnScalableTarget target && target.getMaxCapacity() != null
                && target.getMaxCapacity().longValue() > quota) {
            Annotations.of(target).addError("Preflight: auto scaling " + target.getNode().getPath() + " may grow to "
                    + target.getMaxCapacity() + " capacity units, above the quota of " + quota + " per table. Lower the bound, "
                    + "or pass the account's raised quota with -c tableCapacityQuota=N (INF-2).");
        }
    }
}
