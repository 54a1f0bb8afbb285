package io.sluice.core.cdr;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** CDR-3 (a record that cannot be a call is rejected with a reason) and CDR-4 (times to UTC). */
class CdrValidatorTest {
    private static final RawRecord RAW = RawRecord.of("Master.csv", 9, "original bytes".getBytes(UTF_8));
    private static final String START = "2024-01-15 10:00:00";
    private static final String ANSWER = "2024-01-15 10:00:05";
    private static final String END = "2024-01-15 10:01:05";

    private final CdrValidator utc = new CdrValidator(ZoneOffset.UTC);

    static CdrFields fields(String callee, String start, String answer, String end, String duration, String billsec) {
        return new CdrFields("2125550100", callee, "SIP/carrier", start, answer, end, duration, billsec,
                Disposition.ANSWERED, "acme", "1705312800.1", "SIP/a-1>SIP/b-2");
    }

    static CdrFields times(String start, String answer, String end, String duration, String billsec) {
        return fields("2125550199", start, answer, end, duration, billsec);
    }

    static long epoch(String isoInstant) {
        return Instant.parse(isoInstant).getEpochSecond();
    }

    private CallTimes accepted(CdrValidator validator, CdrFields f) {
        Validated v = validator.validate(RAW, f);
        assertThat(v).as("validation of %s", f).isInstanceOf(CallTimes.class);
        return (CallTimes) v;
    }

    private Rejection rejected(CdrFields f) {
        Validated v = utc.validate(RAW, f);
        assertThat(v).as("validation of %s", f).isInstanceOf(Rejection.class);
        Rejection r = (Rejection) v;
        assertThat(r.source()).isEqualTo("Master.csv");
        assertThat(r.line()).isEqualTo(9);
        assertThat(r.original()).isEqualTo("original bytes".getBytes(UTF_8));
        return r;
    }

    @Test
    @DisplayName("CDR-4: a consistent call gives its times in UTC epoch seconds")
    void acceptsAConsistentCall() {
        CallTimes t = accepted(utc, times(START, ANSWER, END, "65", "60"));

        assertThat(t.start()).isEqualTo(epoch("2024-01-15T10:00:00Z"));
        assertThat(t.answer()).isEqualTo(epoch("2024-01-15T10:00:05Z"));
        assertThat(t.end()).isEqualTo(epoch("2024-01-15T10:01:05Z"));
        assertThat(t.duration()).isEqualTo(65);
        assertThat(t.billsec()).isEqualTo(60);
        assertThat(t.answered()).isTrue();
    }

    @Test
    @DisplayName("CDR-4: an unanswered call has no answer time")
    void acceptsAnUnansweredCall() {
        CallTimes t = accepted(utc, times(START, "", END, "65", "0"));

        assertThat(t.answered()).isFalse();
        assertThat(t.answer()).isEqualTo(CallTimes.NOT_ANSWERED);
    }

    @Test
    @DisplayName("CDR-3: billsec > duration is BILLSEC_EXCEEDS_DURATION")
    void rejectsBillsecLongerThanDuration() {
        Rejection r = rejected(times(START, ANSWER, END, "5", "7"));

        assertThat(r.reason()).isEqualTo(RejectReason.BILLSEC_EXCEEDS_DURATION);
        assertThat(r.detail()).contains("7").contains("5");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-5", "abc", "5.5", "", " 5", "604801", "99999999"})
    @DisplayName("CDR-3: a negative, non-numeric or absurd duration is BAD_DURATION")
    void rejectsABadDuration(String duration) {
        Rejection r = rejected(times(START, ANSWER, END, duration, "0"));

        assertThat(r.reason()).isEqualTo(RejectReason.BAD_DURATION);
        assertThat(r.detail()).contains("'" + duration + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "x", ""})
    @DisplayName("CDR-3: a negative or non-numeric billsec is BAD_DURATION")
    void rejectsABadBillsec(String billsec) {
        assertThat(rejected(times(START, ANSWER, END, "65", billsec)).reason()).isEqualTo(RejectReason.BAD_DURATION);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2023-02-30 10:00:00", "2023-13-01 10:00:00", "2023-01-01 25:00:00", "2023-01-01 10:61:00",
            "1899-01-01 10:00:00", "2023-02-30T10:00:00Z"})
    @DisplayName("CDR-3: a date or time that does not exist is IMPOSSIBLE_TIME")
    void rejectsAnImpossibleTime(String start) {
        Rejection r = rejected(times(start, "", END, "65", "0"));

        assertThat(r.reason()).isEqualTo(RejectReason.IMPOSSIBLE_TIME);
        assertThat(r.detail()).contains(start);
    }

