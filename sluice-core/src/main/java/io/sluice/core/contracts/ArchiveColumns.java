package io.sluice.core.contracts;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.SequencedMap;

/**
 * The archive schema (CDR-9, ANA-1): the partition column and the columns after it, in order, with their
 * Hive/Glue types. The Glue table Firehose converts rows against is declared from this list (sluice-infra), the
 * AWS archive rows are rendered in this order (sluice-aws), and tests hold the local Parquet archive to it.
 */
public final class ArchiveColumns {
    /** The partition column: the call's start day, {@code YYYY-MM-DD} (UTC); Firehose puts it in the S3 prefix. */
    public static final String PARTITION_COLUMN = "dt";

    /** The columns after {@link #PARTITION_COLUMN}, in order: name to Hive/Glue type. */
    public static final SequencedMap<String, String> COLUMNS = columns("start_time", "timestamp", "answer_time", "timestamp",
            "end_time", "timestamp", "duration", "int", "billsec", "int", "disposition", "string", "caller", "string",
            "caller_msisdn", "bigint", "callee", "string", "caller_e164", "boolean", "callee_e164", "boolean",
            "caller_withheld", "boolean", "callee_country", "string", "international", "boolean", "route", "string",
            "account", "string", "unique_id", "string", "plan", "string", "subscriber_status", "string",
            "known_subscriber", "boolean", "record_key", "string", "source", "string", "source_line", "bigint",
            "time_ambiguous", "boolean");

    private ArchiveColumns() {
    }

    private static SequencedMap<String, String> columns(String... nameTypePairs) {
        LinkedHashMap<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < nameTypePairs.length; i += 2) {
            m.put(nameTypePairs[i], nameTypePairs[i + 1]);
        }
        return Collections.unmodifiableSequencedMap(m);
    }
}
