package io.sluice.core.contracts;

import java.util.List;

/**
 * The stack outputs Sluice's tools read from a deployment (INF-6), named once: the CDK app declares them and
 * fails synth when one is missing, {@code sluice doctor --deployed} and integration helpers read them through
 * {@code io.sluice.aws.deploy.DeployedOutputs}.
 */
public final class OutputNames {
    // Data stack: the tables, the buckets, the key that encrypts them.
    public static final String PROFILES_TABLE = "ProfilesTableName";
    public static final String USAGE_TABLE = "UsageTableName";
    public static final String MANIFESTS_TABLE = "ManifestsTableName";
    public static final String DEAD_LETTERS_TABLE = "DeadLettersTableName";
    public static final String ERRORS_TABLE = "ErrorsTableName";
    public static final String FRAUD_TABLE = "FraudTableName";
    public static final String OBJECT_BUCKET = "ObjectBucketName";
    public static final String ARCHIVE_BUCKET = "ArchiveBucketName";
    public static final String DATA_KEY_ARN = "DataKeyArn";
    // Analytics stack: Firehose into the archive, the Glue catalog, Athena.
    public static final String ARCHIVE_DELIVERY_STREAM = "ArchiveDeliveryStreamName";
    public static final String GLUE_DATABASE = "GlueDatabaseName";
    public static final String ARCHIVE_CRAWLER = "ArchiveCrawlerName";
    public static final String ATHENA_WORKGROUP = "AthenaWorkGroupName";
    // Compute stack: the stream, the functions, the queues, the workflow, the alerts.
    public static final String CDR_STREAM = "CdrStreamName";
    public static final String STREAM_FUNCTION = "StreamFunctionName";
    public static final String OBJECT_FUNCTION = "ObjectFunctionName";
    public static final String REDRIVE_FUNCTION = "RedriveFunctionName";
    public static final String STREAM_REPLAY_FUNCTION = "StreamReplayFunctionName";
    public static final String OBJECT_QUEUE_URL = "ObjectQueueUrl";
    public static final String OBJECT_DLQ_URL = "ObjectDlqUrl";
    public static final String STREAM_FAILURES_QUEUE_URL = "StreamFailuresQueueUrl";
    public static final String ALERTS_TOPIC_ARN = "AlertsTopicArn";
    public static final String INGEST_WORKFLOW_ARN = "IngestWorkflowArn";

    /** Telemetry (IOT-1..IOT-6): the table is the data stack's; the rest is the telemetry stack's. */
    public static final String TELEMETRY_TABLE = "TelemetryTableName";
    public static final String TELEMETRY_API_URL = "TelemetryApiUrl";
    public static final String TELEMETRY_SECRET = "TelemetrySecretName";
    public static final String TELEMETRY_TOPIC = "TelemetryAlertsTopicArn";
    public static final String TELEMETRY_DELIVERY_STREAM = "TelemetryDeliveryStreamName";
    public static final String TELEMETRY_FUNCTION = "TelemetryFunctionName";

    /** Every output a complete deployment has, whichever stack declares it. */
    public static final List<String> REQUIRED = List.of(PROFILES_TABLE, USAGE_TABLE, MANIFESTS_TABLE, DEAD_LETTERS_TABLE, ERRORS_TABLE, FRAUD_TABLE,
            OBJECT_BUCKET, ARCHIVE_BUCKET, DATA_KEY_ARN, ARCHIVE_DELIVERY_STREAM, GLUE_DATABASE, ARCHIVE_CRAWLER, ATHENA_WORKGROUP,
            CDR_STREAM, STREAM_FUNCTION, OBJECT_FUNCTION, REDRIVE_FUNCTION, STREAM_REPLAY_FUNCTION, OBJECT_QUEUE_URL, OBJECT_DLQ_URL,
            STREAM_FAILURES_QUEUE_URL, ALERTS_TOPIC_ARN, INGEST_WORKFLOW_ARN, TELEMETRY_TABLE, TELEMETRY_API_URL, TELEMETRY_SECRET,
            TELEMETRY_TOPIC, TELEMETRY_DELIVERY_STREAM, TELEMETRY_FUNCTION);

    private static final java.util.Set<String> DATA = java.util.Set.of(PROFILES_TABLE, USAGE_TABLE, MANIFESTS_TABLE,
            DEAD_LETTERS_TABLE, ERRORS_TABLE, FRAUD_TABLE, TELEMETRY_TABLE, OBJECT_BUCKET, ARCHIVE_BUCKET, DATA_KEY_ARN);
    private static final java.util.Set<String> TELEMETRY = java.util.Set.of(TELEMETRY_API_URL, TELEMETRY_SECRET, TELEMETRY_TOPIC,
            TELEMETRY_DELIVERY_STREAM, TELEMETRY_FUNCTION);
    private static final java.util.Set<String> ANALYTICS = java.util.Set.of(ARCHIVE_DELIVERY_STREAM, GLUE_DATABASE, ARCHIVE_CRAWLER,
            ATHENA_WORKGROUP);

    private OutputNames() {
    }

    /** The stack that declares a required output, without its environment suffix: {@code SluiceData}, {@code SluiceAnalytics}, {@code SluiceCompute} or {@code SluiceTelemetry}. */
    public static String stackOf(String output) {
        if (!REQUIRED.contains(output)) {
            throw new IllegalArgumentException(output + " is not one of the outputs Sluice's tools read: " + REQUIRED);
        }
        return DATA.contains(output) ? "SluiceData" : ANALYTICS.contains(output) ? "SluiceAnalytics"
                : TELEMETRY.contains(output) ? "SluiceTelemetry" : "SluiceCompute";
    }
}
