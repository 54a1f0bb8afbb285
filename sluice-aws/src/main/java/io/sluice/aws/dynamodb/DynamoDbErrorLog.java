package io.sluice.aws.dynamodb;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The structured error log (MON-2): one item per error, keyed by a unique, time-ordered id, with the function
 * name and time for the {@code by-function-time} index, the error's type, message and stack trace, the
 * invocation's duration so far and a sanitized snapshot of the event. It only ever puts items (the functions'
 * role may do nothing else on this table: MON-5), and a failure to write never breaks the function: the
 * entry goes to the plain log instead.
 */
public final class DynamoDbErrorLog implements io.sluice.aws.ErrorLog {
    static final int MAX_STACK_CHARS = 8_000;
    static final int MAX_SNAPSHOT_CHARS = 4_000;
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);
    /** Base64 payloads (Kinesis data) say nothing to a reader and may hold CDRs: replaced by their length. */
    private static final Pattern DATA = Pattern.compile("\"data\"\\s*:\\s*\"([A-Za-z0-9+/=]*)\"");
    /**
     * Runs of 7 to 15 digits (E.164 lengths) may be phone numbers: only their last 3 digits are kept (SEC-4).
     * Longer runs (Kinesis sequence numbers) stay, for finding the record.
     */
    private static final Pattern NUMBER = Pattern.compile("(?<!\\d)\\+?\\d{4,12}(\\d{3})(?!\\d)");

    private final DynamoDbClient client;
    private final String table;
    private final RandomGenerator random;

    public DynamoDbErrorLog(DynamoDbClient client, String table, RandomGenerator random) {
        this.client = client;
        this.table = table;
        this.random = random;
    }

    /** Records an error; returns its id. Never throws. */
    @Override
    public String record(String functionName, Instant at, Throwable error, long durationMillis, String event) {
        byte[] suffix = new byte[6];
        random.nextBytes(suffix);
        String id = ID_TIME.format(at) + "-" + HexFormat.of().formatHex(suffix);
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("error_id", AttributeValue.fromS(id));
        item.put("function_name", AttributeValue.fromS(functionName));
        item.put("occurred_at", AttributeValue.fromS(at.toString()));
        item.put("error_type", AttributeValue.fromS(error.getClass().getName()));
        item.put("message", AttributeValue.fromS(String.valueOf(error.getMessage())));
        item.put("stack_trace", AttributeValue.fromS(truncate(stackOf(error), MAX_STACK_CHARS)));
        item.put("duration_ms", AttributeValue.fromN(Long.toString(durationMillis)));
        item.put("event_snapshot", AttributeValue.fromS(sanitize(event)));
        try {
            client.putItem(b -> b.tableName(table).item(item));
        } catch (RuntimeException e) {
            System.err.println("{\"level\":\"ERROR\",\"error_log\":\"unavailable: " + escape(e.toString()) + "\",\"error_id\":\"" + id
                    + "\",\"function_name\":\"" + escape(functionName) + "\",\"error_type\":\"" + escape(error.getClass().getName())
                    + "\",\"message\":\"" + escape(String.valueOf(error.getMessage())) + "\"}");
        }
        return id;
    }

    /** The event with payloads replaced by their size, phone-like numbers masked, cut to 4,000 characters. */
    static String sanitize(String event) {
        if (event == null) {
            return "";
        }
        String s = DATA.matcher(event).replaceAll(m -> "\"data\":\"<" + m.group(1).length() + " base64 chars>\"");
        s = NUMBER.matcher(s).replaceAll("***$1");
        return truncate(s, MAX_SNAPSHOT_CHARS);
    }

    private static String stackOf(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "...[" + (s.length() - max) + " more chars]";
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
