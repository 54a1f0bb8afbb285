package io.sluice.infra;

import io.sluice.core.contracts.TableKeys;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.CfnParameter;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.dms.CfnEndpoint;
import software.amazon.awscdk.services.dms.CfnReplicationInstance;
import software.amazon.awscdk.services.dms.CfnReplicationSubnetGroup;
import software.amazon.awscdk.services.dms.CfnReplicationTask;
import software.amazon.awscdk.services.ec2.FlowLogDestination;
import software.amazon.awscdk.services.ec2.FlowLogOptions;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointOptions;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpointOptions;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.secretsmanager.SecretStringGenerator;
import software.constructs.Construct;

/**
 * Subscriber profiles from a MySQL-compatible database into the profile table with AWS DMS (MIG-1, MIG-3), only with
 * {@code -c migration=true}: a replication instance in private subnets, a source endpoint (engine {@code mysql}, or
 * {@code -c migrationEngine=mariadb}) whose credentials come from Secrets Manager, a DynamoDB target endpoint with an
 * object mapping onto the profile table, and a full-load-and-cdc task. The account-wide role {@code dms-vpc-role}
 * (AmazonDMSVPCManagementRole) is made here and ordered before the replication subnet group, or referenced with
 * {@code -c dmsVpcRole=existing} where another stack or person made it (AWS-CONTRACTS.md section 7).
 *
 * <p>DMS copies the source's values as they are: the msisdn column must hold E.164 numbers (the local
 * {@code sluice migrate} normalizes them; DMS cannot). DMS data validation does not support DynamoDB targets, so the
 * task runs without it; {@code sluice migrate verify} is the check.
 */
final class MigrationStack extends Stack {
    /** Context: make this stack. */
    static final String CONTEXT = "migration";
    /** Context: {@code existing} when the account already has dms-vpc-role (one account, several environments). */
    static final String VPC_ROLE_CONTEXT = "dmsVpcRole";
    static final String VPC_ROLE_NAME = "dms-vpc-role";
    static final String SOURCE_ENDPOINT_PARAMETER = "SourceDatabaseEndpoint";
    /** The placeholder host outside prod: a reserved name (RFC 6761) that never resolves, so nothing is read by mistake. */
    static final String PLACEHOLDER_HOST = "source-database.invalid";

