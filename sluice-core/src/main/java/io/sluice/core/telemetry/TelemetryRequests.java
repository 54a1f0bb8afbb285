package io.sluice.core.telemetry;

import io.sluice.core.pipeline.BatchId;
import io.sluice.core.pipeline.Notifier;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a telemetry request over HTTP is answered, written once for both homes (the local routes and the AWS function are
 * adapters that only move bytes and headers): the content type each entry takes, the size limit before reading, the
 * body read into readings, the answer's counts and the alert's text (IOT-1..IOT-4, IOT-7).
 *
 * <p>Two entries: {@link Entry#API_KEY} ({@code POST /v1/telemetry}, readings in Sluice's JSON, the header
 * {@code x-api-key}) and {@link Entry#THINGSBOARD} ({@code POST /api/v1/{token}/telemetry}, ThingsBoard's device API,
 * whose documented answers are 200, 400 for any invalid body, 401 for an invalid token).
 */
public final class TelemetryRequests {
    private TelemetryRequests() {
    }

    /** Where a request came in. */
    public enum Entry {
        /** Sluice's own: a wrong or missing content type is 415. */
        API_KEY("", 415),
        /** ThingsBoard's: a missing content type is JSON, a wrong one 400 as ThingsBoard answers. */
        THINGSBOARD("application/json", 400);

        private final String defaultType;
        private final int wrongTypeStatus;

        Entry(String defaultType, int wrongTypeStatus) {
            this.defaultType = defaultType;
            this.wrongTypeStatus = wrongTypeStatus;
        }
    }

    /** A request refused whole: nothing of it is stored. */
    public record Refusal(int status, String message) {
    }

    /** The answer to a wrong or missing credential (the same on both entries: 401). */
    public static Refusal unauthorized(Entry entry, boolean missing, String whereTheKeyIs) {
        if (entry == Entry.THINGSBOARD) {
            return new Refusal(401, "invalid access token (unknown or revoked; see sluice devices list)");
        }
        return new Refusal(401, missing ? "telemetry needs the header x-api-key with the key in " + whereTheKeyIs : "wrong x-api-key");
    }

    /**
     * The checks before the body is read: its content type ({@code null}: none sent) and, when the request states it, its
     * length ({@code -1}: not stated).
     */
    public static Optional<Refusal> beforeReading(Entry entry, String contentType, long contentLength, TelemetryConfig cfg) {
        String type = Optional.ofNullable(contentType).orElse(entry.defaultType).toLowerCase(Locale.ROOT).strip();
        if (!type.equals("application/json") && !type.startsWith("application/json;")) {
            return Optional.of(new Refusal(entry.wrongTypeStatus, "send readings as Content-Type: application/json, was '" + type + "'"));
        }
        if (contentLength > cfg.maxBodyBytes()) {
            return Optional.of(new Refusal(413, "body is " + contentLength + " bytes, over the limit of " + cfg.maxBodyBytes()));
        }
        return Optional.empty();
    }

    /** The outcome of reading a body: its readings, or the refusal of the whole request. */
    public sealed interface Read permits Accepted, Refused {
    }

    public record Accepted(TelemetryParser.Parsed parsed) implements Read {
    }

    public record Refused(Refusal refusal) implements Read {
    }

    /**
     * Reads a body received at {@code nowMillis}: Sluice's JSON, or ThingsBoard's shapes for {@code device} (the one its
     * token names; {@code null} on the API-key entry, whose readings name their device).
     */
    public static Read read(Entry entry, byte[] body, String device, TelemetryConfig cfg, long nowMillis) {
        if (body.length > cfg.maxBodyBytes()) { // read up to one byte past the limit: its length is not known
            return new Refused(new Refusal(413, "body is over the limit of " + cfg.maxBodyBytes() + " bytes"));
        }
        try {
            byte[] sluice = entry == Entry.THINGSBOARD ? ThingsBoardTelemetry.toSluice(body, device, nowMillis, cfg) : body;
            return new Accepted(TelemetryParser.parse(sluice, cfg, nowMillis));
        } catch (TelemetryParser.Refused refused) {
            int status = refused.kind().status;
            if (entry == Entry.THINGSBOARD && status != 413) {
                status = 400; // ThingsBoard answers 400 for every invalid body
            }
            return new Refused(new Refusal(status, refused.getMessage()));
        }
    }

    /**
     * The batch of one request on a home that commits each request by itself (the AWS function): its readings as read
     * (each one's index and text; a ThingsBoard value without {@code ts} carries its receive time), so the same readings
     * from the same device are the same batch. A request retried after a failure mid-way gets back the claims its first
     * attempt made (DedupStore) and counts nothing twice; one resent after it was committed finds its readings duplicates;
     * two ThingsBoard posts of the same bytes at different times are different readings, and different batches.
     */
    public static BatchId batchOf(Entry entry, String device, TelemetryParser.Parsed parsed) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((entry.name() + "\n" + (device == null ? "" : device) + "\n").getBytes(StandardCharsets.UTF_8));
            for (TelemetryParser.Indexed r : parsed.readings()) {
                sha.update((r.index() + "\u0000" + r.original() + "\u0001").getBytes(StandardCharsets.UTF_8));
            }
            for (ReadingRejection r : parsed.rejected()) {
                sha.update((r.index() + "\u0002" + r.original() + "\u0001").getBytes(StandardCharsets.UTF_8));
            }
            return new BatchId("telemetry:" + HexFormat.of().formatHex(sha.digest(), 0, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The answer to a committed request: readings, accepted, duplicates, rejected (index, reason, detail), alerts. */
    public static Map<String, Object> answer(TelemetryBatchProcessor.Outcome out) {
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
        return answer;
    }

    /** A threshold alert as the Notifier sends it (console, webhook, SNS). */
    public static Notifier.Alert alert(TelemetryAlert a) {
        String what = a.cleared() ? "back to normal" : "threshold crossed";
        return new Notifier.Alert((a.cleared() ? "OK: " : "ALARM: ") + a.rule() + " on " + a.deviceId(),
                a.deviceId() + " " + a.metric() + " " + a.value() + " at " + Instant.ofEpochMilli(a.timestampMillis()) + ": " + what
                        + " (" + (a.cleared() ? "clear at " : "raise past ") + a.threshold() + ")",
                Map.of("kind", "telemetry", "rule", a.rule(), "device", a.deviceId(), "state", a.cleared() ? "OK" : "ALARM"));
    }
}
