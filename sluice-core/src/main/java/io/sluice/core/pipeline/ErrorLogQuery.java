package io.sluice.core.pipeline;

import java.time.Instant;
import java.util.List;

/**
 * Reading the error log by function and time (MON-2): what the error table's {@code by-function-time} index is for on
 * AWS, and the dashboard's list of the latest errors on one machine. Apart from {@link ErrorLog} because the functions
 * only write (MON-5): their role cannot read the table.
 */
@FunctionalInterface
public interface ErrorLogQuery {

    /** The entries of {@code functionName} that occurred in [{@code from}, {@code to}), newest first, at most {@code limit}. */
    List<ErrorLog.Entry> recent(String functionName, Instant from, Instant to, int limit);
}
