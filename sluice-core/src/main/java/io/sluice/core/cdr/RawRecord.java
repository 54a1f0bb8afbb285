package io.sluice.core.cdr;

/**
 * One framed record exactly as it arrived: the bytes (without the line terminator), where it came from,
 * and what framing noticed about it. Rejections keep these bytes (CDR-3).
 *
 * @param source        file name, stream shard or request id the record came from
 * @param line          1-based line number of the record's first line in the source (or sequence in a batch)
 * @param bytes         the record's bytes, at most the framing limit; see {@code truncated}
 * @param totalLength   the record's full length in bytes, which exceeds {@code bytes.length} when truncated
 * @param truncated     the record was longer than the limit; {@code bytes} holds its first part only
 * @param openQuote     the record ended inside a quoted field: at the end of the input, or cut at a line end after
 *                      {@link RecordFramer#MAX_QUOTED_SPAN} bytes (a stray quote)
 */
public record RawRecord(String source, long line, byte[] bytes, long totalLength, boolean truncated, boolean openQuote) {

    public static RawRecord of(String source, long line, byte[] bytes) {
        return new RawRecord(source, line, bytes, bytes.length, false, false);
    }
}
