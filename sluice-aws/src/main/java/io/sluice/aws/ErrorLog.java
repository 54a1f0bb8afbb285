package io.sluice.aws;

import java.time.Instant;

/**
 * Where a function records an error (MON-2): the DynamoDB error table on AWS. Recording never throws; a store
 * that cannot be written falls back to the plain log.
 */
@FunctionalInterface
public interface ErrorLog {

    /** Records the error and returns its id. */
    String record(String functionName, Instant at, Throwable error, long durationMillis, String event);
}
