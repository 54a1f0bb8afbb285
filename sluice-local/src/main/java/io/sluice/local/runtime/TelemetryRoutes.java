package io.sluice.local.runtime;

import io.javalin.http.Context;
import io.sluice.core.telemetry.TelemetryAlert;
import io.sluice.core.telemetry.TelemetryBatchProcessor;
import io.sluice.core.telemetry.TelemetryConfig;
import io.sluice.core.telemetry.TelemetryParser;
import io.sluice.core.telemetry.TelemetryRequests;
import io.sluice.local.store.DuckDbTelemetryStore;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Telemetry over HTTP in {@code sluice up} (IOT-1..IOT-4; issue 18):
 * <ul>
 *   <li>{@code POST /v1/telemetry}: a JSON reading or an array of them, authenticated by {@code x-api-key} (the secret in
 *   {@code <data-dir>/telemetry-api-key}, compared in constant time). 401 without it or with another, 415 for a
 *   content type other than JSON, 413 over the body or reading limits, 400 for a body that is not JSON or nested too deep:
 *   nothing of a refused request is stored. Otherwise 200 once the readings are committed (the store's transaction is
 *   durable), with the counts: readings, accepted, rejected (index, reason, detail) and duplicates.
 *   <li>{@code GET /v1/devices/{id}/latest} and {@code GET /v1/devices/{id}/readings?metric=&from=&to=&limit=}, with the
 *   API's token like every other route.
 * </ul>
 * Threshold alerts go through the Notifier once their batch committed.
 */
final class TelemetryRoutes {
    static final String PATH = "/v1/telemetry";
    static final int MAX_READINGS_ANSWERED = 10_000;

    private final LocalRuntime rt;
    private final TelemetryWriter writer;

    TelemetryRoutes(LocalRuntime rt) {
        this.rt = rt;
        this.writer = new TelemetryWriter(rt);
    }

    void post(Context ctx) throws Exception {
        if (stopping(ctx)) {
            return;
        }
        String key = ctx.header("x-api-key");
        if (!ApiToken.matches(rt.telemetryKey(), key)) {
            refuse(ctx, TelemetryRequests.unauthorized(TelemetryRequests.Entry.API_KEY, key == null,
                    rt.config().dataDir().resolve(ApiToken.TELEMETRY_KEY_FILE).toAbsolutePath().toString()));
            return;
        }
        receive(ctx, TelemetryRequests.Entry.API_KEY, null);
    }

    /**
     * {@code POST /api/v1/{token}/telemetry}: ThingsBoard's HTTP device API (IOT-7), so that firmware written for it posts
     * here unchanged: the token names the device ({@code sluice devices add}); its answers are ThingsBoard's: 200, 400 for
     * an invalid body, 401 for an invalid token, 404 for another resource (413 over the size limits, as every entry).
     * The token is in the URL, so it ends up in access logs and proxies: prefer {@code POST /v1/telemetry} with the
     * header where the firmware allows.
     */
    void thingsBoard(Context ctx) throws Exception {
        if (stopping(ctx)) {
            return;
        }
        String token = ctx.pathParam("token");
        Optional<String> device = rt.read(c -> io.sluice.local.store.DeviceRegistry.deviceOf(c, token));
        if (device.isEmpty()) {
            refuse(ctx, TelemetryRequests.unauthorized(TelemetryRequests.Entry.THINGSBOARD, false, null));
            return;
        }
        receive(ctx, TelemetryRequests.Entry.THINGSBOARD, device.get());
    }

    /** The rules of {@link TelemetryRequests} on this request's body; then the commit. */
    private void receive(Context ctx, TelemetryRequests.Entry entry, String device) throws Exception {
        TelemetryConfig cfg = rt.telemetryConfig();
        Optional<TelemetryRequests.Refusal> early = TelemetryRequests.beforeReading(entry, ctx.header("Content-Type"), ctx.contentLength(), cfg);
        if (early.isPresent()) {
            ClientFault.discard(ctx); // so that the sender reads the answer instead of a reset
            refuse(ctx, early.get());
            return;
        }
        byte[] body = ClientFault.read(ctx, cfg.maxBodyBytes());
        long now = System.currentTimeMillis();
        // Read here, on the request's thread; the writer only commits. A body over the limit is refused by the parser.
        switch (TelemetryRequests.read(entry, body, device, cfg, now)) {
            case TelemetryRequests.Refused r -> refuse(ctx, r.refusal());
            case TelemetryRequests.Accepted a -> commit(ctx, a.parsed(), now);
        }
    }

    /** Answers 503 while sluice up stops; whether it did. */
    private boolean stopping(Context ctx) {
        if (!rt.stopping()) {
            return false;
        }
        ctx.header("Retry-After", "5");
        Answers.json(ctx, 503, Map.of("error", "sluice up is shutting down; retry against the next instance"));
        return true;
    }

    private void refuse(Context ctx, TelemetryRequests.Refusal refusal) {
        rt.stats().requestsRefused.incrementAndGet();
        Answers.json(ctx, refusal.status(), Map.of("error", refusal.message()));
    }

