package io.sluice.infra;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.sluice.core.contracts.ArchiveColumns;
import io.sluice.core.contracts.OutputNames;
import io.sluice.core.report.ReportCatalog;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.athena.CfnNamedQuery;
import software.amazon.awscdk.services.athena.CfnWorkGroup;
import software.amazon.awscdk.services.glue.CfnCrawler;
import software.amazon.awscdk.services.glue.CfnDatabase;
import software.amazon.awscdk.services.glue.CfnSecurityConfiguration;
import software.amazon.awscdk.services.glue.CfnTable;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kinesisfirehose.CfnDeliveryStream;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;

/**
 * The archive's way in and the ways to read it (CDR-9, ANA-1, ANA-2): Firehose turns the functions' JSON rows
 * into Parquet against the Glue table and writes them under {@code cdr/dt=YYYY-MM-DD/} (dynamic partitioning on
 * the row's {@code dt}); a crawler with RecrawlPolicy CRAWL_EVERYTHING adds the new day partitions to that table;
 * an Athena workgroup holds the standard reports as named queries, read from the same SQL files
 * {@code sluice report} runs locally.
 */
public final class AnalyticsStack extends Stack {
    /** The Glue table the archive is read through; the report SQL names it. */
    public static final String ARCHIVE_TABLE = "cdr";
    /** Where Firehose writes Parquet, and the Glue table's location. */
    public static final String ARCHIVE_PREFIX = "cdr/";

    private final CfnDeliveryStream deliveryStream;
    private final String database;

