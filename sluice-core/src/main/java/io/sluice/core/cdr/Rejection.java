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

    /**
     * The identity of the rejected bytes, for de-duplication (CDR-5): the same invalid line delivered twice (a
     * file ingested again after it grew) is one rejection and one duplicate, not two dead letters. Its day bits
     * are 0, a range no call key uses.
     */
    public RecordKey contentKey() {
        return contentKeyOf(original);
    }

    /** {@link #contentKey()} of rejected bytes {@code original}, whatever the reason they were rejected for. */
    public static RecordKey contentKeyOf(byte[] original) {
        com.dynatrace.hash4j.hashing.HashValue128 v = com.dynatrace.hash4j.hashing.Hashing.xxh3_128().hashBytesTo128Bits(original);
        return RecordKey.of(0, v.getMostSignificantBits(), v.getLeastSignificantBits());
    }

    /** One line for a terminal: {@code file:line: reason: detail}. */
    public String describe() {
        return source + ":" + line + ": " + reason.description() + ": " + detail;
    }
}
