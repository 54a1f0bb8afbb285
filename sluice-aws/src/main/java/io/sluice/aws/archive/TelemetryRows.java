package io.sluice.aws.archive;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.sluice.core.contracts.TelemetryColumns;
import io.sluice.core.pipeline.BatchId;
import io.sluice.core.telemetry.Reading;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Raw readings as rows of the telemetry archive (IOT-5): one JSON object and a newline per reading, the keys of
 * {@link TelemetryColumns} and {@code dt} (the reading's UTC day, which Firehose puts in the S3 prefix), timestamps UTC as
 * {@code yyyy-MM-dd HH:mm:ss.SSS}. Every row carries {@code reading_key}, the reading's identity: Firehose delivers at
 * least once, so queries keep one row per key.
 */
public final class TelemetryRows {
    private static final JsonFactory JSON = new JsonFactory();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    private TelemetryRows() {
    }

    /** The rows of one batch's readings, received at {@code receivedAtMillis}. */
    public static List<byte[]> render(BatchId batch, List<Reading> readings, long receivedAtMillis) {
        List<byte[]> out = new ArrayList<>(readings.size());
        String received = TIME.format(Instant.ofEpochMilli(receivedAtMillis));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        for (Reading r : readings) {
            bytes.reset();
            try (JsonGenerator g = JSON.createGenerator(bytes)) {
                g.writeStartObject();
                g.writeStringField(TelemetryColumns.PARTITION_COLUMN, LocalDate.ofInstant(Instant.ofEpochMilli(r.timestampMillis()), ZoneOffset.UTC).toString());
                g.writeStringField("device_id", r.deviceId());
                g.writeStringField("metric", r.metric());
                g.writeStringField("reading_time", TIME.format(Instant.ofEpochMilli(r.timestampMillis())));
                g.writeNumberField("value", r.value());
                g.writeStringField("unit", r.unit());
                g.writeObjectFieldStart("tags");
                for (Map.Entry<String, String> t : r.tags().entrySet()) {
                    g.writeStringField(t.getKey(), t.getValue());
                }
                g.writeEndObject();
                g.writeStringField("received_at", received);
                g.writeStringField("batch_id", batch.value());
                g.writeStringField("reading_key", r.key().hex());
                g.writeEndObject();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot render the archive row of a reading of " + r.deviceId(), e);
            }
            bytes.write('\n');
            out.add(bytes.toByteArray());
        }
        return out;
    }
}
