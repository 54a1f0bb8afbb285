package io.sluice.local.generate;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A reusable line of ASCII bytes: the generator builds every line here, without String or Formatter garbage. */
final class AsciiLine {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    /** "00" to "99": two digits per division. */
    private static final byte[] PAIRS = new byte[200];

    /** "00" to "ff". */
    private static final byte[] HEX_PAIRS = new byte[512];

    static {
        for (int i = 0; i < 256; i++) {
            HEX_PAIRS[2 * i] = HEX[i >>> 4];
            HEX_PAIRS[2 * i + 1] = HEX[i & 15];
        }
        for (int i = 0; i < 100; i++) {
            PAIRS[2 * i] = (byte) ('0' + i / 10);
            PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
        }
    }

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
        if (n <= 32) {
            // The fields are short: a plain loop beats System.arraycopy's fixed cost here.
            byte[] dst = buf;
            int at = len;
            for (int i = 0; i < n; i++) {
                dst[at + i] = b[off + i];
            }
        } else {
            System.arraycopy(b, off, buf, len, n);
        }
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
        for (long bound = 10; digits < 19 && v >= bound; bound *= 10) {
            digits++;
        }
        return digits(v, digits);
    }

    /** The lowest {@code width} decimal digits of a non-negative value, zero-padded. */
    AsciiLine digits(long v, int width) {
        if (len + width > buf.length) {
            grow(width);
        }
        int i = len + width;
        while (v > Integer.MAX_VALUE && i - len >= 2) {
            long q = v / 100;
            int pair = (int) (v - q * 100) * 2;
            i -= 2;
            buf[i] = PAIRS[pair];
            buf[i + 1] = PAIRS[pair + 1];
            v = q;
        }
        int rest = (int) v; // int division is cheaper than long division
        while (i - len >= 2) {
            int q = rest / 100;
            int pair = (rest - q * 100) * 2;
            i -= 2;
            buf[i] = PAIRS[pair];
            buf[i + 1] = PAIRS[pair + 1];
            rest = q;
        }
        if (i > len) {
            buf[len] = (byte) ('0' + rest % 10);
        }
        len += width;
        return this;
    }

    /** Two digits, 00..99. */
    AsciiLine two(int v) {
        if (len + 2 > buf.length) {
            grow(2);
        }
        buf[len] = PAIRS[2 * v];
        buf[len + 1] = PAIRS[2 * v + 1];
        len += 2;
        return this;
    }

    /** The lowest {@code width} hex digits, lower case, zero-padded. */
    AsciiLine hex(long v, int width) {
        if (len + width > buf.length) {
            grow(width);
        }
        int i = len + width;
        while (i - len >= 2) {
            int pair = (int) (v & 0xFF) * 2;
            i -= 2;
            buf[i] = HEX_PAIRS[pair];
            buf[i + 1] = HEX_PAIRS[pair + 1];
            v >>>= 8;
        }
        if (i > len) {
            buf[len] = HEX[(int) (v & 15)];
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