    @ParameterizedTest
    @ValueSource(strings = {"yesterday", "2023/01/15 10:00:00", "15-01-2024 10:00", "2024-01-15 10:00", "20x4-01-15 10:00:00"})
    @DisplayName("CDR-3: an unparseable time is BAD_TIMESTAMP")
    void rejectsGarbageTime(String start) {
        Rejection r = rejected(times(start, "", END, "65", "0"));

        assertThat(r.reason()).isEqualTo(RejectReason.BAD_TIMESTAMP);
        assertThat(r.detail()).contains(start);
    }

    @Test
    @DisplayName("CDR-3: garbage in the end or answer time is rejected too")
    void rejectsGarbageInEndAndAnswer() {
        assertThat(rejected(times(START, "", "soon", "65", "0")).reason()).isEqualTo(RejectReason.BAD_TIMESTAMP);
        assertThat(rejected(times(START, "later", END, "65", "0")).reason()).isEqualTo(RejectReason.BAD_TIMESTAMP);
    }

    @Test
    @DisplayName("CDR-3: an end before the start is IMPOSSIBLE_TIME")
    void rejectsAnEndBeforeTheStart() {
        Rejection r = rejected(times(END, "", START, "65", "0"));

        assertThat(r.reason()).isEqualTo(RejectReason.IMPOSSIBLE_TIME);
        assertThat(r.detail()).contains("before");
    }

    @ParameterizedTest
    @CsvSource({
            "2024-01-15 09:59:59, before the start",
            "2024-01-15 10:01:06, after the end"
    })
    @DisplayName("CDR-3: an answer time outside start..end is IMPOSSIBLE_TIME")
    void rejectsAnAnswerOutsideTheCall(String answer, String why) {
        Rejection r = rejected(times(START, answer, END, "65", "0"));

        assertThat(r.reason()).as(why).isEqualTo(RejectReason.IMPOSSIBLE_TIME);
        assertThat(r.detail()).contains(answer);
    }

