package io.sluice.core.contracts;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.SequencedMap;

/**
 * The archive schema of raw telemetry readings (IOT-5): the partition column and the columns after it, in order, with
 * their Hive/Glue types, under {@value #PREFIX} in the archive bucket. The Glue table Firehose converts against is
 * declared from this list (sluice-infra TelemetryStack), and the AWS rows are rendered in this order (sluice-aws).
 */
public final class TelemetryColumns {
    /** The table's name in the Glue database, and the S3 prefix of its files. */
    public static final String TABLE = "telemetry";
    public static final String PREFIX = "telemetry/";
    /** The partition column: the reading's day, {@code YYYY-MM-DD} (UTC). */
    public static final String PARTITION_COLUMN = "dt";

    /** The columns after {@link #PARTITION_COLUMN}: name to Hive/Glue type. */
    public static final SequencedMap<String, String> COLUMNS;

    static {
        LinkedHashMap<String, String> m = new LinkedHashMap<>();
        m.put("device_id", "string");
        m.put("metric", "string");
        m.put("reading_time", "timestamp");
        m.put("value", "double");
        m.put("unit", "string");
        m.put("tags", "map<string,string>");
        m.put("received_at", "timestamp");
        m.put("batch_id", "string");
        m.put("reading_key", "string");
        COLUMNS = Collections.unmodifiableSequencedMap(m);
    }

    private TelemetryColumns() {
    }
}
