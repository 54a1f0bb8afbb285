package io.sluice.infra;

import io.sluice.core.contracts.EnvironmentSuffix;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.logs.RetentionDays;

/**
 * One deployment environment and its settings, in one typed place (INF-1, INF-7, INF-10, INF-14): the suffix
 * every physical name carries, what happens to data when a stack is deleted, capacity, function sizes and the
 * monthly budget. {@link #of} holds the settings of each environment.
 *
 * @param suffix                    {@code dev}, {@code staging}, {@code prod} or {@code pr<digits>} ({@link EnvironmentSuffix})
 * @param removalPolicy             destroy (and empty buckets) for dev and pull-request environments, retain for
 *                                  staging and prod
 * @param profilesOnDemand          profiles table on demand instead of provisioned (MIG-2: pull-request
 *                                  environments, idle most of the time, prefer it)
 * @param profilesMinRead           profiles table: provisioned read capacity, auto-scaled between min and max
 * @param profilesMaxRead           (both within the per-table quota: checked at synth, INF-2)
 * @param profilesMinWrite          provisioned write capacity, auto-scaled
 * @param profilesMaxWrite          upper bound of the write scaling
 * @param logRetention              how long function, workflow and Firehose logs are kept
 * @param streamMemoryMb            memory of the stream function (its CPU share grows with it)
 * @param streamTimeoutSeconds      timeout of the stream function: one Kinesis batch
 * @param objectMemoryMb            memory of the object function
 * @param objectTimeoutSeconds      timeout of the object function: one whole file (the queue's visibility timeout
 *                                  is six times this, as Lambda advises)
 * @param streamReservedConcurrency reserved concurrency of the stream function, or null for none: a new account's
 *                                  concurrency limit may be too small to reserve any (checked at synth)
 * @param objectReservedConcurrency reserved concurrency of the object function, or null
 * @param parallelizationFactor     concurrent batches per Kinesis shard (1..10); the record ledger keeps counts
 *                                  exact at any value
 * @param archiveBufferSeconds      Firehose buffer interval before it writes a Parquet file (60..900)
 * @param monthlyBudgetUsd          the AWS Budgets cost limit of the environment; alerts at 80 % actual and 100 %
 *                                  forecast
 * @param alarms                    the functions' alarm thresholds (MON-3)
 */
public record SluiceEnvironment(String suffix, RemovalPolicy removalPolicy, boolean profilesOnDemand, int profilesMinRead, int profilesMaxRead,
                                int profilesMinWrite, int profilesMaxWrite, RetentionDays logRetention, int streamMemoryMb,
                                int streamTimeoutSeconds, int objectMemoryMb, int objectTimeoutSeconds,
                                Integer streamReservedConcurrency, Integer objectReservedConcurrency, int parallelizationFactor,
                                int archiveBufferSeconds, int monthlyBudgetUsd, Alarms alarms) {

    /**
     * When a function's alarms fire (MON-3), each over 5-minute periods, alarm and OK actions to the alerts topic.
     *
     * @param errorRatePercent   errors / invocations x 100 above this, over {@code errorPeriods} consecutive periods
     * @param errorPeriods       consecutive periods for the error rate and the duration
     * @param streamP99Millis    the stream function's p99 duration above this (one Kinesis batch)
     * @param objectP99Percent   the object function's p99 duration above this share of its timeout: a file takes
     *                           seconds to minutes, so its warning sign is nearing the timeout, not 500 ms
     * @param throttles          throttles at or above this in one period
     */
    public record Alarms(double errorRatePercent, int errorPeriods, int streamP99Millis, int objectP99Percent, int throttles) {
        /** MON-3's thresholds: error rate > 5 % over 2 periods, p99 > 500 ms over 2 periods, throttles >= 5 in 1. */
        public static final Alarms MON_3 = new Alarms(5, 2, 500, 80, 5);
    }

    public SluiceEnvironment {
        if (!EnvironmentSuffix.isValid(suffix)) {
            throw new IllegalArgumentException("envSuffix '" + suffix + "' is not one of dev, staging, prod or pr<number> "
                    + "(e.g. pr123); pass it with -c envSuffix=...");
        }
        if (parallelizationFactor < 1 || parallelizationFactor > 10) {
            throw new IllegalArgumentException("parallelizationFactor " + parallelizationFactor + " of " + suffix
                    + " is outside Lambda's 1..10");
        }
        if (archiveBufferSeconds < 60 || archiveBufferSeconds > 900) {
            throw new IllegalArgumentException("archiveBufferSeconds " + archiveBufferSeconds + " of " + suffix
                    + " is outside Firehose's 60..900 (with dynamic partitioning)");
        }
    }

    /** The settings of an environment by its suffix (the {@code envSuffix} context value; default dev). */
    public static SluiceEnvironment of(String suffix) {
        String s = suffix == null || suffix.isBlank() ? EnvironmentSuffix.DEFAULT : suffix.trim();
        if (!EnvironmentSuffix.isValid(s)) {
            throw new IllegalArgumentException("envSuffix '" + s + "' is not one of dev, staging, prod or pr<number> "
                    + "(e.g. pr123); pass it with -c envSuffix=...");
        }
        return switch (s) {
            case "prod" -> new SluiceEnvironment(s, RemovalPolicy.RETAIN, false, 50, 2_000, 25, 1_000, RetentionDays.ONE_YEAR,
                    1_769, 120, 3_008, 900, 50, 20, 2, 300, 2_000, Alarms.MON_3);
            case "staging" -> new SluiceEnvironment(s, RemovalPolicy.RETAIN, false, 10, 500, 5, 250, RetentionDays.ONE_MONTH,
                    1_769, 120, 3_008, 900, null, null, 2, 300, 300, Alarms.MON_3);
            default -> new SluiceEnvironment(s, RemovalPolicy.DESTROY, s.startsWith("pr"), 5, 50, 5, 50, RetentionDays.TWO_WEEKS,
                    1_024, 60, 1_769, 300, null, null, 1, 60, 50, Alarms.MON_3);
        };
    }

    /** True where data goes with its stack: dev and pull-request environments. */
    public boolean disposable() {
        return removalPolicy == RemovalPolicy.DESTROY;
    }

    /** The physical name of a resource: {@code sluice-<resource>-<suffix>}. */
    public String name(String resource) {
        return "sluice-" + resource + "-" + suffix;
    }

    /** A name where only letters, digits and underscores are taken (Glue databases, for Athena): {@code sluice_<x>_<suffix>}. */
    public String underscoredName(String resource) {
        return "sluice_" + resource.replace('-', '_') + "_" + suffix;
    }
}
