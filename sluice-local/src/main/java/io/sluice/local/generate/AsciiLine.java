package io.sluice.local.generate;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A reusable line of ASCII bytes: the generator builds every line here, without String or Formatter garbage. */
final class AsciiLine {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    byte[] buf;
    int len;

    AsciiLine(int capacity) {
        buf = new byte[capacity];
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    AsciiLine clear() {
        len = 0;
        return this;
    }

    boolean isEmpty() {
        return len == 0;
    }

    AsciiLine ch(char c) {
        if (len == buf.length) {
            grow(1);
        }
        buf[len++] = (byte) c;
        return this;
    }

    AsciiLine bytes(byte[] b) {
        return bytes(b, 0, b.length);
    }

    AsciiLine bytes(byte[] b, int off, int n) {
        if (len + n > buf.length) {
            grow(n);
        }
        System.arraycopy(b, off, buf, len, n);
        len += n;
        return this;
    }

    AsciiLine line(AsciiLine other) {
        return bytes(other.buf, 0, other.len);
    }

    /** Only for ASCII text (rare paths: defects). */
    AsciiLine str(String s) {
        return bytes(ascii(s));
    }

    /** Decimal, with a minus sign when negative. */
    AsciiLine num(long v) {
        if (v < 0) {
            ch('-');
            if (v == Long.MIN_VALUE) {
                return str("9223372036854775808");
            }
            v = -v;
        }
        int digits = 1;
        for (long t = v; t >= 10; t /= 10) {
            digits++;
        }
        return digits(v, digits);
    }

    /** The lowest {@code width} decimal digits of a non-negative value, zero-padded. */
    AsciiLine digits(long v, int width) {
        if (len + width > buf.length) {
            grow(width);
        }
        for (int i = len + width - 1; i >= len; i--) {
            buf[i] = (byte) ('0' + (int) (v % 10));
            v /= 10;
        }
        len += width;
        return this;
    }

    /** Two digits, 00..99. */
    AsciiLine two(int v) {
        if (len + 2 > buf.length) {
            grow(2);
        }
        buf[len] = (byte) ('0' + v / 10);
        buf[len + 1] = (byte) ('0' + v % 10);
        len += 2;
        return this;
    }

    /** The lowest {@code width} hex digits, lower case, zero-padded. */
    AsciiLine hex(long v, int width) {
        if (len + width > buf.length) {
            grow(width);
        }
        for (int i = len + width - 1; i >= len; i--) {
            buf[i] = HEX[(int) (v & 15)];
            v >>>= 4;
        }
        len += width;
        return this;
    }

    void copyFrom(AsciiLine other) {
        if (buf.length < other.len) {
            buf = new byte[Math.max(other.len, buf.length * 2)];
        }
        System.arraycopy(other.buf, 0, buf, 0, other.len);
        len = other.len;
    }

    /**
     * Cuts the line before its {@code columns}-th separator, counting only commas outside double quotes, so that
     * it keeps {@code columns} fields. Valid for the RFC 4180 lines the generator writes.
     */
    void keepColumns(int columns) {
        boolean quoted = false;
        int seen = 0;
        for (int i = 0; i < len; i++) {
            byte b = buf[i];
            if (b == '"') {
                quoted = !quoted;
            } else if (b == ',' && !quoted && ++seen == columns) {
                len = i;
                return;
            }
        }
    }

    void deleteAt(int index) {
        System.arraycopy(buf, index + 1, buf, index, len - index - 1);
        len--;
    }

    @Override
    public String toString() {
        return new String(buf, 0, len, StandardCharsets.US_ASCII);
    }

    private void grow(int extra) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
    }
}
