package io.sluice.local.alerts;

import io.sluice.core.pipeline.Notifier;
import java.util.function.Consumer;

/** Alerts as one line each on the console (stderr for {@code sluice ingest}, the log of {@code sluice up}). */
public final class ConsoleNotifier implements Notifier {
    private final Consumer<String> out;

    public ConsoleNotifier(Consumer<String> out) {
        this.out = out;
    }

    @Override
    public void notify(Alert alert) {
        out.accept("sluice: ALERT " + alert.subject() + ": " + alert.message());
    }
}
