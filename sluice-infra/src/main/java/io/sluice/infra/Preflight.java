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

    /** All checks, for one environment. */
    public static List<IAspect> checks(SluiceEnvironment env, int tableCapacityQuota) {
        return List.of(Preflight::reservedEnvironment, node -> nameSuffix(node, env), node -> capacity(node, tableCapacityQuota),
                Preflight::managedPolicies, Preflight::runtime, Preflight::enums);
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
                                + unit + ", above the quota of " + quota + " per table: the deployment would fail.");
                    }
                }
            }
        }
        if (node instanceof CfnScalableTarget target && target.getMaxCapacity() != null
                && target.getMaxCapacity().longValue() > quota) {
            Annotations.of(target).addError("Preflight: auto scaling " + target.getNode().getPath() + " may grow to "
                    + target.getMaxCapacity() + " capacity units, above the quota of " + quota + " per table.");
        }
    }
}
