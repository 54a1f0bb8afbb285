package io.sluice.core.contracts;

import java.util.List;

/**
 * One table's keys, all strings: its role (the physical name's stem, {@code sluice-<role>-<env>} on AWS),
 * partition and sort key, and at most one global secondary index (projection ALL). {@link #ALL} lists Sluice's
 * tables: the AWS adapters read and write by these keys, tests and {@code sluice invoke} create the tables in
 * DynamoDB Local from here, and the CDK app declares the same (INF-12).
 *
 * @param role              {@code profiles}, {@code usage}, {@code manifests}, {@code dead-letters}, {@code errors} or
 *                          {@code fraud}
 * @param partitionKey      the partition (hash) key
 * @param sortKey           the sort (range) key, or null
 * @param indexName         the global secondary index, or null
 * @param indexPartitionKey its partition key, or null
 * @param indexSortKey      its sort key, or null
 */
public record TableKeys(String role, String partitionKey, String sortKey, String indexName, String indexPartitionKey,
                        String indexSortKey) {

    public static final String PROFILES = "profiles";
    public static final String USAGE = "usage";
    public static final String MANIFESTS = "manifests";
    public static final String DEAD_LETTERS = "dead-letters";
    public static final String ERRORS = "errors";
    public static final String FRAUD = "fraud";
    public static final String TELEMETRY = "telemetry";

    /** The error log's index by function name and time (MON-2). */
    public static final String ERRORS_BY_FUNCTION_INDEX = "by-function-time";

    /** The fraud table's sparse index of the alerts that are open or owe a notification, by closing time (CDR-10). */
    public static final String FRAUD_PENDING_INDEX = "pending-by-time";

    /** The fraud table's time-to-live attribute (epoch seconds): kept calls and day usage expire, alerts do not. */
    public static final String FRAUD_EXPIRES_ATTRIBUTE = "expires_at";

    /** The telemetry table's time-to-live attribute (epoch seconds): readings, rollups and claims expire; devices do not. */
    public static final String TELEMETRY_EXPIRES_ATTRIBUTE = "expires_at";

    /**
     * Every table: subscriber profiles by {@code msisdn}; usage per subscriber-day, route statistics per hour and
     * the record claims ({@code pk}, {@code sk}); one manifest item per object version (OBJ-1, OBJ-2); dead letters
     * by content key (CDR-3); the error log with its index on function name and time (MON-2); the fraud rules' calls,
     * day usage and alerts ({@code pk}, {@code sk}) with the sparse index of pending alerts (CDR-10); telemetry
     * ({@code pk}, {@code sk}): readings by device, then metric and time, their rollups, threshold states, claims,
     * devices and rejected readings (IOT-1..IOT-5; sluice-aws DynamoDbTelemetry has the item layout).
     */
    public static final List<TableKeys> ALL = List.of(
            new TableKeys(PROFILES, "msisdn", null, null, null, null),
            new TableKeys(USAGE, "pk", "sk", null, null, null),
            new TableKeys(MANIFESTS, "object", null, null, null, null),
            new TableKeys(DEAD_LETTERS, "record_key", null, null, null, null),
            new TableKeys(ERRORS, "error_id", null, ERRORS_BY_FUNCTION_INDEX, "function_name", "occurred_at"),
            new TableKeys(FRAUD, "pk", "sk", FRAUD_PENDING_INDEX, "pending", "pending_at"),
            new TableKeys(TELEMETRY, "pk", "sk", null, null, null));
}