    MigrationStack(Construct scope, String id, StackProps props, SluiceEnvironment env, DataStack data) {
        super(scope, id, props);
        boolean prod = env.suffix().equals("prod");
        Key key = Keys.create(this, "MigrationKey", env, "migration", "Sluice migration secret and logs");
        Keys.allowLogs(key);

        // Where the source is: a deploy-time parameter. Prod has no default, so a prod deployment without it stops
        // before anything changes (INF-7); elsewhere a placeholder that resolves nowhere.
        CfnParameter host = ComputeStack.parameter(this, env.suffix(), SOURCE_ENDPOINT_PARAMETER, prod ? null : PLACEHOLDER_HOST, "^[A-Za-z0-9.-]{1,253}$",
                "a host name or IP address of the MySQL-compatible source", "Host of the source database of subscriber profiles");
        CfnParameter port = ComputeStack.parameter(this, env.suffix(), "SourceDatabasePort", "3306", "^[0-9]{1,5}$", "a TCP port", "Port of the source database");
        CfnParameter schema = ComputeStack.parameter(this, env.suffix(), "SourceDatabaseName", "crm", "^[A-Za-z0-9_$]{1,64}$", "a database name",
                "Database (schema) of the profiles table");
        CfnParameter table = ComputeStack.parameter(this, env.suffix(), "SourceTable", "subscribers", "^[A-Za-z0-9_$]{1,64}$", "a table name",
                "Table of subscriber profiles at the source");

        // The network: a VPC of private subnets without internet access, reaching DynamoDB and Secrets Manager through
        // endpoints; the source must be reachable from it (peering, VPN or Direct Connect: docs/deploy.md).
        Vpc vpc = Vpc.Builder.create(this, "MigrationVpc").maxAzs(2).natGateways(0)
                .subnetConfiguration(List.of(SubnetConfiguration.builder().name("dms").subnetType(SubnetType.PRIVATE_ISOLATED)
                        .cidrMask(24).build()))
                .gatewayEndpoints(Map.of("DynamoDb", GatewayVpcEndpointOptions.builder().service(GatewayVpcEndpointAwsService.DYNAMODB).build()))
                .build();
        LogGroup flowLogs = LogGroup.Builder.create(this, "MigrationVpcFlowLogs").logGroupName("/sluice/" + env.name("migration-vpc-flow"))
                .retention(env.logRetention()).encryptionKey(key).removalPolicy(env.removalPolicy()).build();
        vpc.addFlowLog("FlowLogs", FlowLogOptions.builder().destination(FlowLogDestination.toCloudWatchLogs(flowLogs)).build());
        SecurityGroup sg = SecurityGroup.Builder.create(this, "ReplicationSecurityGroup").vpc(vpc)
                .description("Sluice DMS replication instance: outbound to the source, DynamoDB and Secrets Manager").build();
        vpc.addInterfaceEndpoint("SecretsManager", InterfaceVpcEndpointOptions.builder()
                .service(InterfaceVpcEndpointAwsService.SECRETS_MANAGER).privateDnsEnabled(true).build());

        // dms-vpc-role before the subnet group: DMS looks the role up by this exact name when the group is made.
        Role vpcRole = null;
        if (!"existing".equals(getNode().tryGetContext(VPC_ROLE_CONTEXT))) {
            vpcRole = Role.Builder.create(this, "DmsVpcRole").roleName(VPC_ROLE_NAME)
                    .assumedBy(new ServicePrincipal("dms.amazonaws.com"))
                    .description("AWS DMS manages network interfaces for its replication instances (account-wide, named by AWS)")
                    .managedPolicies(List.of(ManagedPolicy.fromAwsManagedPolicyName("service-role/AmazonDMSVPCManagementRole"))).build();
            AnalyticsStack.suppress(vpcRole, "AwsSolutions-IAM4", "AWS DMS requires exactly this role name with exactly this "
                    + "AWS managed policy (AWS-CONTRACTS.md section 7); no inline policy can stand in for it.");
        }
        List<String> subnets = new ArrayList<>();
        vpc.selectSubnets(SubnetSelection.builder().subnetType(SubnetType.PRIVATE_ISOLATED).build()).getSubnets()
                .forEach(s -> subnets.add(s.getSubnetId()));
        CfnReplicationSubnetGroup group = CfnReplicationSubnetGroup.Builder.create(this, "ReplicationSubnetGroup")
                .replicationSubnetGroupIdentifier(env.name("profiles-migration"))
                .replicationSubnetGroupDescription("Sluice profile migration (" + env.suffix() + ")").subnetIds(subnets).build();
        if (vpcRole != null) {
            group.getNode().addDependency(vpcRole);
        }

        CfnReplicationInstance instance = CfnReplicationInstance.Builder.create(this, "ReplicationInstance")
                .replicationInstanceIdentifier(env.name("profiles-migration"))
                .replicationInstanceClass(prod ? "dms.c6i.large" : "dms.t3.medium").allocatedStorage(50)
                .publiclyAccessible(false).multiAz(prod).kmsKeyId(key.getKeyArn()).autoMinorVersionUpgrade(true)
                .replicationSubnetGroupIdentifier(group.getRef()).vpcSecurityGroupIds(List.of(sg.getSecurityGroupId())).build();

        // The source's credentials: {"username", "password", "host", "port"} as DMS reads them; the password is
        // generated as a placeholder: put the real one in after the deploy (docs/deploy.md).
        Secret secret = Secret.Builder.create(this, "SourceCredentials").secretName(env.name("profiles-source"))
                .description("Credentials of the MySQL-compatible source of subscriber profiles (set the real ones after deploy)")
                .encryptionKey(key).removalPolicy(env.removalPolicy())
                .generateSecretString(SecretStringGenerator.builder().generateStringKey("password").excludePunctuation(true)
                        // The port as a JSON number, as DMS's secret format has it (the parameter's pattern allows digits only).
                        .secretStringTemplate(software.amazon.awscdk.Fn.join("", List.of("{\"host\":\"", host.getValueAsString(),
                                "\",\"port\":", port.getValueAsString(), ",\"username\":\"sluice_repl\"}"))).build()).build();
        AnalyticsStack.suppress(secret, "AwsSolutions-SMG4", "The source database's owner rotates its credentials; the secret "
                + "holds what they issue, and Sluice has no access to the source to rotate them itself.");
        Role secretRole = Role.Builder.create(this, "DmsSecretAccess").assumedBy(new ServicePrincipal("dms." + Aws.REGION + ".amazonaws.com"))
                .description("DMS reads the source's credentials").inlinePolicies(Map.of("read-source-secret", PolicyDocument.Builder.create()
                        .statements(List.of(
                                SluiceFunctions.statement("ReadSecret", List.of("secretsmanager:GetSecretValue"), secret.getSecretArn()),
                                PolicyStatement.Builder.create().sid("SecretKey").effect(Effect.ALLOW).actions(List.of("kms:Decrypt"))
                                        .resources(List.of(key.getKeyArn())).conditions(Map.of("StringEquals", Map.of("kms:ViaService",
                                                "secretsmanager." + Aws.REGION + ".amazonaws.com"))).build())).build())).build();
        String engine = String.valueOf(java.util.Objects.requireNonNullElse(getNode().tryGetContext("migrationEngine"), "mysql"));
        CfnEndpoint source = CfnEndpoint.Builder.create(this, "SourceEndpoint").endpointIdentifier(env.name("profiles-source"))
                .endpointType("source").engineName(engine).databaseName(schema.getValueAsString()).sslMode("require")
                .mySqlSettings(CfnEndpoint.MySqlSettingsProperty.builder().secretsManagerSecretId(secret.getSecretArn())
                        .secretsManagerAccessRoleArn(secretRole.getRoleArn()).build()).build();

        String profiles = data.table(TableKeys.PROFILES).getTableArn();
        Role targetRole = Role.Builder.create(this, "DmsDynamoDbAccess").assumedBy(new ServicePrincipal("dms.amazonaws.com"))
                .description("DMS writes profiles, and its own control tables, in DynamoDB").inlinePolicies(Map.of("write-profiles",
                        PolicyDocument.Builder.create().statements(List.of(
                                SluiceFunctions.statement("WriteProfiles", List.of("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
                                        "dynamodb:BatchWriteItem", "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:Query"), profiles),
                                SluiceFunctions.statement("DmsControlTables", List.of("dynamodb:CreateTable", "dynamodb:DescribeTable",
                                        "dynamodb:DeleteTable", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
                                        "dynamodb:BatchWriteItem", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"),
                                        "arn:" + Aws.PARTITION + ":dynamodb:" + Aws.REGION + ":" + Aws.ACCOUNT_ID + ":table/awsdms_*"),
                                SluiceFunctions.statement("ListTables", List.of("dynamodb:ListTables"), "*"),
                                PolicyStatement.Builder.create().sid("ProfilesKey").effect(Effect.ALLOW)
                                        .actions(List.of("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"))
                                        .resources(List.of(data.key().getKeyArn())).conditions(Map.of("StringEquals", Map.of("kms:ViaService",
                                                "dynamodb." + Aws.REGION + ".amazonaws.com"))).build())).build())).build();
        AnalyticsStack.suppress(targetRole, "AwsSolutions-IAM5", "DMS creates its control tables (awsdms_apply_exceptions, "
                + "awsdms_full_load_exceptions) in the target account under the awsdms_ prefix, and lists tables (an action with no "
                + "resource-level permission): the documented DynamoDB target role.");
        CfnEndpoint target = CfnEndpoint.Builder.create(this, "TargetEndpoint").endpointIdentifier(env.name("profiles-target"))
                .endpointType("target").engineName("dynamodb")
                .dynamoDbSettings(CfnEndpoint.DynamoDbSettingsProperty.builder().serviceAccessRoleArn(targetRole.getRoleArn()).build()).build();

        CfnReplicationTask task = CfnReplicationTask.Builder.create(this, "ProfilesTask").replicationTaskIdentifier(env.name("profiles"))
                .migrationType("full-load-and-cdc").replicationInstanceArn(instance.getRef())
                .sourceEndpointArn(source.getRef()).targetEndpointArn(target.getRef())
                .tableMappings(toJsonString(tableMappings(schema.getValueAsString(), table.getValueAsString(),
                        data.table(TableKeys.PROFILES).getTableName(), columns(getNode().tryGetContext("migrationColumns")))))
                .replicationTaskSettings(toJsonString(Sorted.keys(Map.of(
                        // DMS data validation does not support DynamoDB targets (CHAP_Validating): sluice migrate verify checks.
                        "ValidationSettings", Map.of("EnableValidation", false),
                        // The profile table belongs to the data stack: DMS writes into it, never drops or truncates it.
                        "FullLoadSettings", Map.of("TargetTablePrepMode", "DO_NOTHING"),
                        // Task logs would need the account-wide dms-cloudwatch-logs-role too; the task's state and
                        // table statistics stay visible in the DMS console and DescribeTableStatistics.
                        "Logging", Map.of("EnableLogging", false))))).build();

        CfnOutput.Builder.create(this, "ProfilesReplicationTaskArn").value(task.getRef())
                .description("DMS task: start it with aws dms start-replication-task --start-replication-task-type start-replication").build();
        CfnOutput.Builder.create(this, "ProfilesSourceSecretArn").value(secret.getSecretArn())
                .description("Put the source's real credentials here before starting the task").build();
    }

    /** Profile field -> source column, from {@code -c migrationColumns=msisdn=phone,plan=tariff,...}; unnamed fields keep their name. */
    static Map<String, String> columns(Object context) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String f : List.of("msisdn", "plan", "home_country", "status")) {
            out.put(f, f);
        }
        if (context != null && !context.toString().isBlank()) {
            for (String pair : context.toString().split(",")) {
                String[] kv = pair.split("=", 2);
                if (kv.length != 2 || !out.containsKey(kv[0].strip()) || !kv[1].strip().matches("[A-Za-z0-9_$]{1,64}")) {
                    throw new IllegalArgumentException("-c migrationColumns: '" + pair + "' is not FIELD=COLUMN with FIELD one of "
                            + out.keySet() + " and COLUMN a plain column name");
                }
                out.put(kv[0].strip(), kv[1].strip());
            }
        }
        return out;
    }

    /**
     * The task's table mappings: the source table selected, mapped record to record onto the profile table, the msisdn
     * column as its partition key and each profile field an attribute of the name the Sluice functions read.
     */
    static Map<String, Object> tableMappings(String schema, String table, String targetTable, Map<String, String> columns) {
        List<Map<String, Object>> attributes = new ArrayList<>();
        for (Map.Entry<String, String> c : columns.entrySet()) {
            attributes.add(Map.of("target-attribute-name", c.getKey(), "attribute-type", "scalar", "attribute-sub-type", "string",
                    "value", "${" + c.getValue() + "}"));
        }
        Map<String, Object> selection = Map.of("rule-type", "selection", "rule-id", "1", "rule-name", "profiles-table",
                "object-locator", Map.of("schema-name", schema, "table-name", table), "rule-action", "include");
        Map<String, Object> mapping = Map.of("rule-type", "object-mapping", "rule-id", "2", "rule-name", "to-profiles",
                "rule-action", "map-record-to-record", "object-locator", Map.of("schema-name", schema, "table-name", table),
                "target-table-name", targetTable,
                "mapping-parameters", Map.of("partition-key-name", "msisdn", "exclude-columns", List.of(),
                        "attribute-mappings", attributes));
        return Sorted.keys(Map.of("rules", List.of(selection, mapping)));
    }
}
