package io.sluice.infra;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.glue.CfnTable;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.iam.ServicePrincipalOpts;
import software.amazon.awscdk.services.kinesisfirehose.CfnDeliveryStream;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.LogStream;

/**
 * JSON rows in, Parquet out: a Glue table of the archive and the Firehose stream that converts against it (CDR-9 for
 * calls, IOT-5 for readings), written once for both. The stream takes one JSON object per line carrying the partition
 * column {@code dt}, partitions by it (dynamic partitioning, MetadataExtraction), writes SNAPPY Parquet under its prefix of
 * the archive bucket with the data key, and puts what it could not convert under its error prefix; it has its own role
 * (the prefixes, the data key through S3, the table's schema, its log group) and log group. The table projects its day
 * partitions, so Athena finds a day as soon as Firehose wrote it.
 *
 * @param tableId     the table's construct id
 * @param streamId    the stream's construct id
 * @param streamName  the stream's name
 * @param table       the Glue table's name
 * @param description the table's description
 * @param columns     the columns after the partition column: name to Hive type
 * @param prefix      the S3 prefix of the Parquet files, ending in /
 * @param errorPrefix the S3 prefix of what Firehose could not convert, ending in /
 * @param objectsSid  the role's statement id for the objects it writes
 * @param role        the role's description
 * @param policy      the role's inline policy name
 */
