package io.sluice.core.telemetry;

/**
 * A reading refused (IOT-2), with where and why: its index in the request (0 for a single object), the reason, a
 * detail naming the field and value, and its original JSON text, kept as a dead letter like a rejected CDR.
 */
public record ReadingRejection(int index, Reason reason, String detail, String original) {

    /** Why a reading is refused. */
    public enum Reason {
        NOT_AN_OBJECT("not a JSON object"),
        MISSING_FIELD("a required field is missing"),
        BAD_DEVICE_ID("device id of the wrong form"),
        BAD_TIMESTAMP("unreadable timestamp"),
        CLOCK_SKEW("timestamp too far in the future or the past"),
        UNKNOWN_METRIC("metric not in the catalog"),
        NOT_A_NUMBER("value not a finite number"),
        OUT_OF_RANGE("value outside the metric's range"),
        BAD_FIELD("a field of the wrong type");

        private final String description;

        Reason(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }
}