    @Test
    @DisplayName("CDR-3: an answer at the very start or end of the call is possible")
    void acceptsAnAnswerAtTheBoundaries() {
        assertThat(accepted(utc, times(START, START, END, "65", "65")).answer()).isEqualTo(epoch("2024-01-15T10:00:00Z"));
        assertThat(accepted(utc, times(START, END, END, "65", "0")).answer()).isEqualTo(epoch("2024-01-15T10:01:05Z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    @DisplayName("CDR-3: an empty destination is NO_DESTINATION")
    void rejectsAnEmptyCallee(String callee) {
        Rejection r = rejected(fields(callee, START, ANSWER, END, "65", "60"));

        assertThat(r.reason()).isEqualTo(RejectReason.NO_DESTINATION);
    }

    @Test
    @DisplayName("CDR-4: source zone Europe/Berlin moves 2024-01-15 10:00:00 (CET) to 09:00:00Z")
    void movesSourceZoneTimesToUtc() {
        CdrValidator berlin = new CdrValidator(ZoneId.of("Europe/Berlin"));

        CallTimes winter = accepted(berlin, times(START, ANSWER, END, "65", "60"));
        CallTimes summer = accepted(berlin, times("2024-07-15 10:00:00", "", "2024-07-15 10:01:05", "65", "0"));

        assertThat(winter.start()).isEqualTo(epoch("2024-01-15T09:00:00Z"));
        assertThat(winter.end()).isEqualTo(epoch("2024-01-15T09:01:05Z"));
        assertThat(summer.start()).isEqualTo(epoch("2024-07-15T08:00:00Z"));
        assertThat(berlin.sourceZone()).isEqualTo(ZoneId.of("Europe/Berlin"));
    }

    @Test
    @DisplayName("CDR-3: a wall-clock time inside the source zone's DST gap never happened: IMPOSSIBLE_TIME")
    void rejectsATimeInsideTheDstGap() {
        CdrValidator berlin = new CdrValidator(ZoneId.of("Europe/Berlin"));

        Validated v = berlin.validate(RAW, times("2024-03-31 02:30:00", "", "2024-03-31 03:01:00", "60", "0"));

        assertThat(v).isInstanceOfSatisfying(Rejection.class, r -> {
            assertThat(r.reason()).isEqualTo(RejectReason.IMPOSSIBLE_TIME);
            assertThat(r.detail()).contains("start").contains("2024-03-31 02:30:00");
        });
    }

    @Test
    @DisplayName("CDR-4: JSONL ISO-8601 times with an offset or Z are exact, whatever the source zone")
    void acceptsIsoTimesWithAnOffset() {
        CdrValidator berlin = new CdrValidator(ZoneId.of("Europe/Berlin"));

        CallTimes t = accepted(berlin, times("2024-01-15T10:00:00+01:00", "2024-01-15T09:00:05Z",
                "2024-01-15T04:01:05-05:00", "65", "60"));

        assertThat(t.start()).isEqualTo(epoch("2024-01-15T09:00:00Z"));
        assertThat(t.answer()).isEqualTo(epoch("2024-01-15T09:00:05Z"));
        assertThat(t.end()).isEqualTo(epoch("2024-01-15T09:01:05Z"));
    }

    @Test
    @DisplayName("CDR-4: JSONL ISO-8601 times without an offset are read in the source zone")
    void readsIsoTimesWithoutAnOffsetInTheSourceZone() {
        CdrValidator berlin = new CdrValidator(ZoneId.of("Europe/Berlin"));

        CallTimes t = accepted(berlin, times("2024-01-15T10:00:00", "", "2024-01-15T10:00:10.500", "10", "0"));

        assertThat(t.start()).isEqualTo(epoch("2024-01-15T09:00:00Z"));
        assertThat(t.end()).isEqualTo(epoch("2024-01-15T09:00:10Z"));
    }

    @Test
    @DisplayName("CDR-4: JSONL epoch seconds are accepted as UTC")
    void acceptsEpochSeconds() {
        long start = epoch("2024-01-15T09:00:00Z");
        CdrValidator berlin = new CdrValidator(ZoneId.of("Europe/Berlin"));

        CallTimes t = accepted(berlin, times(Long.toString(start), Long.toString(start + 5), Long.toString(start + 65), "65", "60"));

        assertThat(t.start()).isEqualTo(start);
        assertThat(t.answer()).isEqualTo(start + 5);
        assertThat(t.end()).isEqualTo(start + 65);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "12345", "9999999999999"})
    @DisplayName("CDR-3: epoch seconds outside 1990..2199 are IMPOSSIBLE_TIME")
    void rejectsEpochSecondsOutsideThePlausibleYears(String start) {
        assertThat(rejected(times(start, "", END, "65", "0")).reason()).isEqualTo(RejectReason.IMPOSSIBLE_TIME);
    }

    @Test
    @DisplayName("CDR-3: an empty start time is MISSING_FIELD")
    void rejectsAnEmptyStart() {
        assertThat(rejected(times("", "", END, "65", "0")).reason()).isEqualTo(RejectReason.MISSING_FIELD);
    }
}
