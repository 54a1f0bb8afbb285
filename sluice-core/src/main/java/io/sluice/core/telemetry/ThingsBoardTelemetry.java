package io.sluice.core.telemetry;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * ThingsBoard's device telemetry shapes (IOT-7), so that firmware written for ThingsBoard's HTTP device API posts to
 * Sluice unchanged: {@code {"temperature": 42, "humidity": 73}} (stamped with the receive time),
 * {@code {"ts": 1451649600512, "values": {...}}}, or an array of those. Each key and value becomes one Sluice reading of
 * the device the token names, written as the Sluice JSON body, so that {@link TelemetryParser} applies the same rules as to
 * every other entry: a value that is not a number (ThingsBoard also takes strings, booleans and JSON) is rejected on its
 * own, with its index among the readings made.
 */
public final class ThingsBoardTelemetry {
    private static final JsonFactory JSON = JsonFactory.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private ThingsBoardTelemetry() {
    }

    /** {@code body} as a Sluice telemetry body of {@code deviceId}, received at {@code receivedAtMillis}. */
    public static byte[] toSluice(byte[] body, String deviceId, long receivedAtMillis, TelemetryConfig cfg) throws TelemetryParser.Refused {
        if (body.length > cfg.maxBodyBytes()) {
            throw new TelemetryParser.Refused(TelemetryParser.Refused.Kind.TOO_LARGE, "body is " + body.length
                    + " bytes, over the limit of " + cfg.maxBodyBytes());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length * 2 + 16);
        int[] readings = {0};
        try (JsonParser p = JSON.createParser(body); JsonGenerator g = JSON.createGenerator(out)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new TelemetryParser.Refused(TelemetryParser.Refused.Kind.EMPTY, "empty body: no telemetry");
            }
            g.writeStartArray();
            if (first == JsonToken.START_ARRAY) {
                for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                    if (t != JsonToken.START_OBJECT) {
                        throw new TelemetryParser.Refused(TelemetryParser.Refused.Kind.NOT_READINGS,
                                "each element of a telemetry array is an object ({\"ts\":..,\"values\":{..}} or {\"key\":value})");
                    }
                    object(p, g, deviceId, receivedAtMillis, cfg, readings);
                }
            } else if (first == JsonToken.START_OBJECT) {
                object(p, g, deviceId, receivedAtMillis, cfg, readings);
            } else {
                throw new TelemetryParser.Refused(TelemetryParser.Refused.Kind.NOT_READINGS,
                        "telemetry is an object ({\"key\":value} or {\"ts\":..,\"values\":{..}}) or an array of them");
            }
            if (p.nextToken() != null) {
                throw new TelemetryParser.Refused(TelemetryParser.Refused.Kind.INVALID_JSON, "more than one JSON value in the body");
            }
            g.writeEndArray();
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new TelemetryParser.Refused(TelemetryParser.Refused.Kind.INVALID_JSON, "invalid JSON" + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new TelemetryParser.Refused(TelemetryParser.Refused.Kind.INVALID_JSON, "unreadable body: " + e.getMessage());
        }
        return out.toByteArray();
    }

    /** One object: {"ts":..,"values":{..}} or a flat {"key": value, ...}; the parser is at its START_OBJECT. */
    private static void object(JsonParser p, JsonGenerator g, String device, long now, TelemetryConfig cfg, int[] readings)
            throws IOException, TelemetryParser.Refused {
        // Read the object's members first: "ts" may come after "values".
        java.util.List<String> names = new java.util.ArrayList<>();
        java.util.List<byte[]> values = new java.util.ArrayList<>();
        String ts = null;
        boolean tsValues = false;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String name = p.currentName();
            p.nextToken();
            if (name.equals("ts") && p.currentToken().isNumeric()) {
                ts = p.getText();
            } else if (name.equals("values") && p.currentToken() == JsonToken.START_OBJECT) {
                tsValues = true;
                for (JsonToken v = p.nextToken(); v != JsonToken.END_OBJECT; v = p.nextToken()) {
                    names.add(p.currentName());
                    p.nextToken();
                    values.add(copy(p, cfg.maxDepth()));
                }
            } else {
                names.add(name);
                values.add(copy(p, cfg.maxDepth()));
            }
        }
        if (tsValues && ts == null) {
            throw new TelemetryParser.Refused(TelemetryParser.Refused.Kind.NOT_READINGS, "\"values\" goes with a numeric \"ts\"");
        }
        for (int i = 0; i < names.size(); i++) {
            if (++readings[0] > cfg.maxReadings()) {
                throw new TelemetryParser.Refused(TelemetryParser.Refused.Kind.TOO_MANY_READINGS, "more than " + cfg.maxReadings()
                        + " readings in one request; split it");
            }
            g.writeStartObject();
            g.writeStringField("deviceId", device);
            g.writeFieldName("timestamp");
            if (ts != null) {
                g.writeNumber(ts);
            } else {
                g.writeNumber(now);
            }
            g.writeStringField("metric", names.get(i));
            g.writeFieldName("value");
            g.writeRawValue(new String(values.get(i), java.nio.charset.StandardCharsets.UTF_8));
            g.writeEndObject();
        }
    }

    /** The current value, copied as JSON text, nested at most {@code maxDepth}. */
    private static byte[] copy(JsonParser p, int maxDepth) throws IOException, TelemetryParser.Refused {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(b)) {
            int depth = 0;
            do {
                JsonToken t = p.currentToken();
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    if (++depth > maxDepth) {
                        throw new TelemetryParser.Refused(TelemetryParser.Refused.Kind.TOO_DEEP, "JSON nested deeper than " + maxDepth + " levels");
                    }
                } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    depth--;
                }
                g.copyCurrentEvent(p);
                if (depth > 0) {
                    p.nextToken();
                }
            } while (depth > 0);
        }
        return b.toByteArray();
    }
}
