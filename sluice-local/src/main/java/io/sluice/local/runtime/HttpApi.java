package io.sluice.local.runtime;

import io.javalin.Javalin;
import java.util.Map;

/**
 * The HTTP API of 'sluice up' (Javalin on Jetty), on loopback by default:
 * <ul>
 *   <li>{@code POST /v1/cdrs}: a body of CDR lines, JSON lines ({@code application/x-ndjson}) or CSV
 *   ({@code text/csv}, Asterisk or FreeSWITCH, detected or named by {@code ?format=}). Answers 202 with an
 *   ingest id once the body is in the fsynced {@link IngestLog}. The body is screened by the rules of every
 *   entry ({@link EntryRules}): 400 when empty or of no known format, 415 when binary (compressed, UTF-16) or
 *   of another content type; 413 over the body or record-count limits only (SEC-5): a record over the record
 *   limit is a LINE_TOO_LONG dead letter, as in a file; 429 with Retry-After when the backlog is full; 503
 *   while stopping.
 *   <li>{@code GET /v1/ingests/{id}}: queued, or done with accepted, rejected (with reasons), duplicates.
 *   <li>{@code GET /healthz}, {@code GET /v1/status}, {@code GET /v1/files} (the inbox manifest).
 * </ul>
 * Each resource's routes are a class of their own ({@link CdrRoutes}, {@link RuntimeRoutes}, {@link ReportRoutes},
 * {@link DeadLetterRoutes}, {@link ProfileRoutes}, {@link AlertRoutes}); this class only listens and routes.
 */
final class HttpApi {
    static final int MAX_HEADER_BYTES = 16 * 1024;
    static final String ENDPOINTS = "POST /v1/cdrs, GET /v1/ingests/{id}, /v1/status, /v1/files, /v1/reports/{name}, /v1/records, "
            + "/v1/dead-letters, /v1/alerts, POST /v1/telemetry, GET /v1/devices/{id}/latest, /v1/devices/{id}/readings, /v1/monitoring, /v1/errors, /metrics, POST /v1/simulations, GET / (the dashboard, in a browser)";
    static final long IDLE_TIMEOUT_MILLIS = 30_000;
    private final LocalRuntime rt;
    private final Javalin app;
    private final MonitoringRoutes monitoringRoutes;
    private volatile org.eclipse.jetty.server.ServerConnector tlsConnector;
    private volatile org.eclipse.jetty.server.ServerConnector localConnector;

