package io.sluice.core.cdr;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** CDR-2, CDR-3, CDR-4: FreeSWITCH mod_cdr_csv default (13 fields) and example (15 fields) templates. */
class FreeSwitchCsvParserTest {
    private final FreeSwitchCsvParser parser = new FreeSwitchCsvParser();

    /** caller_id_name .. accountcode, read_codec, write_codec of the example template: an answered call. */
    static List<String> example() {
        return new ArrayList<>(List.of("Alice", "1001", "0034688886392", "default",
                "2024-01-15 10:00:00", "2024-01-15 10:00:05", "2024-01-15 10:01:05", "65", "60", "NORMAL_CLEARING",
                "a5c9f6c0-e752-11e3-8bfb-65b6c3cdac7d", "b6d0a7d1-e752-11e3-8bfb-65b6c3cdac7d", "acme", "PCMU", "PCMA"));
    }

    /** Every field wrapped in quotes, as the example template writes it. */
    static String exampleLine(List<String> f) {
        return "\"" + String.join("\",\"", f) + "\"";
    }

    /** The default template: 13 fields, with {@code ", "} (a space) before accountcode. */
    static String defaultLine(List<String> f) {
        return "\"" + String.join("\",\"", f.subList(0, 12)) + "\", \"" + f.get(12) + "\"";
    }

    static List<String> unanswered(String cause) {
        List<String> f = example();
        f.set(5, "");
        f.set(7, "5");
        f.set(8, "0");
        f.set(9, cause);
        return f;
    }

    private Parsed parse(String text) {
        return parser.parse(RawRecord.of("Master.csv", 3, text.getBytes(UTF_8)), text);
    }

    private CdrFields parseFields(String text) {
        Parsed p = parse(text);
        assertThat(p).as("parse of %s", text).isInstanceOf(CdrFields.class);
        return (CdrFields) p;
    }

    private Rejection parseRejection(String text) {
        Parsed p = parse(text);
        assertThat(p).as("parse of %s", text).isInstanceOf(Rejection.class);
        return (Rejection) p;
    }

    @Test
    @DisplayName("CDR-2: the 15 fields of the example template map onto the fields")
    void parsesTheFifteenFieldsOfTheExampleTemplate() {
        CdrFields f = parseFields(exampleLine(example()));

        assertThat(f.caller()).isEqualTo("1001");
        assertThat(f.callee()).isEqualTo("0034688886392");
        assertThat(f.route()).isEqualTo("default");
        assertThat(f.start()).isEqualTo("2024-01-15 10:00:00");
        assertThat(f.answer()).isEqualTo("2024-01-15 10:00:05");
        assertThat(f.end()).isEqualTo("2024-01-15 10:01:05");
        assertThat(f.duration()).isEqualTo("65");
        assertThat(f.billsec()).isEqualTo("60");
        assertThat(f.disposition()).isEqualTo(Disposition.ANSWERED);
        assertThat(f.account()).isEqualTo("acme");
        assertThat(f.uniqueId()).isEqualTo("a5c9f6c0-e752-11e3-8bfb-65b6c3cdac7d");
        assertThat(f.leg()).isEqualTo("a5c9f6c0-e752-11e3-8bfb-65b6c3cdac7d>b6d0a7d1-e752-11e3-8bfb-65b6c3cdac7d");
    }

    @Test
    @DisplayName("CDR-2: the 13 fields of the default template, with its \", \" before accountcode")
    void parsesTheThirteenFieldsOfTheDefaultTemplate() {
        String text = defaultLine(example());
        assertThat(text).contains("\", \"acme\"");

        CdrFields f = parseFields(text);

        assertThat(f.account()).isEqualTo("acme");
        assertThat(f.callee()).isEqualTo("0034688886392");
        assertThat(f.disposition()).isEqualTo(Disposition.ANSWERED);
    }

    @ParameterizedTest
    @ValueSource(ints = {12, 14, 16})
    @DisplayName("CDR-3: other field counts are WRONG_COLUMN_COUNT")
    void rejectsOtherFieldCounts(int count) {
        List<String> f = example();
        while (f.size() < count) {
            f.add("x");
        }

        Rejection r = parseRejection(exampleLine(f.subList(0, count)));

        assertThat(r.reason()).isEqualTo(RejectReason.WRONG_COLUMN_COUNT);
        assertThat(r.detail()).contains("found " + count);
    }

    @ParameterizedTest
    @CsvSource({
            "USER_BUSY, BUSY",
            "BUSY_EVERYWHERE, BUSY",
            "NORMAL_CLEARING, NO_ANSWER",
            "NO_ANSWER, NO_ANSWER",
            "NO_USER_RESPONSE, NO_ANSWER",
            "ORIGINATOR_CANCEL, CANCEL",
            "NORMAL_CIRCUIT_CONGESTION, CONGESTION",
            "CALL_REJECTED, REJECTED", // issue 16: the called user refused; NER counts it as delivered
            "DECLINE, REJECTED",
            "UNALLOCATED_NUMBER, FAILED"
    })
    @DisplayName("CDR-4: an unanswered call's hangup cause maps onto the disposition enum")
    void mapsTheHangupCauseOfAnUnansweredCall(String cause, Disposition expected) {
        assertThat(parseFields(exampleLine(unanswered(cause))).disposition()).isEqualTo(expected);
    }

    @Test
    @DisplayName("CDR-4: a call with an answer stamp is answered, whatever the hangup cause")
    void aCallWithAnAnswerStampIsAnswered() {
        List<String> f = example();
        f.set(9, "USER_BUSY");

        assertThat(parseFields(exampleLine(f)).disposition()).isEqualTo(Disposition.ANSWERED);
    }

    @Test
    @DisplayName("CDR-4: a call with billable seconds and no answer stamp is answered")
    void aCallWithBillableSecondsIsAnswered() {
        List<String> f = unanswered("NORMAL_CLEARING");
        f.set(8, "3");

        assertThat(parseFields(exampleLine(f)).disposition()).isEqualTo(Disposition.ANSWERED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"NOT_A_CAUSE", "normal_clearing", "ANSWERED", ""})
    @DisplayName("CDR-3: a hangup cause outside FreeSWITCH's CAUSE_CHART is UNKNOWN_DISPOSITION")
    void rejectsAnUnknownHangupCause(String cause) {
        Rejection r = parseRejection(exampleLine(unanswered(cause)));

        assertThat(r.reason()).isEqualTo(RejectReason.UNKNOWN_DISPOSITION);
        assertThat(r.detail()).contains("'" + cause + "'");
    }

    @Test
    @DisplayName("CDR-2: a bare quote inside a value (no escaping in templates) does not break the record")
    void readsABareQuoteInsideTheCallerName() {
        List<String> f = example();
        f.set(0, "Jo\"e");

        CdrFields fields = parseFields(exampleLine(f));

        assertThat(fields.caller()).isEqualTo("1001");
        assertThat(fields.callee()).isEqualTo("0034688886392");
    }

    @Test
    @DisplayName("CDR-7: an empty context gives the route 'unknown'")
    void anEmptyContextGivesTheUnknownRoute() {
        List<String> f = example();
        f.set(3, "");

        assertThat(parseFields(exampleLine(f)).route()).isEqualTo("unknown");
    }

    @Test
    void reportsItsFormat() {
        assertThat(parser.format()).isEqualTo(CdrFormat.FREESWITCH);
        assertThat(CdrFormat.FREESWITCH.quotedNewlines()).isFalse();
        assertThat(CdrParser.of(CdrFormat.FREESWITCH)).isInstanceOf(FreeSwitchCsvParser.class);
    }
}
