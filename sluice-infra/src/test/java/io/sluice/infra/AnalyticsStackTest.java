package io.sluice.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.contracts.ArchiveColumns;
import io.sluice.core.report.ReportCatalog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The analytics stack's template (CDR-9, ANA-1, ANA-2, INF-8): archive delivery, catalog, crawler, reports. */
class AnalyticsStackTest {
    private static Template dev;

    @BeforeAll
    static void synth() {
        dev = Synthesized.of("dev").analytics();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> props(Template t, String type) {
        Map<String, Map<String, Object>> found = t.findResources(type);
        assertThat(found).as(type).hasSize(1);
        return (Map<String, Object>) found.values().iterator().next().get("Properties");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theGlueTableIsTheArchiveSchemaTheFunctionsWrite() {
        Map<String, Object> input = (Map<String, Object>) props(dev, "AWS::Glue::Table").get("TableInput");
        assertThat(input.get("Name")).isEqualTo(AnalyticsStack.ARCHIVE_TABLE);
        // Athena projects the day partitions: today's data answers before the crawler has run
        assertThat((Map<String, Object>) input.get("Parameters")).containsEntry("projection.enabled", "true")
                .containsEntry("projection.dt.type", "date").containsEntry("projection.dt.format", "yyyy-MM-dd");
        assertThat(input.get("PartitionKeys")).isEqualTo(List.of(Map.of("Name", "dt", "Type", "string")));
        Map<String, Object> sd = (Map<String, Object>) input.get("StorageDescriptor");
        List<Map<String, Object>> expected = new ArrayList<>();
        ArchiveColumns.COLUMNS.forEach((name, type) -> expected.add(Map.of("Name", name, "Type", type)));
        assertThat(sd.get("Columns")).isEqualTo(expected);
        assertThat(sd.get("SerdeInfo")).isEqualTo(Map.of("SerializationLibrary", "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"));
        dev.hasResourceProperties("AWS::Glue::Database", Map.of("DatabaseInput", Match.objectLike(Map.of("Name", "sluice_archive_dev"))));
    }

    @Test
    void theCrawlerRecrawlsEverythingAndOnlyAddsPartitions() {
        dev.hasResourceProperties("AWS::Glue::Crawler", Map.of(
                "Name", "sluice-archive-crawler-dev",
                "RecrawlPolicy", Map.of("RecrawlBehavior", "CRAWL_EVERYTHING"),
                "SchemaChangePolicy", Map.of("UpdateBehavior", "LOG", "DeleteBehavior", "LOG"),
                "Targets", Map.of("CatalogTargets", List.of(Map.of("DatabaseName", "sluice_archive_dev", "Tables", List.of("cdr")))),
                "CrawlerSecurityConfiguration", "sluice-glue-dev",
                "Configuration", "{\"Version\":1.0,\"CrawlerOutput\":{\"Partitions\":{\"AddOrUpdateBehavior\":\"InheritFromTable\"}}}"));
        // its log group is the stack's: retention, key, removal
        assertThat(dev.findResources("AWS::Logs::LogGroup", Map.of("Properties", Map.of("LogGroupName", Map.of("Fn::Join",
                List.of("", List.of("/aws-glue/crawlers-role/sluice-crawler-", Map.of("Ref", "AWS::Region"), "-dev-sluice-glue-dev")))))))
                .hasSize(1);
        dev.allResourcesProperties("AWS::Logs::LogGroup", Map.of("RetentionInDays", 14, "KmsKeyId", Match.anyValue()));
        dev.hasResourceProperties("AWS::Glue::SecurityConfiguration", Map.of("EncryptionConfiguration", Match.objectLike(Map.of(
                "CloudWatchEncryption", Match.objectLike(Map.of("CloudWatchEncryptionMode", "SSE-KMS"))))));
    }

    @Test
    void firehoseWritesParquetPartitionedByDayEncryptedWithErrorsApart() {
        dev.hasResourceProperties("AWS::KinesisFirehose::DeliveryStream", Map.of(
                "DeliveryStreamName", "sluice-archive-dev",
                "DeliveryStreamEncryptionConfigurationInput", Match.objectLike(Map.of("KeyType", "CUSTOMER_MANAGED_CMK")),
                "ExtendedS3DestinationConfiguration", Match.objectLike(Map.of(
                        "Prefix", "cdr/dt=!{partitionKeyFromQuery:dt}/",
                        "ErrorOutputPrefix", "errors/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/",
                        "BufferingHints", Map.of("SizeInMBs", 128, "IntervalInSeconds", 60),
                        "CompressionFormat", "UNCOMPRESSED",
                        "DynamicPartitioningConfiguration", Match.objectLike(Map.of("Enabled", true)),
                        "ProcessingConfiguration", Map.of("Enabled", true, "Processors", List.of(Map.of("Type", "MetadataExtraction",
                                "Parameters", List.of(Map.of("ParameterName", "MetadataExtractionQuery", "ParameterValue", "{dt: .dt}"),
                                        Map.of("ParameterName", "JsonParsingEngine", "ParameterValue", "JQ-1.6"))))),
                        "DataFormatConversionConfiguration", Match.objectLike(Map.of("Enabled", true,
                                "OutputFormatConfiguration", Map.of("Serializer", Map.of("ParquetSerDe", Map.of("Compression", "SNAPPY"))),
                                "SchemaConfiguration", Match.objectLike(Map.of("DatabaseName", "sluice_archive_dev", "TableName", "cdr",
                                        "VersionId", "LATEST"))))))));
    }

    @Test
    @SuppressWarnings("unchecked")
    void athenaHoldsTheSameReportSqlAsTheLocalEngine() {
        dev.hasResourceProperties("AWS::Athena::WorkGroup", Map.of("Name", "sluice-reports-dev", "WorkGroupConfiguration",
                Match.objectLike(Map.of("EnforceWorkGroupConfiguration", true, "ResultConfiguration", Match.objectLike(Map.of(
                        "EncryptionConfiguration", Match.objectLike(Map.of("EncryptionOption", "SSE_KMS"))))))));
        Map<String, Map<String, Object>> queries = dev.findResources("AWS::Athena::NamedQuery");
        assertThat(queries.values().stream().map(q -> ((Map<String, Object>) q.get("Properties")).get("Name")).toList())
                .containsExactlyInAnyOrderElementsOf(ReportCatalog.NAMES);
        for (String report : ReportCatalog.NAMES) {
            dev.hasResourceProperties("AWS::Athena::NamedQuery", Map.of("Name", report, "Database", "sluice_archive_dev",
                    "WorkGroup", "sluice-reports-dev", "QueryString", ReportCatalog.sql(report).orElseThrow()));
        }
    }

    @Test
    void cloudWatchLogsMayUseTheAnalyticsKeyForSluiceLogGroupsOnly() {
        dev.hasResourceProperties("AWS::KMS::Key", Map.of("EnableKeyRotation", true, "KeyPolicy", Map.of("Statement",
                Match.arrayWith(List.of(Match.objectLike(Map.of("Sid", "CloudWatchLogsEncryptSluiceLogGroups",
                        "Condition", Map.of("ArnLike", Map.of("kms:EncryptionContext:aws:logs:arn", Match.anyValue())))))),
                "Version", "2012-10-17")));
    }
}
