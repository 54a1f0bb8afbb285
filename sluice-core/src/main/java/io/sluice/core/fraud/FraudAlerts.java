package io.sluice.core.fraud;

import io.sluice.core.pipeline.Notifier;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Sends the alerts that owe a notification through a {@link Notifier} and marks them sent (CDR-10): at least once, since
 * a crash between the send and the mark sends again, never a second raise for a stored alert. Called by the home after
 * the batch that raised them committed, so an alert is only sent once it is stored.
 */
public final class FraudAlerts {
    private FraudAlerts() {
    }

    /** What a delivery did: notifications sent, and the error that stopped it (null when none). */
    public record Delivery(int sent, RuntimeException failure) {
    }

    /**
     * Sends every undelivered alert in id order; a notifier that throws stops the round (the rest wait for the next
     * one) and is returned, not thrown: a notifier down must not fail ingestion.
     */
    public static Delivery deliver(FraudState state, Notifier notifier) {
        List<FraudAlert> owed = new java.util.ArrayList<>(state.undelivered());
        owed.sort(java.util.Comparator.comparing(FraudAlert::id));
        int sent = 0;
        for (FraudAlert a : owed) {
            try {
                if (!a.raiseSent()) {
                    notifier.notify(raise(a));
                    sent++;
                }
                if (a.cleared() && !a.clearSent()) {
                    notifier.notify(clear(a));
                    sent++;
                }
            } catch (RuntimeException e) {
                return new Delivery(sent, e);
            }
            state.markDelivered(a);
        }
        return new Delivery(sent, null);
    }

    /** The notification that an alert was raised. */
    public static Notifier.Alert raise(FraudAlert a) {
        FraudAlert.Evidence e = a.evidence();
        String subject = "Sluice fraud: " + a.rule() + " for " + a.subscriber();
        StringBuilder m = new StringBuilder();
        m.append("Rule ").append(a.rule()).append(" holds for ").append(a.subscriber()).append(" from ")
                .append(Instant.ofEpochSecond(a.windowStart())).append(" to ").append(Instant.ofEpochSecond(a.windowEnd()))
                .append(": ").append(e.calls()).append(" calls");
        if (e.seconds() > 0) {
            m.append(", ").append(e.seconds()).append(" s");
        }
        if (e.destinations() > 0) {
            m.append(" to ").append(e.destinations()).append(" destinations");
        }
        if (e.historyDays() > 0) {
            m.append(" (median ").append(e.baselineCalls()).append(" calls, ").append(e.baselineSeconds())
                    .append(" s a day over ").append(e.historyDays()).append(" days)");
        }
        if (!e.topDestinations().isEmpty()) {
            m.append("; top destinations ").append(String.join(", ", e.topDestinations()));
        }
        m.append("; first record ").append(e.firstKey()).append(", last ").append(e.lastKey()).append('.');
        return new Notifier.Alert(subject, m.toString(), attributes(a, "raised"));
    }

    /** The notification that an alert's rule stopped holding. */
    public static Notifier.Alert clear(FraudAlert a) {
        return new Notifier.Alert("Sluice fraud cleared: " + a.rule() + " for " + a.subscriber(),
                "Rule " + a.rule() + " no longer holds for " + a.subscriber() + "; it last held at "
                        + Instant.ofEpochSecond(a.heldUntil()) + ".", attributes(a, "cleared"));
    }

    private static Map<String, String> attributes(FraudAlert a, String state) {
        Map<String, String> m = new HashMap<>();
        m.put("kind", "fraud");
        m.put("rule", a.rule());
        m.put("subscriber", a.subscriber());
        m.put("state", state);
        m.put("alert_id", a.id());
        return m;
    }
}
