package io.sluice.core.cdr;

/** Why a record cannot be a call (CDR-3). The code is stable: dead-letter queries and dashboards group by it. */
public enum RejectReason {
    LINE_TOO_LONG("record longer than the size limit"),
    NOT_TEXT("bytes that are not UTF-8 text"),
    NOT_BASE64("stream record data that is not base64"),
    BROKEN_QUOTING("broken CSV quoting"),
    WRONG_COLUMN_COUNT("wrong number of columns"),
    MALFORMED_JSON("malformed JSON record"),
    MISSING_FIELD("a required field is missing"),
    BAD_TIMESTAMP("unparseable timestamp"),
    IMPOSSIBLE_TIME("impossible time"),
    BAD_DURATION("non-numeric or negative duration"),
    BILLSEC_EXCEEDS_DURATION("billsec greater than duration"),
    UNKNOWN_DISPOSITION("unknown disposition"),
    NO_DESTINATION("no destination number"),
    /** Not the record's fault: reading it made Sluice fail (a bug). Kept like any rejection so that nothing is lost. */
    PROCESSING_ERROR("Sluice failed on this record (a bug: please report it)");

    private final String description;

    RejectReason(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
