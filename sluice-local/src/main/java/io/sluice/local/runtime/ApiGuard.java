package io.sluice.local.runtime;

import io.javalin.http.Context;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What every request passes before a route sees it (SEC-1, SEC-5; issue 17), in the way Jupyter and the Docker
 * Engine protect a local server:
 * <ol>
 *   <li><b>Host</b>: the name the client used must be this server's (the bound address, {@code localhost},
 *   {@code 127.0.0.1}, {@code [::1]}): a page of another site whose name was rebound to 127.0.0.1 sends its own
 *   name, and is refused (403) before it can read anything.
 *   <li><b>Origin</b>: a browser request from another origin is refused (403), and no CORS header is ever sent, so
 *   a page elsewhere can neither write nor read.
 *   <li><b>Token</b>: every endpoint but {@code /healthz} and {@code POST /v1/telemetry} (its own key) needs {@code Authorization: Bearer <token>} (or the
 *   cookie a browser gets from {@code /?token=...}: HttpOnly, SameSite=Strict, so no other site's request carries
 *   it). Missing or wrong: 401.
 * </ol>
 */
final class ApiGuard {
    static final String COOKIE = "sluice_token";
    private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

    private final String token;
    private final Set<String> hostNames;
    private final LocalRuntime rt;

    ApiGuard(LocalRuntime rt, String token) {
        this.rt = rt;
        this.token = token;
        String bound = rt.config().host().toLowerCase(Locale.ROOT);
        java.util.Set<String> names = new java.util.HashSet<>(LOOPBACK_NAMES);
        if (!bound.equals("0.0.0.0") && !bound.equals("::")) {
            names.add(bound.contains(":") && !bound.startsWith("[") ? "[" + bound + "]" : bound);
        }
        for (String extra : rt.config().exposure().extraHosts()) {
            names.add(extra.toLowerCase(Locale.ROOT));
        }
        this.hostNames = Set.copyOf(names);
    }

    /** The before-handler: answers and stops the request when a check fails. */
    void check(Context ctx) {
        String host = hostName(ctx.header("Host"));
        if (host == null || !hostNames.contains(host)) {
            refuse(ctx, 403, "Host '" + ctx.header("Host") + "' is not this server's name (DNS rebinding protection); "
                    + "use http://127.0.0.1:" + rt.port());
            return;
        }
        String origin = ctx.header("Origin");
        if (origin != null && !ownOrigin(origin)) {
            refuse(ctx, 403, "requests from origin '" + origin + "' are refused: the API answers its own user only");
            return;
        }
        if (ctx.path().equals("/healthz") || ctx.path().equals(TelemetryRoutes.PATH) || ctx.path().startsWith("/api/v1/")) {
            // Telemetry: devices carry the telemetry key (x-api-key) or their own token (the ThingsBoard paths), checked by
            // the routes, never the API's token.
            return;
        }
        String given = bearer(ctx.header("Authorization"));
        if (given == null) {
            given = ctx.cookie(COOKIE);
        }
        if (given == null && ctx.path().equals("/") && ctx.queryParam("token") != null) {
            given = ctx.queryParam("token");
            if (ApiToken.matches(token, given)) {
                // The browser's way in, once: from here on the cookie, which no other site's request carries.
                ctx.header("Set-Cookie", COOKIE + "=" + token + "; Path=/; HttpOnly; SameSite=Strict"
                        + (rt.config().exposure().tls() ? "; Secure" : ""));
            }
        }
        if (!ApiToken.matches(token, given)) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"sluice\"");
            refuse(ctx, 401, given == null
                    ? "this API needs its token: send 'Authorization: Bearer <token>' with the token in "
                    + rt.config().dataDir().resolve(ApiToken.FILE).toAbsolutePath()
                    : "wrong token (it changes with 'sluice up --rotate-token'): read it again from "
                    + rt.config().dataDir().resolve(ApiToken.FILE).toAbsolutePath());
        }
    }

    private void refuse(Context ctx, int status, String message) {
        rt.stats().requestsRefused.incrementAndGet();
        Answers.json(ctx, status, Map.of("error", message));
        ctx.skipRemainingHandlers();
    }

    private boolean ownOrigin(String origin) {
        String o = origin.toLowerCase(Locale.ROOT);
        String scheme = rt.config().exposure().tls() ? "https" : "http";
        for (String name : hostNames) {
            if (o.equals(scheme + "://" + name + ":" + rt.port())) {
                return true;
            }
        }
        return false;
    }

    /** The name of a Host header without its port, lower case; null when absent or malformed. */
    static String hostName(String host) {
        if (host == null || host.isBlank()) {
            return null;
        }
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? null : h.substring(0, end + 1);
        }
        int colon = h.indexOf(':');
        return colon < 0 ? h : h.substring(0, colon);
    }

    private static String bearer(String authorization) {
        if (authorization == null) {
            return null;
        }
        String a = authorization.strip();
        return a.regionMatches(true, 0, "Bearer ", 0, 7) ? a.substring(7).strip() : null;
    }
}
