package io.sluice.local.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.io.IOException;

/** How every route answers: JSON bodies, and the mark that tells the 404 fallback a route answered itself. */
final class Answers {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Set on a request a route answered itself, so the 404 fallback does not replace its answer. */
    private static final String ANSWERED = "sluice.answered";

    private Answers() {
    }

    static void json(Context ctx, int status, Object body) {
        mark(ctx);
        try {
            ctx.status(status).contentType("application/json").result(JSON.writeValueAsString(body));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static void mark(Context ctx) {
        ctx.attribute(ANSWERED, Boolean.TRUE);
    }

    static boolean answered(Context ctx) {
        return ctx.attribute(ANSWERED) != null;
    }
}