record ParquetDelivery(String tableId, String streamId, String streamName, String table, String description,
                       Map<String, String> columns, String prefix, String errorPrefix, String objectsSid, String role, String policy) {
    /** The partition column of both archives: the UTC day, {@code YYYY-MM-DD}. */
    static final String PARTITION = "dt";

    /** The Glue table in {@code database} over {@link #prefix} of the archive bucket. */
    CfnTable glueTable(Stack scope, DataStack data, String database) {
        List<CfnTable.ColumnProperty> cols = new ArrayList<>();
        columns.forEach((name, type) -> cols.add(CfnTable.ColumnProperty.builder().name(name).type(type).build()));
        String location = "s3://" + data.archive().getBucketName() + "/" + prefix;
        return CfnTable.Builder.create(scope, tableId).catalogId(Aws.ACCOUNT_ID).databaseName(database)
                .tableInput(CfnTable.TableInputProperty.builder().name(table).tableType("EXTERNAL_TABLE").description(description)
                        // Partition projection: Athena finds a day's partition as soon as Firehose wrote it, without
                        // waiting for a crawler.
                        .parameters(Sorted.keys(Map.of("classification", "parquet", "parquet.compression", "SNAPPY", "EXTERNAL", "TRUE",
                                "projection.enabled", "true", "projection.dt.type", "date", "projection.dt.format", "yyyy-MM-dd",
                                "projection.dt.range", "2000-01-01,NOW", "projection.dt.interval", "1",
                                "projection.dt.interval.unit", "DAYS",
                                "storage.location.template", location + PARTITION + "=${dt}/")))
                        .partitionKeys(List.of(CfnTable.ColumnProperty.builder().name(PARTITION).type("string").build()))
                        .storageDescriptor(CfnTable.StorageDescriptorProperty.builder().location(location).columns(cols)
                                .inputFormat("org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat")
                                .outputFormat("org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat")
                                .serdeInfo(CfnTable.SerdeInfoProperty.builder()
                                        .serializationLibrary("org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe").build())
                                .build())
                        .build())
                .build();
    }

    /**
     * The stream, encrypted with {@code key}, converting against {@code glueTable} in {@code database}; its role may read
     * {@code tableArns} (catalog, database, table).
     */
    CfnDeliveryStream stream(Stack scope, SluiceEnvironment env, DataStack data, Key key, String database, List<String> tableArns,
                             CfnTable glueTable) {
        LogGroup logs = LogGroup.Builder.create(scope, "FirehoseLogs").logGroupName("/aws/kinesisfirehose/" + streamName)
                .retention(env.logRetention()).encryptionKey(key).removalPolicy(env.removalPolicy()).build();
        LogStream deliveryLog = LogStream.Builder.create(scope, "FirehoseDeliveryLog").logGroup(logs)
                .logStreamName("S3Delivery").removalPolicy(env.removalPolicy()).build();
        Role firehoseRole = Role.Builder.create(scope, "FirehoseRole")
                .assumedBy(new ServicePrincipal("firehose.amazonaws.com", ServicePrincipalOpts.builder()
                        .conditions(Map.of("StringEquals", Map.of("sts:ExternalId", Aws.ACCOUNT_ID))).build()))
                .description(role)
                .inlinePolicies(Map.of(policy, PolicyDocument.Builder.create().statements(List.of(
                        PolicyStatement.Builder.create().sid("ArchiveBucket")
                                .actions(List.of("s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"))
                                .resources(List.of(data.archive().getBucketArn())).build(),
                        PolicyStatement.Builder.create().sid(objectsSid)
                                .actions(List.of("s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload"))
                                .resources(List.of(data.archive().arnForObjects(prefix + "*"), data.archive().arnForObjects(errorPrefix + "*")))
                                .build(),
                        PolicyStatement.Builder.create().sid("ArchiveKeyThroughS3")
                                .actions(List.of("kms:GenerateDataKey", "kms:Decrypt"))
                                .resources(List.of(data.key().getKeyArn()))
                                .conditions(Map.of("StringEquals", Map.of("kms:ViaService", "s3." + Aws.REGION + ".amazonaws.com"))).build(),
                        PolicyStatement.Builder.create().sid("TableSchema")
                                .actions(List.of("glue:GetTable", "glue:GetTableVersion", "glue:GetTableVersions"))
                                .resources(tableArns).build(),
                        PolicyStatement.Builder.create().sid("DeliveryLog").actions(List.of("logs:PutLogEvents"))
                                .resources(List.of(logs.getLogGroupArn())).build()))
                        .build()))
                .build();
        AnalyticsStack.suppress(firehoseRole, "AwsSolutions-IAM5", "Firehose writes objects whose keys it makes up under " + prefix
                + " and " + errorPrefix + "; an object ARN cannot be narrower than its prefix. The log group ARN ends in :* as "
                + "CloudWatch Logs defines it.");
        CfnDeliveryStream stream = CfnDeliveryStream.Builder.create(scope, streamId).deliveryStreamName(streamName)
                .deliveryStreamType("DirectPut")
                .deliveryStreamEncryptionConfigurationInput(CfnDeliveryStream.DeliveryStreamEncryptionConfigurationInputProperty.builder()
                        .keyType("CUSTOMER_MANAGED_CMK").keyArn(key.getKeyArn()).build())
                .extendedS3DestinationConfiguration(CfnDeliveryStream.ExtendedS3DestinationConfigurationProperty.builder()
                        .bucketArn(data.archive().getBucketArn()).roleArn(firehoseRole.getRoleArn())
                        .prefix(prefix + PARTITION + "=!{partitionKeyFromQuery:dt}/")
                        .errorOutputPrefix(errorPrefix + "!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/")
                        // Dynamic partitioning and format conversion need a buffer of at least 64 MiB.
                        .bufferingHints(CfnDeliveryStream.BufferingHintsProperty.builder().sizeInMBs(128)
                                .intervalInSeconds(env.archiveBufferSeconds()).build())
                        .compressionFormat("UNCOMPRESSED") // Parquet compresses its pages itself (SNAPPY below)
                        .encryptionConfiguration(CfnDeliveryStream.EncryptionConfigurationProperty.builder()
                                .kmsEncryptionConfig(CfnDeliveryStream.KMSEncryptionConfigProperty.builder()
                                        .awskmsKeyArn(data.key().getKeyArn()).build()).build())
                        .cloudWatchLoggingOptions(CfnDeliveryStream.CloudWatchLoggingOptionsProperty.builder().enabled(true)
                                .logGroupName(logs.getLogGroupName()).logStreamName(deliveryLog.getLogStreamName()).build())
                        .dynamicPartitioningConfiguration(CfnDeliveryStream.DynamicPartitioningConfigurationProperty.builder()
                                .enabled(true).retryOptions(CfnDeliveryStream.RetryOptionsProperty.builder().durationInSeconds(300).build())
                                .build())
                        .processingConfiguration(CfnDeliveryStream.ProcessingConfigurationProperty.builder().enabled(true)
                                .processors(List.of(CfnDeliveryStream.ProcessorProperty.builder().type("MetadataExtraction")
                                        .parameters(List.of(
                                                CfnDeliveryStream.ProcessorParameterProperty.builder().parameterName("MetadataExtractionQuery")
                                                        .parameterValue("{dt: .dt}").build(),
                                                CfnDeliveryStream.ProcessorParameterProperty.builder().parameterName("JsonParsingEngine")
                                                        .parameterValue("JQ-1.6").build()))
                                        .build()))
                                .build())
                        .dataFormatConversionConfiguration(CfnDeliveryStream.DataFormatConversionConfigurationProperty.builder()
                                .enabled(true)
                                // OpenX reads the rows' "yyyy-MM-dd HH:mm:ss[.SSS]" times as Hive timestamps (and maps as maps).
                                .inputFormatConfiguration(CfnDeliveryStream.InputFormatConfigurationProperty.builder()
                                        .deserializer(CfnDeliveryStream.DeserializerProperty.builder()
                                                .openXJsonSerDe(CfnDeliveryStream.OpenXJsonSerDeProperty.builder().build()).build()).build())
                                .outputFormatConfiguration(CfnDeliveryStream.OutputFormatConfigurationProperty.builder()
                                        .serializer(CfnDeliveryStream.SerializerProperty.builder()
                                                .parquetSerDe(CfnDeliveryStream.ParquetSerDeProperty.builder().compression("SNAPPY").build())
                                                .build()).build())
                                .schemaConfiguration(CfnDeliveryStream.SchemaConfigurationProperty.builder()
                                        .catalogId(Aws.ACCOUNT_ID).databaseName(database).tableName(table).region(Aws.REGION)
                                        .roleArn(firehoseRole.getRoleArn()).versionId("LATEST").build())
                                .build())
                        .build())
                .build();
        stream.addResourceDependency(glueTable);
        stream.getNode().addDependency(firehoseRole);
        return stream;
    }
}