    private HttpApi(LocalRuntime rt) {
        this.rt = rt;
        UpConfig cfg = rt.config();
        CdrRoutes cdrs = new CdrRoutes(rt);
        RuntimeRoutes runtime = new RuntimeRoutes(rt);
        ReportRoutes reports = new ReportRoutes(rt);
        DeadLetterRoutes deadLetters = new DeadLetterRoutes(rt);
        ProfileRoutes profiles = new ProfileRoutes(rt);
        AlertRoutes alerts = new AlertRoutes(rt);
        MonitoringRoutes monitoring = new MonitoringRoutes(rt);
        TelemetryRoutes telemetry = new TelemetryRoutes(rt);
        this.monitoringRoutes = monitoring;
        ApiGuard guard = new ApiGuard(rt, rt.token());
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.host = cfg.host();
            config.jetty.port = cfg.port();
            config.http.maxRequestSize = cfg.maxBodyBytes();
            // Bounded before any route runs (issue 17): request line and headers in 16 KiB (431 or 414 beyond), a
            // connection idle for 30 s closed; a body arriving slower than 4 KiB/s is cut as it is read (ClientFault.body).
            if (cfg.exposure().tls()) {
                // HTTPS only: with a connector of its own, Javalin adds no plain HTTP one.
                org.eclipse.jetty.util.ssl.SslContextFactory.Server ssl = new org.eclipse.jetty.util.ssl.SslContextFactory.Server();
                char[] password = java.util.UUID.randomUUID().toString().toCharArray();
                ssl.setKeyStore(PemKeyStore.load(cfg.exposure().tlsCert().orElseThrow(), cfg.exposure().tlsKey().orElseThrow(), password));
                ssl.setKeyStorePassword(new String(password));
                config.jetty.addConnector((server, http) -> {
                    org.eclipse.jetty.server.ServerConnector c = new org.eclipse.jetty.server.ServerConnector(server,
                            new org.eclipse.jetty.server.SslConnectionFactory(ssl, "http/1.1"),
                            new org.eclipse.jetty.server.HttpConnectionFactory(http));
                    c.setHost(cfg.host());
                    c.setPort(cfg.port());
                    tlsConnector = c;
                    return c;
                });
                // And plain HTTP on loopback, on a port of its own, for the sluice commands of this machine (they read
                // it from sluice-up.json): loopback traffic does not leave the machine, and the token is still needed.
                config.jetty.addConnector((server, http) -> {
                    org.eclipse.jetty.server.ServerConnector c = new org.eclipse.jetty.server.ServerConnector(server,
                            new org.eclipse.jetty.server.HttpConnectionFactory(http));
                    c.setHost("127.0.0.1");
                    c.setPort(0);
                    localConnector = c;
                    return c;
                });
            }
            config.jetty.modifyHttpConfiguration(http -> {
                http.setRequestHeaderSize(MAX_HEADER_BYTES);
                http.setIdleTimeout(IDLE_TIMEOUT_MILLIS);
            });
            config.routes.before(guard::check);
            config.routes.get("/", ctx -> {
                if (!monitoring.dashboard(ctx)) {
                    Answers.json(ctx, 200, Map.of("sluice", "up", "signed_in", true, "endpoints", ENDPOINTS));
                }
            });
            config.routes.post("/v1/cdrs", monitoring.instrumented("http-ingest", cdrs::postCdrs));
            config.routes.get("/v1/ingests/{id}", cdrs::getIngest);
            config.routes.get("/healthz", runtime::health);
            config.routes.get("/v1/status", runtime::status);
            config.routes.get("/v1/files", runtime::files);
            config.routes.get("/v1/reports/{name}", reports::report);
            config.routes.get("/v1/records", reports::records);
            config.routes.post("/v1/profiles", profiles::importProfiles);
            config.routes.post("/v1/profiles/lookup", profiles::lookup);
            config.routes.post("/v1/profiles/delete", profiles::delete);
            config.routes.get("/v1/dead-letters", deadLetters::deadLetters);
            config.routes.get("/v1/alerts", alerts::alerts);
            config.routes.get("/v1/dead-letters/{id}", deadLetters::deadLetter);
            config.routes.post(TelemetryRoutes.PATH, monitoring.instrumented("telemetry", telemetry::post));
            config.routes.post("/api/v1/{token}/telemetry", monitoring.instrumented("telemetry", telemetry::thingsBoard));
            config.routes.post("/v1/devices", telemetry::addDevice);
            config.routes.get("/v1/devices", telemetry::listDevices);
            config.routes.post("/v1/devices/{id}/revoke", telemetry::revokeDevice);
            config.routes.get("/v1/devices/{id}/latest", telemetry::latest);
            config.routes.get("/v1/devices/{id}/readings", telemetry::readings);
            config.routes.get("/metrics", monitoring::metrics);
            config.routes.get("/v1/monitoring", monitoring::overview);
            config.routes.get("/v1/errors", monitoring::errors);
            config.routes.get("/assets/{name}", monitoring::asset);
            config.routes.post("/v1/simulations", monitoring::simulate);
            config.routes.get("/v1/simulations/{id}", monitoring::simulation);
            config.routes.exception(Exception.class, (e, ctx) -> {
                ClientFault fault = clientFault(e);
                if (fault != null) {
                    rt.stats().requestsRefused.incrementAndGet();
                    Answers.json(ctx, fault.status(), Map.of("error", fault.getMessage()));
                    return;
                }
                // A fault of this server: the caller gets an id to quote, the log and last_errors the exception.
                String id = Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong() >>> 16);
                rt.stats().error("http", "error " + id + ": " + ctx.method() + " " + ctx.path() + ": " + e);
                Answers.json(ctx, 500, Map.of("error", "internal error " + id + ": see /v1/status last_errors and the log of sluice up",
                        "error_id", id));
            });
            config.routes.error(404, ctx -> {
                if (!Answers.answered(ctx)) {
                    Answers.json(ctx, 404, Map.of("error", "no such resource: " + ctx.method() + " " + ctx.path()
                            + "; see " + ENDPOINTS + ", /healthz"));
                }
            });
        });
    }

    static boolean isClientFault(Throwable e) {
        return clientFault(e) != null;
    }

    /** The client's fault behind {@code e}, if it is one. */
    private static ClientFault clientFault(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ClientFault f) {
                return f;
            }
        }
        return null;
    }

    static HttpApi start(LocalRuntime rt) {
        HttpApi api = new HttpApi(rt);
        try {
            api.app.start();
        } catch (RuntimeException e) {
            throw new IllegalStateException("Cannot listen on " + rt.config().host() + ":" + rt.config().port() + ": "
                    + rootMessage(e) + "; is another program using the port? Try --port N or 'sluice doctor'", e);
        }
        return api;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    int port() {
        return tlsConnector != null ? tlsConnector.getLocalPort() : app.port();
    }

    /** The port of plain HTTP on loopback, for this machine's sluice commands: the HTTPS port's own one without TLS. */
    int localPort() {
        return localConnector != null ? localConnector.getLocalPort() : app.port();
    }

    void stop() {
        monitoringRoutes.stop();
        app.stop();
    }
}
