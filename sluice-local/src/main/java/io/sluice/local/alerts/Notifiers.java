package io.sluice.local.alerts;

import io.sluice.core.pipeline.Notifier;
import java.util.List;

/**
 * Several notifiers as one: each alert goes to each, in order; the first failure stops it and is thrown, so the alert
 * stays owed and all of them get it again (the console may show an alert twice when the webhook was down: at least
 * once, never none).
 */
public final class Notifiers implements Notifier {
    private final List<Notifier> all;

    public Notifiers(List<Notifier> all) {
        this.all = List.copyOf(all);
    }

    @Override
    public void notify(Alert alert) {
        for (Notifier n : all) {
            n.notify(alert);
        }
    }
}
