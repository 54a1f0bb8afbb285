package io.sluice.core.pipeline;

import io.sluice.core.cdr.RawRecord;
import io.sluice.core.cdr.RejectReason;
import io.sluice.core.cdr.Rejection;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Turns framed bytes into text, or into a rejection when they are not a record at all (CDR-3): too long,
 * an unterminated quote at the end of the input, bytes that are not UTF-8, or control bytes such as NUL
 * that no CDR writer emits. Not thread-safe: one per worker.
 */
final class RecordDecoder {
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final int maxRecordBytes;

    RecordDecoder(int maxRecordBytes) {
        this.maxRecordBytes = maxRecordBytes;
    }

    /** The text of the record, or the rejection explaining why there is none. */
    Object decode(RawRecord raw) {
        if (raw.truncated()) {
            return Rejection.of(raw, RejectReason.LINE_TOO_LONG,
                    "record is " + raw.totalLength() + " bytes, over the " + maxRecordBytes + "-byte limit (first "
                            + raw.bytes().length + " bytes kept)");
        }
        if (raw.openQuote()) {
            return Rejection.of(raw, RejectReason.BROKEN_QUOTING, "a quoted field is never closed");
        }
        byte[] b = raw.bytes();
        boolean ascii = true;
        for (int i = 0; i < b.length; i++) {
            byte c = b[i];
            if (c < 0) {
                ascii = false;
            } else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                return Rejection.of(raw, RejectReason.NOT_TEXT, "control byte 0x" + String.format("%02x", c) + " at byte " + i);
            }
        }
        if (ascii) {
            return new String(b, StandardCharsets.ISO_8859_1); // same chars, no decoder work
        }
        ByteBuffer in = ByteBuffer.wrap(b);
        CharBuffer out = CharBuffer.allocate(b.length);
        CoderResult result = utf8.reset().decode(in, out, true);
        if (result.isError()) {
            return Rejection.of(raw, RejectReason.NOT_TEXT, "byte 0x" + String.format("%02x", b[in.position()] & 0xff)
                    + " at byte " + in.position() + " is not valid UTF-8");
        }
        utf8.flush(out);
        return out.flip().toString();
    }
}
