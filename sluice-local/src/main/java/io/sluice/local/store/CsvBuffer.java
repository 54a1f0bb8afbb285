package io.sluice.local.store;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * CSV rows rendered straight into bytes, the way {@link StagingFile} writes them: strings quoted with quotes
 * doubled (RFC 4180), numbers and booleans bare, an empty field for NULL. ASCII text (nearly all of a CDR) is
 * copied char by char; other text goes through UTF-8 encoding. One buffer per thread: archive rows are
 * rendered in parallel chunks and written in order.
 */
final class CsvBuffer {
    private byte[] buf;
    private int len;
    private boolean first = true;
    private long rows;

    CsvBuffer(int capacity) {
        this.buf = new byte[Math.max(64, capacity)];
    }

    int length() {
        return len;
    }

    long rows() {
        return rows;
    }

    byte[] bytes() {
        return buf;
    }

    void clear() {
        len = 0;
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }

    private void sep() {
        if (!first) {
            ensure(1);
            buf[len++] = ',';
        }
        first = false;
    }

    CsvBuffer str(String s) {
        sep();
        int n = s.length();
        ensure(n * 2 + 2);
        int start = len;
        buf[len++] = '"';
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                len = start; // back to before the opening quote: redo this string with an encoder
                ensure(1);
                buf[len++] = '"';
                byte[] b = s.replace("\"", "\"\"").getBytes(StandardCharsets.UTF_8);
                ensure(b.length + 1);
                System.arraycopy(b, 0, buf, len, b.length);
                len += b.length;
                break;
            }
            if (c == '"') {
                buf[len++] = '"';
            }
            buf[len++] = (byte) c;
        }
        ensure(1);
        buf[len++] = '"';
        return this;
    }

    CsvBuffer num(long v) {
        sep();
        if (v == Long.MIN_VALUE) {
            byte[] b = Long.toString(v).getBytes(StandardCharsets.US_ASCII);
            ensure(b.length);
            System.arraycopy(b, 0, buf, len, b.length);
            len += b.length;
            return this;
        }
        ensure(20);
        if (v < 0) {
            buf[len++] = '-';
            v = -v;
        }
        int digits = 1;
        for (long x = v; x >= 10; x /= 10) {
            digits++;
        }
        for (int i = len + digits - 1; i >= len; i--) {
            buf[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        len += digits;
        return this;
    }

    /** An empty field, read as NULL. */
    CsvBuffer none() {
        sep();
        return this;
    }

    CsvBuffer bool(boolean v) {
        sep();
        ensure(5);
        if (v) {
            buf[len++] = 't';
            buf[len++] = 'r';
            buf[len++] = 'u';
            buf[len++] = 'e';
        } else {
            buf[len++] = 'f';
            buf[len++] = 'a';
            buf[len++] = 'l';
            buf[len++] = 's';
            buf[len++] = 'e';
        }
        return this;
    }

    void endRow() {
        ensure(1);
        buf[len++] = '\n';
        first = true;
        rows++;
    }
}
