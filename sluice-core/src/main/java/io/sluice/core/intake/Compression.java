package io.sluice.core.intake;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * Compressed input, recognised by its magic bytes on every entry (issue 22: Asterisk's log rotation and most S3
 * CDR drops are gzip): a gzip stream (RFC 1952, also several members one after another, as {@code cat a.gz b.gz}
 * makes) or a zstd stream (RFC 8878, also several frames, through zstd-jni, the reference library's binding) is
 * read through, and everything after is the text the {@link EntryRules} screen. Other compressions (bzip2, xz)
 * stay refused as binary by name.
 *
 * <p>A decompression bomb is refused: the decompressed bytes may be at most {@value #MAX_RATIO} times the
 * compressed ones (CDR text compresses 10-20 times) plus {@value #SLACK_BYTES} bytes, and at most the entry's own
 * limit; past either the read fails with a {@link Bomb} that says so.
 */
public final class Compression {
    /** Decompressed bytes per compressed byte beyond which an input is a bomb, not CDRs. */
    public static final int MAX_RATIO = 200;
    /** Decompressed bytes always allowed, whatever the ratio (a tiny file's header alone has a large ratio). */
    public static final long SLACK_BYTES = 1 << 20;

    private Compression() {
    }

    /** A decompression that passes its limits: the input is refused, not read further. */
    public static final class Bomb extends IOException {
        public Bomb(String message) {
            super(message);
        }
    }

    /** Whether {@code head} begins a gzip stream (1f 8b, deflate). */
    public static boolean isGzip(byte[] head) {
        return head.length >= 3 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b && head[2] == 8;
    }

    /** Whether {@code head} begins a zstd frame (28 b5 2f fd, RFC 8878 section 3.1.1). */
    public static boolean isZstd(byte[] head) {
        return head.length >= 4 && (head[0] & 0xff) == 0x28 && (head[1] & 0xff) == 0xb5 && (head[2] & 0xff) == 0x2f
                && (head[3] & 0xff) == 0xfd;
    }

    /** Whether {@code head} begins a stream this class reads through. */
    public static boolean isCompressed(byte[] head) {
        return isGzip(head) || isZstd(head);
    }

    /**
     * The text of {@code in}: the stream itself, or its decompression when it begins with gzip's or zstd's magic
     * bytes, bounded by {@code maxBytes} decompressed (and by the ratio). The result is buffered, with the mark
     * support {@link EntryRules#head} needs.
     */
    public static BufferedInputStream text(BufferedInputStream in, long maxBytes) throws IOException {
        in.mark(5);
        byte[] magic = in.readNBytes(4);
        in.reset();
        if (!isCompressed(magic)) {
            return in;
        }
        Counting compressed = new Counting(in);
        String kind = isGzip(magic) ? "gzip" : "zstd";
        InputStream inflated = isGzip(magic) ? new GZIPInputStream(compressed, 1 << 16) : zstd(compressed);
        return new BufferedInputStream(new Bounded(inflated, compressed, maxBytes, kind), EntryRules.SNIFF_BYTES + 1);
    }

    /** A zstd stream of frames one after another, its errors as IOExceptions naming zstd. */
    private static InputStream zstd(InputStream compressed) throws IOException {
        try {
            return new com.github.luben.zstd.ZstdInputStream(compressed).setContinuous(false);
        } catch (UnsatisfiedLinkError e) {
            throw new IOException("zstd input needs zstd-jni's native library, which does not load here: " + e.getMessage(), e);
        }
    }

    /** An input held in memory (an HTTP body, a Kinesis record's data), decompressed when it is gzip. */
    public static byte[] text(byte[] data, long maxBytes) throws IOException {
        if (!isCompressed(data)) {
            return data;
        }
        try (InputStream in = text(new BufferedInputStream(new ByteArrayInputStream(data)), maxBytes)) {
            // A first guess of the text's size: 8 times the compressed bytes, within the limit.
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Math.min(maxBytes, data.length * 8L), Integer.MAX_VALUE - 8));
            in.transferTo(out);
            return out.toByteArray();
        }
    }

    /** Counts the compressed bytes read. */
    private static final class Counting extends FilterInputStream {
        long count;

        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count += b >= 0 ? 1 : 0;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            count += Math.max(0, n);
            return n;
        }
    }

    /** Fails the read once the decompressed bytes pass the limit or the ratio. */
    private static final class Bounded extends FilterInputStream {
        private final Counting compressed;
        private final long maxBytes;
        private long count;

        private final String kind;

        Bounded(InputStream in, Counting compressed, long maxBytes, String kind) {
            super(in);
            this.compressed = compressed;
            this.maxBytes = maxBytes;
            this.kind = kind;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                check(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                check(n);
            }
            return n;
        }

        private void check(int n) throws Bomb {
            count += n;
            if (count > maxBytes) {
                throw new Bomb("the " + kind + " input decompresses to more than " + maxBytes + " bytes, the limit of this entry: refused");
            }
            if (count > SLACK_BYTES + (long) MAX_RATIO * compressed.count) {
                throw new Bomb("the " + kind + " input decompresses to over " + MAX_RATIO + " times its size (" + count + " bytes from "
                        + compressed.count + "): refused as a decompression bomb");
            }
        }
    }
}
