package io.sluice.aws.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Locale;

/**
 * A value of an event together with its JSON path, so that every problem names where it is (OBJ-4), read within the
 * limits every entry point enforces (SEC-5). Jackson's tree model rather than data binding: no reflection over event
 * classes, so a cold start pays for the parser only.
 *
 * @param path {@code Records[3].kinesis}; empty for the root of an event
 */
record EventNode(JsonNode json, String path) {
    /**
     * Lambda's synchronous invocation payload limit, 6 MB (taken as 6 MiB). Kinesis and SQS event source mappings
     * invoke synchronously, so a larger event cannot come from them.
     */
    static final int MAX_EVENT_BYTES = 6 * 1024 * 1024;
    /** The deepest nesting accepted (SEC-5); the documented events nest 6 levels at most. */
    static final int MAX_DEPTH = 32;

    private static final int MAX_QUOTED = 80;
    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
                    // Two values for one key are read differently by different parsers: refuse rather than pick one.
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /**
     * Reads a whole document of at most {@link #MAX_EVENT_BYTES}, which must be a JSON object; its fields' paths start
     * at the root ({@code Records}), and {@code what} names the document in messages about it as a whole.
     */
    static EventNode read(InputStream in, String what) {
        byte[] bytes;
        try {
            bytes = in.readNBytes(MAX_EVENT_BYTES + 1);
        } catch (IOException e) {
            throw new UncheckedIOException("reading the " + what, e);
        }
        if (bytes.length > MAX_EVENT_BYTES) {
            throw new MalformedEventException(what,
                    "larger than " + MAX_EVENT_BYTES + " bytes, Lambda's synchronous payload limit");
        }
        try {
            return new EventNode(requireObject(JSON.readTree(bytes), what), "");
        } catch (JsonProcessingException e) {
            throw notJson(e, what);
        } catch (IOException e) {
            throw new UncheckedIOException("parsing the " + what, e);
        }
    }

    /** Reads a JSON object held in a string, such as an SQS message body; {@code path} is where the string was. */
    static EventNode read(String text, String path) {
        try {
            return new EventNode(requireObject(JSON.readTree(text), path), path);
        } catch (JsonProcessingException e) {
            throw notJson(e, path);
        }
    }

    boolean has(String field) {
        return json.has(field);
    }

    /** The path of a field of this node. */
    String pathOf(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    /** A problem with a field of this node. */
    MalformedEventException problem(String field, String why) {
        return new MalformedEventException(pathOf(field), why);
    }

    /** A required object field. */
    EventNode object(String field) {
        return new EventNode(requireObject(required(field), pathOf(field)), pathOf(field));
    }

    /** A required array field. */
    EventNode array(String field) {
        JsonNode node = required(field);
        if (!node.isArray()) {
            throw problem(field, "is " + kind(node) + ", expected an array");
        }
        return new EventNode(node, pathOf(field));
    }

    /** The number of elements of this array. */
    int count() {
        return json.size();
    }

    /** Element {@code i} of this array, which must be an object. */
    EventNode element(int i) {
        String at = path + "[" + i + "]";
        return new EventNode(requireObject(json.get(i), at), at);
    }

    /** A required, non-empty string field. */
    String text(String field) {
        String value = optionalText(field);
        if (value == null) {
            throw problem(field, json.hasNonNull(field) ? "is empty" : "is missing");
        }
        return value;
    }

    /** An optional string field: null when absent, JSON null or empty. */
    String optionalText(String field) {
        JsonNode node = json.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw problem(field, "is " + kind(node) + ", expected a string");
        }
        return node.textValue().isEmpty() ? null : node.textValue();
    }

    /** A required whole number of bytes, 0 or more. */
    long byteCount(String field) {
        JsonNode node = required(field);
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw problem(field, "is " + quote(node.toString()) + ", expected a whole number of bytes");
        }
        if (node.longValue() < 0) {
            throw problem(field, "is " + node.longValue() + ", must be >= 0");
        }
        return node.longValue();
    }

    /** The field names of this object. */
    Iterator<String> fieldNames() {
        return json.fieldNames();
    }

    /**
     * A value from the event, for a message: quoted, cut to 80 characters and with control characters replaced, so
     * that a hostile event cannot forge or flood log lines.
     */
    static String quote(String value) {
        String cut = value.length() > MAX_QUOTED ? value.substring(0, MAX_QUOTED) + "..." : value;
        StringBuilder b = new StringBuilder(cut.length() + 2).append('\'');
        cut.chars().forEach(c -> b.append(Character.isISOControl(c) ? '?' : (char) c));
        return b.append('\'').toString();
    }

    /** "a string", "an array"...: the JSON type of a value, for messages. */
    static String kind(JsonNode node) {
        String type = node.getNodeType().name().toLowerCase(Locale.ROOT);
        return (type.startsWith("a") || type.startsWith("o") ? "an " : "a ") + type;
    }

    private JsonNode required(String field) {
        JsonNode node = json.get(field);
        if (node == null || node.isNull()) {
            throw problem(field, "is missing");
        }
        return node;
    }

    private static JsonNode requireObject(JsonNode node, String where) {
        if (node == null || node.isMissingNode()) {
            throw new MalformedEventException(where, "is empty, expected a JSON object");
        }
        if (!node.isObject()) {
            throw new MalformedEventException(where, "is " + kind(node) + ", expected an object");
        }
        return node;
    }

    private static MalformedEventException notJson(JsonProcessingException e, String what) {
        JsonLocation at = e.getLocation();
        String detail = e.getOriginalMessage() + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr());
        if (e instanceof StreamConstraintsException) {
            return new MalformedEventException(what, "exceeds an input limit: " + detail);
        }
        // Jackson quotes the offending input: keep its first line only.
        int nl = detail.indexOf('\n');
        return new MalformedEventException(what, "is not valid JSON: " + (nl < 0 ? detail : detail.substring(0, nl)));
    }
}
