package io.sluice.core.telemetry;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import io.sluice.core.telemetry.ReadingRejection.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A telemetry body read by the rules of {@link TelemetryConfig} (IOT-2, SEC-5): one JSON reading or an array of them,
 * fields {@code deviceId}, {@code timestamp} (epoch milliseconds, or ISO-8601 with an offset), {@code metric},
 * {@code value}, optional {@code unit} and {@code tags} (an object of strings, numbers or booleans). What no reading of
 * it can fix refuses the whole body ({@link Refused}: too large, not JSON, nested too deep, too many readings, neither an
 * object nor an array), so that nothing of a refused request is stored; otherwise each reading is taken or rejected on
 * its own, with its index, reason and original text.
 */
public final class TelemetryParser {
    private static final JsonFactory JSON = JsonFactory.builder()
            // NaN and Infinity are read, so that such a reading is refused on its own, with its index, not the whole body.
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .streamReadConstraints(StreamReadConstraints.builder().maxNumberLength(400).maxStringLength(1 << 20).build())
            .build();

    private TelemetryParser() {
    }

    /** A body refused whole. */
    public static final class Refused extends Exception {
        /** The kind, with the HTTP status an entry answers. */
        public enum Kind {
            EMPTY(400), TOO_LARGE(413), INVALID_JSON(400), TOO_DEEP(400), TOO_MANY_READINGS(413), NOT_READINGS(400);

            public final int status;

            Kind(int status) {
                this.status = status;
            }
        }

        private final Kind kind;

        public Refused(Kind kind, String message) {
            super(message, null, false, false);
            this.kind = kind;
        }

        public Kind kind() {
            return kind;
        }
    }

    /** A body read: the readings taken, in order, with their indexes, and the rejected ones. */
    public record Parsed(int readingsIn, List<Indexed> readings, List<ReadingRejection> rejected) {
    }

    /** A valid reading and its place in the request. */
    public record Indexed(int index, Reading reading, String original) {
    }

    /** A number as written: its text, kept to be read as the field needs it. */
    private record Num(String text) {
    }

    /** An element of the body and its original text. */
    private record Element(Object value, String original) {
    }

    /** Reads {@code body}, received at {@code receivedAtMillis} (the skew window's reference). */
    /** A reading's tags: at most this many, names and values at most this long (a reading stays a small row on both homes). */
    public static final int MAX_TAGS = 32;
    public static final int MAX_TAG_KEY_CHARS = 64;
    public static final int MAX_TAG_VALUE_CHARS = 256;

