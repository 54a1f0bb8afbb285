package io.sluice.core.pipeline;

import java.util.Map;

/**
 * Where alerts go (CDR-10, IOT-4, MON-3): SNS on AWS, the log and the dashboard on one machine. A notifier
 * that cannot deliver throws; callers decide whether an alert is worth failing a batch for.
 */
public interface Notifier {

    void notify(Alert alert);

    /**
     * One alert.
     *
     * @param subject    a short line (SNS e-mail subjects stop at 100 characters)
     * @param message    the text
     * @param attributes string attributes for filtering (rule, severity, ...)
     */
    record Alert(String subject, String message, Map<String, String> attributes) {
        public Alert {
            if (subject == null || subject.isBlank()) {
                throw new IllegalArgumentException("An alert needs a subject");
            }
            message = message == null ? "" : message;
            attributes = Map.copyOf(attributes);
        }
    }
}