    public AnalyticsStack(Construct scope, String id, StackProps props, SluiceEnvironment env, DataStack data) {
        super(scope, id, props);
        Key key = Keys.create(this, "AnalyticsKey", env, "analytics", "Sluice Firehose stream, Glue and Firehose logs");
        Keys.allowLogs(key);

        // ------------------------------------------------------------------ Glue catalog (ANA-1)
        database = env.underscoredName("archive");
        CfnDatabase db = CfnDatabase.Builder.create(this, "GlueDatabase").catalogId(Aws.ACCOUNT_ID)
                .databaseInput(CfnDatabase.DatabaseInputProperty.builder().name(database)
                        .description("Sluice archive (" + env.suffix() + "): Parquet written by Firehose").build())
                .build();
        ParquetDelivery delivery = new ParquetDelivery("ArchiveTable", "ArchiveDeliveryStream", env.name("archive"), ARCHIVE_TABLE,
                "Accepted CDRs, one row each; partitioned by the call's start day (UTC)", ArchiveColumns.COLUMNS, ARCHIVE_PREFIX,
                "errors/", "ArchiveObjects", "Sluice Firehose: writes Parquet into the archive bucket, reads the Glue table's schema",
                "deliver-archive");
        // The crawler below keeps the catalog's partition list for engines other than Athena, which projects them.
        CfnTable table = delivery.glueTable(this, data, database);
        table.addResourceDependency(db);
        String catalogArn = arn("glue", "catalog");
        String databaseArn = arn("glue", "database/" + database);
        String tableArn = arn("glue", "table/" + database + "/" + ARCHIVE_TABLE);

        // ------------------------------------------------------------------ crawler: new day partitions
        String securityConfiguration = env.name("glue");
        CfnSecurityConfiguration security = CfnSecurityConfiguration.Builder.create(this, "GlueSecurity")
                .name(securityConfiguration)
                .encryptionConfiguration(CfnSecurityConfiguration.EncryptionConfigurationProperty.builder()
                        .cloudWatchEncryption(CfnSecurityConfiguration.CloudWatchEncryptionProperty.builder()
                                .cloudWatchEncryptionMode("SSE-KMS").kmsKeyArn(key.getKeyArn()).build())
                        .jobBookmarksEncryption(CfnSecurityConfiguration.JobBookmarksEncryptionProperty.builder()
                                .jobBookmarksEncryptionMode("CSE-KMS").kmsKeyArn(key.getKeyArn()).build())
                        .s3Encryptions(List.of(CfnSecurityConfiguration.S3EncryptionProperty.builder()
                                .s3EncryptionMode("SSE-KMS").kmsKeyArn(data.key().getKeyArn()).build()))
                        .build())
                .build();
        String crawlerName = env.name("archive-crawler");
        // Role names are global in an account: the region keeps two regions' deployments apart. The crawler's log
        // group is named after the role, so the role's own policy names it literally.
        String crawlerRoleName = "sluice-crawler-" + Aws.REGION + "-" + env.suffix();
        String crawlerLogGroup = "/aws-glue/crawlers-role/" + crawlerRoleName + "-" + securityConfiguration;
        String crawlerLogArn = "arn:" + Aws.PARTITION + ":logs:" + Aws.REGION + ":" + Aws.ACCOUNT_ID + ":log-group:" + crawlerLogGroup;
        Role crawlerRole = Role.Builder.create(this, "CrawlerRole").roleName(crawlerRoleName)
                .assumedBy(new ServicePrincipal("glue.amazonaws.com"))
                .description("Sluice crawler: reads the archive, adds partitions to its Glue table")
                .inlinePolicies(Map.of("crawl-archive", PolicyDocument.Builder.create().statements(List.of(
                        PolicyStatement.Builder.create().sid("CatalogPartitions")
                                .actions(List.of("glue:GetDatabase", "glue:GetTable", "glue:UpdateTable", "glue:GetPartition",
                                        "glue:GetPartitions", "glue:BatchGetPartition", "glue:CreatePartition",
                                        "glue:BatchCreatePartition", "glue:UpdatePartition", "glue:BatchUpdatePartition"))
                                .resources(List.of(catalogArn, databaseArn, tableArn)).build(),
                        PolicyStatement.Builder.create().sid("ReadSecurityConfiguration")
                                .actions(List.of("glue:GetSecurityConfiguration")).resources(List.of("*")).build(),
                        PolicyStatement.Builder.create().sid("ListArchive").actions(List.of("s3:ListBucket", "s3:GetBucketLocation"))
                                .resources(List.of(data.archive().getBucketArn())).build(),
                        PolicyStatement.Builder.create().sid("ReadArchive").actions(List.of("s3:GetObject"))
                                .resources(List.of(data.archive().arnForObjects(ARCHIVE_PREFIX + "*"))).build(),
                        PolicyStatement.Builder.create().sid("DecryptArchive").actions(List.of("kms:Decrypt"))
                                .resources(List.of(data.key().getKeyArn())).build(),
                        PolicyStatement.Builder.create().sid("EncryptedCrawlerLogs")
                                .actions(List.of("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:AssociateKmsKey"))
                                .resources(List.of(crawlerLogArn, crawlerLogArn + ":*"))
                                .build(),
                        PolicyStatement.Builder.create().sid("LogKey").actions(List.of("kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"))
                                .resources(List.of(key.getKeyArn())).build()))
                        .build()))
                .build();
        suppress(crawlerRole, "AwsSolutions-IAM5", "Object ARNs under the archive's cdr/ prefix and the crawler's log streams "
                + "cannot be listed one by one; the wildcards stay inside Sluice's prefix and log group. "
                + "glue:GetSecurityConfiguration takes no resource (AWS requires *).");
        // Glue writes the crawler's log group itself, named after the role and the security configuration; made
        // here, it has the environment's retention and removal and the key from the start.
        LogGroup crawlerLogs = LogGroup.Builder.create(this, "CrawlerLogs").logGroupName(crawlerLogGroup)
                .retention(env.logRetention()).encryptionKey(key).removalPolicy(env.removalPolicy()).build();
        CfnCrawler crawler = CfnCrawler.Builder.create(this, "ArchiveCrawler").name(crawlerName).role(crawlerRole.getRoleArn())
                .description("Adds new day partitions of the archive table; never changes its schema (Firehose converts against it)")
                .databaseName(database)
                .targets(CfnCrawler.TargetsProperty.builder().catalogTargets(List.of(CfnCrawler.CatalogTargetProperty.builder()
                        .databaseName(database).tables(List.of(ARCHIVE_TABLE)).build())).build())
                // Catalog targets take DeleteBehavior LOG; UpdateBehavior LOG keeps the declared schema as it is.
                .schemaChangePolicy(CfnCrawler.SchemaChangePolicyProperty.builder().updateBehavior("LOG").deleteBehavior("LOG").build())
                .recrawlPolicy(CfnCrawler.RecrawlPolicyProperty.builder().recrawlBehavior("CRAWL_EVERYTHING").build())
                .crawlerSecurityConfiguration(securityConfiguration)
                .schedule(CfnCrawler.ScheduleProperty.builder().scheduleExpression("cron(15 0 * * ? *)").build())
                // New partitions take the table's schema, not one inferred from their files.
                .configuration("{\"Version\":1.0,\"CrawlerOutput\":{\"Partitions\":{\"AddOrUpdateBehavior\":\"InheritFromTable\"}}}")
                .build();
        crawler.getNode().addDependency(crawlerLogs);
        crawler.addResourceDependency(table);
        crawler.addResourceDependency(security);

        // ------------------------------------------------------------------ Firehose: JSON rows in, Parquet out (CDR-9)
        deliveryStream = delivery.stream(this, env, data, key, database, List.of(catalogArn, databaseArn, tableArn), table);

        // ------------------------------------------------------------------ Athena: the standard reports (ANA-2)
        String workGroupName = env.name("reports");
        CfnWorkGroup workGroup = CfnWorkGroup.Builder.create(this, "AthenaWorkGroup").name(workGroupName)
                .description("Sluice reports over the archive (" + env.suffix() + ")").state("ENABLED")
                .recursiveDeleteOption(env.disposable())
                .workGroupConfiguration(CfnWorkGroup.WorkGroupConfigurationProperty.builder()
                        .enforceWorkGroupConfiguration(true).publishCloudWatchMetricsEnabled(true)
                        .bytesScannedCutoffPerQuery(50L * 1024 * 1024 * 1024) // 50 GiB: a runaway query stops at about $0.25
                        .engineVersion(CfnWorkGroup.EngineVersionProperty.builder().selectedEngineVersion("Athena engine version 3").build())
                        .resultConfiguration(CfnWorkGroup.ResultConfigurationProperty.builder()
                                .outputLocation("s3://" + data.athenaResults().getBucketName() + "/")
                                .encryptionConfiguration(CfnWorkGroup.EncryptionConfigurationProperty.builder()
                                        .encryptionOption("SSE_KMS").kmsKey(data.key().getKeyArn()).build())
                                .build())
                        .build())
                .build();
        for (String report : ReportCatalog.NAMES) {
            CfnNamedQuery query = CfnNamedQuery.Builder.create(this, "Report" + DataStack.camel(report))
                    .name(report).description(ReportCatalog.description(report)).database(database).workGroup(workGroupName)
                    .queryString(ReportCatalog.sql(report).orElseThrow()).build();
            query.addResourceDependency(workGroup);
            query.addResourceDependency(db);
        }

        output(OutputNames.ARCHIVE_DELIVERY_STREAM, deliveryStream.getRef(), "Firehose stream the functions archive to");
        output("ArchiveDeliveryStreamArn", deliveryStream.getAttrArn(), "Firehose stream ARN");
        output(OutputNames.GLUE_DATABASE, database, "Glue database of the archive");
        output("ArchiveTableName", ARCHIVE_TABLE, "Glue table of the archive (the reports' FROM)");
        output(OutputNames.ARCHIVE_CRAWLER, crawlerName, "Crawler that adds day partitions (daily, and on demand)");
        output(OutputNames.ATHENA_WORKGROUP, workGroupName, "Athena workgroup with the standard reports as named queries");
    }

    private String arn(String service, String resource) {
        return "arn:" + Aws.PARTITION + ":" + service + ":" + Aws.REGION + ":" + Aws.ACCOUNT_ID + ":" + resource;
    }

    private void output(String name, String value, String description) {
        CfnOutput.Builder.create(this, name).value(value).description(description).build();
    }

    static void suppress(Construct construct, String rule, String reason) {
        NagSuppressions.addResourceSuppressions(construct, List.of(NagPackSuppression.builder().id(rule).reason(reason).build()), true);
    }

    /** The Glue database of the archive, {@code sluice_archive_<suffix>}: the telemetry stack adds its table to it. */
    public String databaseName() {
        return database;
    }

    /** The ARNs a reader of table {@code table}'s schema names: the catalog, this database and the table (IAM for Glue). */
    public List<String> glueTableArns(String table) {
        return List.of(arn("glue", "catalog"), arn("glue", "database/" + database), arn("glue", "table/" + database + "/" + table));
    }

    /** The Firehose delivery stream's name, for the functions' SLUICE_ARCHIVE_STREAM. */
    public String deliveryStreamName() {
        return deliveryStream.getRef();
    }

    public String deliveryStreamArn() {
        return deliveryStream.getAttrArn();
    }
}
