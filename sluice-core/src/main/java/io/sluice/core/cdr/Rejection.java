package io.sluice.core.cdr;

/**
 * A record that cannot be a call, as a value on its way to the dead letters (CDR-3): where it was, why,
 * and its original bytes.
 *
 * @param source   file name, shard or request id
 * @param line     1-based position of the record in its source
 * @param reason   the stable reason code
 * @param detail   a human sentence naming the field and value at fault
 * @param original the record's original bytes (the first part only when the record exceeded the size limit)
 */
public record Rejection(String source, long line, RejectReason reason, String detail, byte[] original)
        implements Parsed, Validated {

    public static Rejection of(RawRecord raw, RejectReason reason, String detail) {
        return new Rejection(raw.source(), raw.line(), reason, detail, raw.bytes());
    }

    /** One line for a terminal: {@code file:line: reason: detail}. */
    public String describe() {
        return source + ":" + line + ": " + reason.description() + ": " + detail;
    }
}
