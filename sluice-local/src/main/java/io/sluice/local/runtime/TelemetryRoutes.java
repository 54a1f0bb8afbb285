package io.sluice.local.runtime;

import io.javalin.http.Context;
import io.sluice.core.pipeline.Notifier;
import io.sluice.core.telemetry.ReadingRejection;
import io.sluice.core.telemetry.TelemetryAlert;
import io.sluice.core.telemetry.TelemetryBatchProcessor;
import io.sluice.core.telemetry.TelemetryConfig;
import io.sluice.core.telemetry.TelemetryParser;
import io.sluice.local.store.DuckDbTelemetryStore;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
            refuse(ctx, 401, key == null
                    ? "telemetry needs the header x-api-key with the key in " + rt.config().dataDir().resolve(ApiToken.TELEMETRY_KEY_FILE).toAbsolutePath()
                    : "wrong x-api-key");
            return;
        }
        byte[] body = jsonBody(ctx, "", 415);
        if (body == null) {
            return;
        }
        long now = System.currentTimeMillis();
        TelemetryParser.Parsed parsed;
        try {
            parsed = TelemetryParser.parse(body, rt.telemetryConfig(), now); // here, on the request's thread; the writer only commits
        } catch (TelemetryParser.Refused refused) {
            refuse(ctx, refused.kind().status, refused.getMessage());
            return;
        }
        commit(ctx, parsed, now);
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
            refuse(ctx, 401, "invalid access token (unknown or revoked; see sluice devices list)");
            return;
        }
        byte[] body = jsonBody(ctx, "application/json", 400); // ThingsBoard answers 400 for a wrong type too
        if (body == null) {
            return;
        }
        TelemetryConfig cfg = rt.telemetryConfig();
        long now = System.currentTimeMillis();
        TelemetryParser.Parsed parsed;
        try {
            parsed = TelemetryParser.parse(io.sluice.core.telemetry.ThingsBoardTelemetry.toSluice(body, device.get(), now, cfg), cfg, now);
        } catch (TelemetryParser.Refused refused) {
            refuse(ctx, refused.kind().status == 413 ? 413 : 400, refused.getMessage()); // ThingsBoard: 400 for every invalid body
            return;
        }
        commit(ctx, parsed, now);
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

    private void refuse(Context ctx, int status, String message) {
        rt.stats().requestsRefused.incrementAndGet();
        Answers.json(ctx, status, Map.of("error", message));
    }

    /**
     * The body of a JSON request within the telemetry body limit, or null when refused (a type other than JSON answered
     * {@code wrongTypeStatus}, {@code defaultType} standing for a missing one; 413 over the limit, by Content-Length
     * before reading or after reading at most one byte more).
     */
    private byte[] jsonBody(Context ctx, String defaultType, int wrongTypeStatus) throws java.io.IOException {
        String type = Optional.ofNullable(ctx.header("Content-Type")).orElse(defaultType).toLowerCase(Locale.ROOT);
        if (!type.equals("application/json") && !type.startsWith("application/json;")) {
            refuse(ctx, wrongTypeStatus, "send readings as Content-Type: application/json, was '" + type + "'");
            return null;
        }
        long limit = rt.telemetryConfig().maxBodyBytes();
        if (ctx.contentLength() > limit) {
            refuse(ctx, 413, "body is " + ctx.contentLength() + " bytes, over the limit of " + limit);
            return null;
        }
        byte[] body = ClientFault.read(ctx, limit);
        if (body.length > limit) {
            refuse(ctx, 413, "body is over the limit of " + limit + " bytes");
            return null;
        }
        return body;
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
                rt.notifier().notify(alert(a));
            } catch (RuntimeException e) {
                rt.stats().error("telemetry", "threshold alert not sent: " + e.getMessage());
            }
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("readings", out.readingsIn());
        answer.put("accepted", out.accepted().size());
        answer.put("duplicates", out.duplicates());
        List<Map<String, Object>> rejected = new ArrayList<>();
        for (ReadingRejection r : out.rejected()) {
            rejected.add(Map.of("index", r.index(), "reason", r.reason().name(), "detail", r.detail()));
        }
        answer.put("rejected", rejected);
        answer.put("alerts", out.alerts().size());
        Answers.json(ctx, 200, answer);
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

    static Notifier.Alert alert(TelemetryAlert a) {
        String what = a.cleared() ? "back to normal" : "threshold crossed";
        return new Notifier.Alert((a.cleared() ? "OK: " : "ALARM: ") + a.rule() + " on " + a.deviceId(),
                a.deviceId() + " " + a.metric() + " " + a.value() + " at " + Instant.ofEpochMilli(a.timestampMillis()) + ": " + what
                        + " (" + (a.cleared() ? "clear at " : "raise past ") + a.threshold() + ")",
                Map.of("kind", "telemetry", "rule", a.rule(), "device", a.deviceId(), "state", a.cleared() ? "OK" : "ALARM"));
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
