package io.sluice.local.generate;

/** The ways an invalid line is broken; each one is rejected by the core in every format (CDR-3). */
enum Defect {
    NONE,
    /** billsec greater than duration. */
    BILLSEC_OVER_DURATION,
    /** a duration such as -5. */
    NEGATIVE_DURATION,
    /** a date that does not exist, such as 2023-02-30, or hour 24. */
    IMPOSSIBLE_DATE,
    /** a timestamp in no accepted format: 27/06/2017 10:29:03, NULL, ... */
    GARBAGE_TIMESTAMP,
    /** too few or too many columns (JSON lines: a required field missing). */
    WRONG_COLUMN_COUNT,
    /** a disposition or hangup cause the format does not have. */
    UNKNOWN_DISPOSITION,
    /** no destination number. */
    EMPTY_DESTINATION,
    /** quotes that do not pair up as the format writes them (JSON lines: malformed JSON). */
    BROKEN_QUOTING,
    /** end before start. */
    END_BEFORE_START;

    static final Defect[] INVALID = {BILLSEC_OVER_DURATION, NEGATIVE_DURATION, IMPOSSIBLE_DATE, GARBAGE_TIMESTAMP,
            WRONG_COLUMN_COUNT, UNKNOWN_DISPOSITION, EMPTY_DESTINATION, BROKEN_QUOTING, END_BEFORE_START};
}
