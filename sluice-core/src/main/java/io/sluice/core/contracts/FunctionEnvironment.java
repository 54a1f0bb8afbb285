package io.sluice.core.contracts;

/**
 * The environment variables Sluice's Lambda functions read and the CDK app sets, named once (none is a reserved
 * name, INF-5), with the defaults a function uses when an optional one is not set.
 */
public final class FunctionEnvironment {
    // The stores of the stream and object functions (and of stream-replay, which runs the stream's pipeline).
    public static final String PROFILES_TABLE = "SLUICE_PROFILES_TABLE";
    public static final String USAGE_TABLE = "SLUICE_USAGE_TABLE";
    public static final String MANIFESTS_TABLE = "SLUICE_MANIFESTS_TABLE";
    public static final String DEAD_LETTERS_TABLE = "SLUICE_DEAD_LETTERS_TABLE";
    public static final String ERRORS_TABLE = "SLUICE_ERRORS_TABLE";
    public static final String FRAUD_TABLE = "SLUICE_FRAUD_TABLE";
    /**
     * The fraud rules (CDR-10): {@code off}, or the rules file's {@code key=value} pairs separated by {@code ;} (what
     * it leaves out keeps its default; unset: every rule at its default).
     */
    public static final String FRAUD_RULES = "SLUICE_FRAUD_RULES";
    /** The SNS topic fraud alerts are published to (unset: alerts are stored, not sent). */
    public static final String ALERTS_TOPIC = "SLUICE_ALERTS_TOPIC_ARN";
    /** The Firehose delivery stream of the archive. */
    public static final String ARCHIVE_STREAM = "SLUICE_ARCHIVE_STREAM";
    // Optional settings of the pipeline.
    public static final String SOURCE_ZONE = "SLUICE_SOURCE_ZONE";
    public static final String DEFAULT_COUNTRY = "SLUICE_DEFAULT_COUNTRY";
    /** The columns of FreeSWITCH's mod_cdr_csv template when not a stock one (FreeSwitchTemplate.parse reads it). */
    public static final String FREESWITCH_TEMPLATE = "SLUICE_FREESWITCH_TEMPLATE";
    public static final String MAX_OBJECT_BYTES = "SLUICE_MAX_OBJECT_BYTES";
    public static final String PROFILE_CACHE_SECONDS = "SLUICE_PROFILE_CACHE_SECONDS";
    // The operator functions' queues.
    /** The telemetry function (IOT-1..IOT-5): its table (readings, rollups, threshold states, claims, devices, rejected readings). */
    public static final String TELEMETRY_TABLE = "SLUICE_TELEMETRY_TABLE";
    /** The Secrets Manager secret (name or ARN) holding the telemetry API key that {@code x-api-key} must match. */
    public static final String TELEMETRY_SECRET = "SLUICE_TELEMETRY_SECRET_ID";
    /** The Firehose delivery stream of raw readings, converted to Parquet under {@code telemetry/dt=YYYY-MM-DD/}. */
    public static final String TELEMETRY_ARCHIVE_STREAM = "SLUICE_TELEMETRY_ARCHIVE_STREAM";
    /** Days readings and rollups are kept in the table (their TTL); {@link #DEFAULT_TELEMETRY_RETENTION_DAYS} unless set. */
    public static final String TELEMETRY_RETENTION_DAYS = "SLUICE_TELEMETRY_RETENTION_DAYS";
    public static final int DEFAULT_TELEMETRY_RETENTION_DAYS = 30;

    /** The redrive function: the object queue's dead-letter queue, and the object queue it sends messages back to. */
    public static final String OBJECT_DLQ_URL = "SLUICE_OBJECT_DLQ_URL";
    public static final String OBJECT_QUEUE_URL = "SLUICE_OBJECT_QUEUE_URL";
    /** The stream-replay function: the queue of Kinesis batches that ran out of retries. */
    public static final String STREAM_FAILURES_QUEUE_URL = "SLUICE_STREAM_FAILURES_QUEUE_URL";

    // The simulator function of a non-production environment (MON-6, -c simulator=true).
    /** Synthetic invocations it starts per scheduled run (once a minute): 100 unless set. */
    public static final String SIMULATOR_INVOCATIONS = "SLUICE_SIMULATOR_INVOCATIONS";
    /** The share of them that fail: 0.07 unless set. */
    public static final String SIMULATOR_ERROR_RATE = "SLUICE_SIMULATOR_ERROR_RATE";
    /** Their duration's median and p99 in ms, "P50,P99": 20,120 unless set. */
    public static final String SIMULATOR_LATENCY_MS = "SLUICE_SIMULATOR_LATENCY_MS";

    /** {@link #MAX_OBJECT_BYTES} unless set: 512 MiB (the event states an object's size, so larger ones are refused unread). */
    public static final long DEFAULT_MAX_OBJECT_BYTES = 512L * 1024 * 1024;
    /** {@link #PROFILE_CACHE_SECONDS} unless set: profiles are cached in the container for 5 minutes. */
    public static final long DEFAULT_PROFILE_CACHE_SECONDS = 300;

    private FunctionEnvironment() {
    }
}
