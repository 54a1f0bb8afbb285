package io.sluice.core.cdr;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Cuts a byte stream into records without decoding it, so that every record keeps its exact bytes and the
 * line it started on (CDR-3), in bounded memory (CDR-11).
 *
 * <p>A record ends at LF (a CR before it is dropped). With {@code quotedNewlines} an LF inside double
 * quotes belongs to the record, as Asterisk writes it (RFC 4180). Empty lines carry no record and are
 * skipped. A record longer than {@code maxRecordBytes} is returned truncated, flagged, and the rest of it
 * skipped, so one runaway line (or an unterminated quote) costs one rejection, not the file. A UTF-8
 * byte order mark at the start of the input is skipped.
 */
public final class RecordFramer implements AutoCloseable {
    public static final int DEFAULT_MAX_RECORD_BYTES = 64 * 1024;
    /**
     * How far a quoted value may carry a record across lines. Asterisk builds a record in a 1024-byte buffer
     * ({@code cdr_csv.c}), so a record still inside quotes after 8 KiB has a stray or unclosed quote: it is
     * cut at the next LF and flagged {@link RawRecord#openQuote()}, and the processor reads its lines one by
     * one, so a single broken line costs one rejection, not the hundreds of records after it.
     */
    public static final int MAX_QUOTED_SPAN = 8 * 1024;

    private final InputStream in;
    private final String source;
    private final boolean quotedNewlines;
    private final int maxRecordBytes;
    private final byte[] buf;
    private int pos;
    private int limit;
    private long line = 1;
    private long bytesRead;
    private byte[] record = new byte[512];
    private boolean resync;
    private final int quotedSpan;

    public RecordFramer(InputStream in, String source, boolean quotedNewlines, int maxRecordBytes) {
        this(in, source, quotedNewlines, maxRecordBytes, 1 << 16);
    }

    /**
     * @param bufferSize read buffer; a framer over a few hundred bytes in memory (one Kinesis record) needs no
     *                   64 KiB buffer, and allocating one per record costs more than framing it
     */
    public RecordFramer(InputStream in, String source, boolean quotedNewlines, int maxRecordBytes, int bufferSize) {
        this.buf = new byte[Math.max(64, Math.min(1 << 16, bufferSize))];
        this.in = in;
        this.source = source;
        this.quotedNewlines = quotedNewlines;
        this.maxRecordBytes = maxRecordBytes;
        this.quotedSpan = Math.min(MAX_QUOTED_SPAN, maxRecordBytes);
    }

    /** Bytes consumed from the stream so far, for progress. */
    public long bytesRead() {
        return bytesRead;
    }

    /** The next record, or null at the end of the stream. */
    public RawRecord next() throws IOException {
        while (true) {
            long startLine = line;
            int len = 0;
            long total = 0;
            boolean honorQuotes = quotedNewlines && !resync;
            resync = false;
            boolean inQuotes = false;
            boolean sawAny = false;
            boolean ended = false;
            byte last = 0;
            while (!ended) {
                if (pos == limit && !fill()) {
                    break;
                }
                sawAny = true;
                int i = pos;
                while (i < limit) {
                    byte b = buf[i];
                    if (b == '\n') {
                        line++;
                        // Past the size limit an LF ends the record whatever the quotes say: an unterminated
                        // quote must not swallow the rest of the input.
                        if (!inQuotes || total + (i - pos) > quotedSpan) {
                            ended = true;
                            break;
                        }
                    } else if (b == '"' && honorQuotes) {
                        inQuotes = !inQuotes;
                    }
                    i++;
                }
                int chunk = i - pos;
                if (chunk > 0) {
                    last = buf[i - 1];
                }
                if (len < maxRecordBytes) {
                    int keep = Math.min(chunk, maxRecordBytes - len);
                    if (len + keep > record.length) {
                        record = Arrays.copyOf(record, Math.max(len + keep, Math.min(record.length * 2, maxRecordBytes)));
                    }
                    System.arraycopy(buf, pos, record, len, keep);
                    len += keep;
                }
                total += chunk;
                pos = ended ? i + 1 : i;
            }
            if (!sawAny) {
                return null;
            }
            if (last == '\r' && total > 0) {
                total--; // CRLF: the CR belongs to the line end, not the record
                len = (int) Math.min(len, total);
            }
            boolean truncated = total > maxRecordBytes;
            if (truncated && inQuotes && ended) {
                // Cut inside quotes: the rest of the quoted text follows on the next line with its quotes out of
                // step, so read that line without quote tracking to get back in step.
                resync = true;
            }
            if (!truncated && isBlank(record, len)) {
                if (ended) {
                    continue; // an empty line is not a record
                }
                return null;
            }
            return new RawRecord(source, startLine, Arrays.copyOf(record, len), total, truncated, inQuotes);
        }
    }

    private static boolean isBlank(byte[] b, int len) {
        for (int i = 0; i < len; i++) {
            if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r') {
                return false;
            }
        }
        return true;
    }

    private boolean fill() throws IOException {
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) {
            pos = limit = 0;
            return false;
        }
        pos = 0;
        limit = n;
        if (bytesRead == 0 && n >= 3 && buf[0] == (byte) 0xEF && buf[1] == (byte) 0xBB && buf[2] == (byte) 0xBF) {
            pos = 3; // a UTF-8 byte order mark, as some editors and spreadsheets write, is not part of the first record
        }
        bytesRead += n;
        return true;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