    /** Commits the readings on the store's writer, tells the alerts, answers the counts. */
    private void commit(Context ctx, TelemetryParser.Parsed parsed, long now) throws Exception {
        TelemetryBatchProcessor.Outcome out;
        try {
            out = writer.commit(parsed, now); // with the requests waiting beside it
        } catch (IllegalStateException e) { // also CancellationException: the worker stopped with it queued
            if (!rt.stopping()) {
                throw e;
            }
            ctx.header("Retry-After", "5");
            Answers.json(ctx, 503, Map.of("error", "sluice up stopped before these readings were committed: nothing of them was kept; "
                    + "send them again"));
            return;
        }
        for (TelemetryAlert a : out.alerts()) {
            try {
                rt.notifier().notify(TelemetryRequests.alert(a));
            } catch (RuntimeException e) {
                rt.stats().error("telemetry", "threshold alert not sent: " + e.getMessage());
            }
        }
        Answers.json(ctx, 200, TelemetryRequests.answer(out));
    }

    /** {@code POST /v1/devices} {"id": ...}: a device and its token, shown in this answer only. */
    void addDevice(Context ctx) throws Exception {
        String id;
        try (InputStream in = ClientFault.body(ctx)) {
            com.fasterxml.jackson.databind.JsonNode n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(in.readNBytes(4_096));
            id = n == null ? null : n.path("id").asText(null);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            id = null;
        }
        if (id == null || !rt.telemetryConfig().deviceId().matcher(id).matches()) {
            Answers.json(ctx, 400, Map.of("error", "give {\"id\": ID}, 1 to 128 letters, digits or . _ : - starting with a letter or digit"));
            return;
        }
        String device = id;
        String token = io.sluice.local.store.DeviceRegistry.newToken();
        boolean added = rt.onWorker(() -> rt.pipeline().store().inTransaction(c ->
                io.sluice.local.store.DeviceRegistry.add(c, device, token, System.currentTimeMillis())));
        if (!added) {
            Answers.json(ctx, 409, Map.of("error", "device " + device + " exists; revoke it first (sluice devices revoke " + device + ")"));
            return;
        }
        Answers.json(ctx, 201, Map.of("device", device, "token", token, "telemetry_path", "/api/v1/" + token + "/telemetry"));
    }

    void listDevices(Context ctx) throws Exception {
        var devices = rt.read(io.sluice.local.store.DeviceRegistry::list);
        List<Map<String, Object>> out = new ArrayList<>();
        for (var d : devices) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("device", d.deviceId());
            m.put("created_at", Instant.ofEpochMilli(d.createdAt()).toString());
            m.put("revoked_at", d.revokedAt() == null ? null : Instant.ofEpochMilli(d.revokedAt()).toString());
            out.add(m);
        }
        Answers.json(ctx, 200, Map.of("devices", out));
    }

    void revokeDevice(Context ctx) throws Exception {
        String device = ctx.pathParam("id");
        boolean revoked = rt.onWorker(() -> rt.pipeline().store().inTransaction(c ->
                io.sluice.local.store.DeviceRegistry.revoke(c, device, System.currentTimeMillis())));
        if (!revoked) {
            Answers.json(ctx, 404, Map.of("error", "no active device " + device));
            return;
        }
        Answers.json(ctx, 200, Map.of("device", device, "revoked", true));
    }

    void latest(Context ctx) throws Exception {
        String device = ctx.pathParam("id");
        var found = rt.read(c -> DuckDbTelemetryStore.latest(c, device));
        Answers.json(ctx, 200, Map.of("device", device, "latest", found.stream().map(TelemetryRoutes::json).toList()));
    }

    void readings(Context ctx) throws Exception {
        String device = ctx.pathParam("id");
        long from;
        long to;
        int limit;
        try {
            from = Optional.ofNullable(ctx.queryParam("from")).map(TelemetryRoutes::instant).orElse(Long.MIN_VALUE);
            to = Optional.ofNullable(ctx.queryParam("to")).map(TelemetryRoutes::instant).orElse(Long.MAX_VALUE);
            limit = Integer.parseInt(Optional.ofNullable(ctx.queryParam("limit")).orElse("1000"));
        } catch (RuntimeException e) {
            Answers.json(ctx, 400, Map.of("error", "from and to are instants (2026-12-04T10:00:00Z) or epoch ms, limit a number"));
            return;
        }
        if (limit < 1 || limit > MAX_READINGS_ANSWERED) {
            Answers.json(ctx, 400, Map.of("error", "limit must be 1.." + MAX_READINGS_ANSWERED + "; narrow from/to to see more"));
            return;
        }
        Optional<String> metric = Optional.ofNullable(ctx.queryParam("metric")).filter(m -> !m.isBlank());
        var found = rt.read(c -> DuckDbTelemetryStore.readings(c, device, metric, from, to, limit));
        Answers.json(ctx, 200, Map.of("device", device, "readings", found.stream().map(TelemetryRoutes::json).toList()));
    }

    private static long instant(String s) {
        return s.chars().allMatch(Character::isDigit) ? Long.parseLong(s) : Instant.parse(s).toEpochMilli();
    }

    private static Map<String, Object> json(DuckDbTelemetryStore.Stored r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("deviceId", r.deviceId());
        m.put("timestamp", r.timestampMillis());
        m.put("time", Instant.ofEpochMilli(r.timestampMillis()).toString());
        m.put("metric", r.metric());
        m.put("value", r.value());
        m.put("unit", r.unit());
        m.put("tags", r.tagsJson());
        return m;
    }
}
