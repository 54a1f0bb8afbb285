package io.sluice.core.pipeline;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * Where a function or a runtime records an error (MON-2), a core port like {@link Notifier}: the DynamoDB error
 * table on AWS, the embedded store on one machine. Recording never throws: a store that cannot be written falls
 * back to the plain log. What an entry holds is decided here, once, by {@link Entry#of}: a unique time-ordered
 * id, the function's name and time, the error's type, message and stack, the duration so far and a sanitized
 * snapshot of the event (SEC-4).
 */
@FunctionalInterface
public interface ErrorLog {

    /** Records the error and returns its id. Never throws. */
    String record(String functionName, Instant at, Throwable error, long durationMillis, String event);

    /** One error as every adapter stores it. */
    record Entry(String id, String functionName, Instant occurredAt, String type, String message, String stackTrace,
                 long durationMillis, String eventSnapshot) {
        public static final int MAX_STACK_CHARS = 8_000;
        public static final int MAX_SNAPSHOT_CHARS = 4_000;
        private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
                .withZone(ZoneOffset.UTC);
        /** Base64 payloads (Kinesis data) say nothing to a reader and may hold CDRs: replaced by their length. */
        private static final Pattern DATA = Pattern.compile("\"data\"\\s*:\\s*\"([A-Za-z0-9+/=]*)\"");
        /**
         * Runs of 7 to 15 digits (E.164 lengths) may be phone numbers: only their last 3 digits are kept (SEC-4).
         * Longer runs (Kinesis sequence numbers) stay, for finding the record.
         */
        private static final Pattern NUMBER = Pattern.compile("(?<!\\d)\\+?\\d{4,12}(\\d{3})(?!\\d)");

        /**
         * The time as the stores keep it: ISO-8601 UTC with exactly three fraction digits, so that the text sorts as
         * the time does (Instant.toString drops zero fractions: "10:00:00Z" would sort after "10:00:00.250Z").
         */
        public static final DateTimeFormatter SORTABLE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
                .withZone(ZoneOffset.UTC);

        /** The entry of an error: its id sorts by time (then by 48 random bits), its event sanitized and cut. */
        public static Entry of(String functionName, Instant at, Throwable error, long durationMillis, String event,
                               RandomGenerator random) {
            byte[] suffix = new byte[6];
            random.nextBytes(suffix);
            Instant atMillis = at.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
            String id = ID_TIME.format(atMillis) + "-" + HexFormat.of().formatHex(suffix);
            return new Entry(id, functionName, atMillis, error.getClass().getName(), String.valueOf(error.getMessage()),
                    truncate(stackOf(error), MAX_STACK_CHARS), durationMillis, sanitize(event));
        }

        /** The event with payloads replaced by their size, phone-like numbers masked, cut to 4,000 characters. */
        public static String sanitize(String event) {
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

        /** The entry as one JSON log line, for the fallback when the store cannot be written. */
        public String fallbackLine(String why) {
            return "{\"level\":\"ERROR\",\"error_log\":\"unavailable: " + escape(why) + "\",\"error_id\":\"" + id
                    + "\",\"function_name\":\"" + escape(functionName) + "\",\"error_type\":\"" + escape(type)
                    + "\",\"message\":\"" + escape(message) + "\"}";
        }

        private static String escape(String s) {
            return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
        }
    }
}
