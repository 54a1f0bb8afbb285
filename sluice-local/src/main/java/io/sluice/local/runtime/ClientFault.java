package io.sluice.local.runtime;

import io.javalin.http.Context;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A request the client broke (issue 17): its body ended early, its chunking is bad, the connection dropped while
 * it was read. Answered 400 and counted as refused; it is not a fault of this server, so it never enters
 * {@code last_errors}, where it would push out the faults an operator must see.
 */
final class ClientFault extends IOException {
    /**
     * A body slower than this is cut (SEC-5, issue 17: a slow client holds a thread), measured over the whole body once
     * {@link #SLOW_BODY_GRACE_NANOS} have passed. Not Jetty's minRequestDataRate, which checks from the first byte with no
     * grace, so that a pause of the server (a GC, a loaded machine) refuses a small body sent at once (jetty/jetty.project
     * issue 4641): found when a 3-byte body got a 500 under load.
     */
    static final long MIN_BODY_BYTES_PER_SECOND = 4 * 1024;
    static final long SLOW_BODY_GRACE_NANOS = 2_000_000_000L;
    private final int status;

    ClientFault(String message, Throwable cause) {
        this(400, message, cause);
    }

    ClientFault(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The answer's status: 400, or 408 for a body too slow. */
    int status() {
        return status;
    }

    /**
     * The request body, at most {@code limit} + 1 bytes (so that a caller sees a body over its limit without holding more),
     * read through {@link #body}.
     */
    static byte[] read(Context ctx, long limit) throws IOException {
        try (InputStream in = body(ctx)) {
            return in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
        }
    }

    /** How much of a refused body is read and dropped so that its sender gets the answer (16 MiB). */
    static final long DISCARD_LIMIT = 16L << 20;

    /**
     * Reads and drops the body of a request refused before reading it (413 by Content-Length), up to
     * {@link #DISCARD_LIMIT}: a server that answers and closes while the client still sends makes the client's TCP stack
     * see a reset, not the answer. Past the limit the connection is closed anyway; a slow sender is cut as on every read.
     */
    static void discard(Context ctx) {
        try (InputStream in = body(ctx)) {
            byte[] buffer = new byte[64 * 1024];
            long dropped = 0;
            for (int n; dropped < DISCARD_LIMIT && (n = in.read(buffer)) >= 0; ) {
                dropped += n;
            }
        } catch (IOException e) {
            // the client went away or was too slow: nothing to answer it then
        }
    }

    /** The request body, whose read failures are the client's. */
    static InputStream body(Context ctx) throws IOException {
        InputStream in;
        try {
            in = ctx.req().getInputStream();
        } catch (IOException e) {
            throw new ClientFault("the request body cannot be read: " + e.getMessage(), e);
        }
        return new FilterInputStream(in) {
            private final long started = System.nanoTime();
            private long bytes;

            @Override
            public int read() throws IOException {
                try {
                    int b = super.read();
                    rate(b < 0 ? 0 : 1);
                    return b;
                } catch (IOException e) {
                    throw fault(e);
                }
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    int n = super.read(b, off, len);
                    rate(Math.max(0, n));
                    return n;
                } catch (IOException e) {
                    throw fault(e);
                }
            }

            private void rate(int n) throws ClientFault {
                bytes += n;
                long elapsed = System.nanoTime() - started;
                if (elapsed > SLOW_BODY_GRACE_NANOS && bytes < MIN_BODY_BYTES_PER_SECOND * (elapsed / 1_000_000) / 1_000) {
                    throw new ClientFault(408, "the body arrives slower than " + MIN_BODY_BYTES_PER_SECOND / 1024 + " KiB/s (" + bytes
                            + " bytes in " + elapsed / 1_000_000 + " ms); send it at once", null);
                }
            }
        };
    }

    private static ClientFault fault(IOException e) {
        if (e instanceof ClientFault f) {
            return f;
        }
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new ClientFault("the request body ended before its end or was malformed (" + why + "); send it again whole", e);
    }
}
