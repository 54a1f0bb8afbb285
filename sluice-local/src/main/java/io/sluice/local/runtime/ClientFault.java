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
    ClientFault(String message, Throwable cause) {
        super(message, cause);
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
            @Override
            public int read() throws IOException {
                try {
                    return super.read();
                } catch (IOException e) {
                    throw fault(e);
                }
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return super.read(b, off, len);
                } catch (IOException e) {
                    throw fault(e);
                }
            }
        };
    }

    private static ClientFault fault(IOException e) {
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new ClientFault("the request body ended before its end or was malformed (" + why + "); send it again whole", e);
    }
}