    public static Parsed parse(byte[] body, TelemetryConfig cfg, long receivedAtMillis) throws Refused {
        if (body.length > cfg.maxBodyBytes()) {
            throw new Refused(Refused.Kind.TOO_LARGE, "body is " + body.length + " bytes, over the limit of " + cfg.maxBodyBytes());
        }
        List<Element> elements = new ArrayList<>();
        try (JsonParser p = JSON.createParser(body)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new Refused(Refused.Kind.EMPTY, "empty body: no readings");
            }
            if (first == JsonToken.START_ARRAY) {
                for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                    if (t == null) {
                        throw new Refused(Refused.Kind.INVALID_JSON, "the array is not closed");
                    }
                    if (elements.size() >= cfg.maxReadings()) {
                        throw new Refused(Refused.Kind.TOO_MANY_READINGS, "more than " + cfg.maxReadings()
                                + " readings in one request; split it");
                    }
                    elements.add(element(p, body, 2, cfg.maxDepth()));
                }
            } else if (first == JsonToken.START_OBJECT) {
                elements.add(element(p, body, 1, cfg.maxDepth()));
            } else {
                throw new Refused(Refused.Kind.NOT_READINGS, "the body is a JSON " + kind(first) + ": send a reading (an object) or an array of them");
            }
            if (p.nextToken() != null) {
                throw new Refused(Refused.Kind.INVALID_JSON, "more than one JSON value in the body, at byte "
                        + p.currentTokenLocation().getByteOffset());
            }
        } catch (JsonProcessingException e) {
            // A limit of the reader (a number of hundreds of digits) comes without a location.
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new Refused(Refused.Kind.INVALID_JSON, "invalid JSON" + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new Refused(Refused.Kind.INVALID_JSON, "unreadable body: " + e.getMessage());
        }
        List<Indexed> readings = new ArrayList<>();
        List<ReadingRejection> rejected = new ArrayList<>();
        for (int i = 0; i < elements.size(); i++) {
            Element e = elements.get(i);
            try {
                readings.add(new Indexed(i, reading(e.value(), cfg, receivedAtMillis), e.original()));
            } catch (Rejected r) {
                rejected.add(new ReadingRejection(i, r.reason, r.getMessage(), e.original()));
            }
        }
        return new Parsed(elements.size(), readings, rejected);
    }

    private static String kind(JsonToken t) {
        return switch (t) {
            case VALUE_STRING -> "string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
            case VALUE_TRUE, VALUE_FALSE -> "boolean";
            case VALUE_NULL -> "null";
            default -> t.name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** The element at the current token, read whole, with its original text. */
    private static Element element(JsonParser p, byte[] body, int depth, int maxDepth) throws IOException, Refused {
        long start = p.currentTokenLocation().getByteOffset();
        Object v = value(p, depth, maxDepth);
        long end = p.currentLocation().getByteOffset();
        String original = start >= 0 && end >= start ? new String(body, (int) start, (int) (end - start), StandardCharsets.UTF_8) : "";
        return new Element(v, original);
    }

    private static Object value(JsonParser p, int depth, int maxDepth) throws IOException, Refused {
        JsonToken t = p.currentToken();
        if ((t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) && depth > maxDepth) {
            throw new Refused(Refused.Kind.TOO_DEEP, "JSON nested deeper than " + maxDepth + " levels, at byte "
                    + p.currentTokenLocation().getByteOffset());
        }
        switch (t) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
                    String name = p.currentName();
                    p.nextToken();
                    m.put(name, value(p, depth + 1, maxDepth));
                }
                return m;
            }
            case START_ARRAY -> {
                List<Object> l = new ArrayList<>();
                for (JsonToken k = p.nextToken(); k != JsonToken.END_ARRAY; k = p.nextToken()) {
                    l.add(value(p, depth + 1, maxDepth));
                }
                return l;
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return new Num(p.getText());
            }
            case VALUE_TRUE -> {
                return Boolean.TRUE;
            }
            case VALUE_FALSE -> {
                return Boolean.FALSE;
            }
            default -> {
                return null;
            }
        }
    }

    /** Thrown for one reading, caught by {@link #parse}. */
    private static final class Rejected extends Exception {
        final Reason reason;

        Rejected(Reason reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }
    }

    private static Reading reading(Object v, TelemetryConfig cfg, long now) throws Rejected {
        if (!(v instanceof Map<?, ?> m)) {
            throw new Rejected(Reason.NOT_AN_OBJECT, "a reading is a JSON object with deviceId, timestamp, metric and value");
        }
        String device = string(m, "deviceId");
        if (!cfg.deviceId().matcher(device).matches()) {
            throw new Rejected(Reason.BAD_DEVICE_ID, "deviceId '" + cut(device) + "' is not 1 to 128 letters, digits or . _ : - "
                    + "starting with a letter or digit");
        }
        long ts = timestamp(required(m, "timestamp"));
        if (ts > now + cfg.maxFuture().toMillis()) {
            throw new Rejected(Reason.CLOCK_SKEW, "timestamp " + Instant.ofEpochMilli(ts) + " is more than " + cfg.maxFuture().toMinutes()
                    + " minutes ahead of the receive time " + Instant.ofEpochMilli(now) + ": check the device's clock");
        }
        if (ts < now - cfg.maxPast().toMillis()) {
            throw new Rejected(Reason.CLOCK_SKEW, "timestamp " + Instant.ofEpochMilli(ts) + " is more than " + cfg.maxPast().toDays()
                    + " days before the receive time " + Instant.ofEpochMilli(now));
        }
        String metric = string(m, "metric");
        TelemetryConfig.MetricSpec spec = cfg.metrics().get(metric);
        if (spec == null && !cfg.acceptUnknownMetrics()) {
            throw new Rejected(Reason.UNKNOWN_METRIC, "metric '" + cut(metric) + "' is not in the catalog (" + String.join(", ",
                    new java.util.TreeSet<>(cfg.metrics().keySet())) + ")");
        }
        Object raw = required(m, "value");
        if (!(raw instanceof Num n)) {
            throw new Rejected(Reason.NOT_A_NUMBER, "value must be a number, was " + describe(raw));
        }
        double value;
        try {
            value = Double.parseDouble(n.text());
        } catch (NumberFormatException e) {
            throw new Rejected(Reason.NOT_A_NUMBER, "value " + cut(n.text()) + " is not a number");
        }
        if (!Double.isFinite(value)) {
            throw new Rejected(Reason.NOT_A_NUMBER, "value " + cut(n.text()) + " is not a finite number");
        }
        if (spec != null && (value < spec.min() || value > spec.max())) {
            throw new Rejected(Reason.OUT_OF_RANGE, metric + " " + n.text() + " is outside " + spec.min() + ".." + spec.max()
                    + (spec.unit().isEmpty() ? "" : " " + spec.unit()));
        }
        Object unitRaw = m.get("unit");
        if (unitRaw != null && !(unitRaw instanceof String)) {
            throw new Rejected(Reason.BAD_FIELD, "unit must be a string, was " + describe(unitRaw));
        }
        String unit = unitRaw == null ? (spec == null ? "" : spec.unit()) : (String) unitRaw;
        if (spec != null && !spec.unit().isEmpty() && !unit.equals(spec.unit())) {
            throw new Rejected(Reason.BAD_FIELD, metric + " is in " + spec.unit() + ", the reading says '" + cut(unit) + "'");
        }
        return new Reading(device, ts, metric, value, unit, tags(m.get("tags")));
    }

    private static Object required(Map<?, ?> m, String field) throws Rejected {
        Object v = m.get(field);
        if (v == null) {
            throw new Rejected(Reason.MISSING_FIELD, "no " + field);
        }
        return v;
    }

    private static String string(Map<?, ?> m, String field) throws Rejected {
        Object v = required(m, field);
        if (!(v instanceof String s)) {
            throw new Rejected(Reason.BAD_FIELD, field + " must be a string, was " + describe(v));
        }
        return s;
    }

    private static long timestamp(Object v) throws Rejected {
        if (v instanceof Num n) {
            try {
                return Long.parseLong(n.text());
            } catch (NumberFormatException e) {
                throw new Rejected(Reason.BAD_TIMESTAMP, "timestamp " + cut(n.text()) + " is not whole epoch milliseconds");
            }
        }
        if (v instanceof String s) {
            try {
                return OffsetDateTime.parse(s).toInstant().toEpochMilli();
            } catch (DateTimeParseException | ArithmeticException e) {
                throw new Rejected(Reason.BAD_TIMESTAMP, "timestamp '" + cut(s) + "' is not ISO-8601 with an offset "
                        + "(2026-12-04T10:00:00Z) nor epoch milliseconds");
            }
        }
        throw new Rejected(Reason.BAD_TIMESTAMP, "timestamp must be epoch milliseconds or an ISO-8601 string, was " + describe(v));
    }

    private static Map<String, String> tags(Object v) throws Rejected {
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw new Rejected(Reason.BAD_FIELD, "tags must be an object, was " + describe(v));
        }
        if (m.size() > MAX_TAGS) {
            throw new Rejected(Reason.BAD_FIELD, "tags has " + m.size() + " entries, more than " + MAX_TAGS);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            Object t = e.getValue();
            if (((String) e.getKey()).length() > MAX_TAG_KEY_CHARS) {
                throw new Rejected(Reason.BAD_FIELD, "tag '" + cut((String) e.getKey()) + "' has a name longer than " + MAX_TAG_KEY_CHARS);
            }
            if (t instanceof String str && str.length() > MAX_TAG_VALUE_CHARS) {
                throw new Rejected(Reason.BAD_FIELD, "tag '" + cut((String) e.getKey()) + "' has a value longer than " + MAX_TAG_VALUE_CHARS);
            }
            if (t instanceof String s) {
                out.put((String) e.getKey(), s);
            } else if (t instanceof Num n) {
                out.put((String) e.getKey(), n.text());
            } else if (t instanceof Boolean b) {
                out.put((String) e.getKey(), b.toString());
            } else {
                throw new Rejected(Reason.BAD_FIELD, "tag '" + cut((String) e.getKey()) + "' must be a string, number or boolean, was "
                        + describe(t));
            }
        }
        return out;
    }

    private static String describe(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Map) {
            return "an object";
        }
        if (v instanceof List) {
            return "an array";
        }
        if (v instanceof Num n) {
            return "the number " + cut(n.text());
        }
        if (v instanceof Boolean b) {
            return b.toString();
        }
        return "the string '" + cut(v.toString()) + "'";
    }

    private static String cut(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}
