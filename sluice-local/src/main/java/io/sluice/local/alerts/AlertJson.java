package io.sluice.local.alerts;

import io.sluice.core.fraud.FraudAlert;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An alert as {@code sluice alerts list --json} and {@code GET /v1/alerts} show it (CDR-10): {@code subscriber} (E.164),
 * {@code rule}, {@code window_start} and {@code window_end} (UTC, ISO-8601), {@code evidence}; and its {@code id},
 * {@code state} (open or cleared) and the last time its rule held.
 */
public final class AlertJson {
    private AlertJson() {
    }

    public static Map<String, Object> of(FraudAlert a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", a.id());
        m.put("subscriber", a.subscriber());
        m.put("rule", a.rule());
        m.put("window_start", Instant.ofEpochSecond(a.windowStart()).toString());
        m.put("window_end", Instant.ofEpochSecond(a.windowEnd()).toString());
        m.put("state", a.cleared() ? "cleared" : "open");
        m.put("held_until", Instant.ofEpochSecond(a.heldUntil()).toString());
        FraudAlert.Evidence e = a.evidence();
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("calls", e.calls());
        if (a.rule().equals(io.sluice.core.fraud.SpikeRule.USAGE_SPIKE)) {
            ev.put("seconds", e.seconds());
            ev.put("median_calls", e.baselineCalls());
            ev.put("median_seconds", e.baselineSeconds());
            ev.put("history_days", e.historyDays());
        } else {
            ev.put("destinations", e.destinations());
            ev.put("peak_calls", e.peakCalls());
        }
        ev.put("top_destinations", e.topDestinations());
        ev.put("first_record_key", e.firstKey());
        ev.put("last_record_key", e.lastKey());
        m.put("evidence", ev);
        return m;
    }
}
