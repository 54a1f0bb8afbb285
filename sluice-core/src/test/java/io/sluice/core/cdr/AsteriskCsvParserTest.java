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

/** CDR-2, CDR-3: Asterisk cdr_csv Master.csv as cdr/cdr_csv.c build_csv_record writes it (CDR-FORMATS.md section 1). */
class AsteriskCsvParserTest {
    private final AsteriskCsvParser parser = new AsteriskCsvParser();

    /** The 16 columns of the code defaults, already in their written form (quoted strings, bare ints). */
    static List<String> columns16() {
        return new ArrayList<>(List.of(
                "\"acme\"",                          // accountcode
                "\"2125550100\"",                    // src
                "\"2125550199\"",                    // dst
                "\"from-internal\"",                 // dcontext
                "\"\"\"Alice Example\"\" <2125550100>\"", // clid
                "\"SIP/alice-00000001\"",            // channel
                "\"SIP/carrier-0000002a\"",          // dstchannel
                "\"Dial\"",                          // lastapp
                "\"SIP/carrier/2125550199,30,tT\"",  // lastdata
                "\"2024-01-15 10:00:00\"",           // start
                "\"2024-01-15 10:00:05\"",           // answer
                "\"2024-01-15 10:01:05\"",           // end
                "65",                                // duration
                "60",                                // billsec
                "\"ANSWERED\"",                      // disposition
                "\"DOCUMENTATION\""));               // amaflags
    }

    /** Column counts as cdr_csv writes them: 17/18 add uniqueid (and userfield), 19-21 add newcdrcolumns. */
    static List<String> columns(int count) {
        List<String> c = columns16();
        String uniqueId = "\"1705312800.17\"";
        String userField = "\"userfield\"";
        List<String> newColumns = List.of("\"peer\"", "\"1705312800.16\"", "42");
        switch (count) {
            case 16 -> { }
            case 17 -> c.add(uniqueId);
            case 18 -> c.addAll(List.of(uniqueId, userField));
            case 19 -> c.addAll(newColumns);
            case 20 -> {
                c.add(uniqueId);
                c.addAll(newColumns);
            }
            case 21 -> {
                c.addAll(List.of(uniqueId, userField));
                c.addAll(newColumns);
            }
            default -> {
                return new ArrayList<>(c.subList(0, count));
            }
        }
        return c;
    }

    static String line(List<String> columns) {
        return String.join(",", columns);
    }

    private Parsed parse(String text) {
        return parser.parse(RawRecord.of("Master.csv", 7, text.getBytes(UTF_8)), text);
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
    @DisplayName("CDR-2: the 16 columns of the code defaults map onto the fields")
    void parsesTheSixteenColumnsOfTheCodeDefaults() {
        CdrFields f = parseFields(line(columns(16)));

        assertThat(f.caller()).isEqualTo("2125550100");
        assertThat(f.callee()).isEqualTo("2125550199");
        assertThat(f.route()).isEqualTo("SIP/carrier");
        assertThat(f.start()).isEqualTo("2024-01-15 10:00:00");
        assertThat(f.answer()).isEqualTo("2024-01-15 10:00:05");
        assertThat(f.end()).isEqualTo("2024-01-15 10:01:05");
        assertThat(f.duration()).isEqualTo("65");
        assertThat(f.billsec()).isEqualTo("60");
        assertThat(f.disposition()).isEqualTo(Disposition.ANSWERED);
        assertThat(f.account()).isEqualTo("acme");
        assertThat(f.uniqueId()).isEmpty();
        assertThat(f.leg()).isEqualTo("SIP/alice-00000001>SIP/carrier-0000002a");
    }

    @Test
    @DisplayName("CDR-2: 18 columns (the shipped sample config) carry the uniqueid in column 17")
    void readsTheUniqueidOfTheEighteenColumnSampleConfig() {
        assertThat(columns(18)).hasSize(18);

        CdrFields f = parseFields(line(columns(18)));

        assertThat(f.uniqueId()).isEqualTo("1705312800.17");
        assertThat(f.callee()).isEqualTo("2125550199");
    }

    @ParameterizedTest
    @ValueSource(ints = {16, 17, 18, 19, 20, 21})
    @DisplayName("CDR-2: every column count cdr_csv can write (16 to 21) is accepted")
    void acceptsEveryColumnCountCdrCsvWrites(int count) {
        List<String> c = columns(count);
        assertThat(c).hasSize(count);

        CdrFields f = parseFields(line(c));

        assertThat(f.disposition()).isEqualTo(Disposition.ANSWERED);
        assertThat(f.billsec()).isEqualTo("60");
    }

    @Test
    @DisplayName("CDR-2: 21 columns (uniqueid, userfield and newcdrcolumns) keep the uniqueid")
    void readsTheUniqueidOfTwentyOneColumns() {
        assertThat(parseFields(line(columns(21))).uniqueId()).isEqualTo("1705312800.17");
    }

    @ParameterizedTest
    @ValueSource(ints = {15, 22})
    @DisplayName("CDR-3: 15 or 22 columns are WRONG_COLUMN_COUNT")
    void rejectsAWrongColumnCount(int count) {
        List<String> c = count == 15 ? columns(15) : columns(21);
        if (count == 22) {
            c.add("\"extra\"");
        }

        Rejection r = parseRejection(line(c));

        assertThat(r.reason()).isEqualTo(RejectReason.WRONG_COLUMN_COUNT);
        assertThat(r.detail()).contains("found " + count);
    }

    @ParameterizedTest
    @CsvSource({
            "ANSWERED, ANSWERED",
            "NO ANSWER, NO_ANSWER",
            "BUSY, BUSY",
            "FAILED, FAILED",
            "CONGESTION, CONGESTION",
            "CANCEL, CANCEL"
    })
    @DisplayName("CDR-4: Asterisk's disposition texts map onto the one enum")
    void mapsAsteriskDispositions(String text, Disposition expected) {
        List<String> c = columns(18);
        c.set(14, "\"" + text + "\"");

        assertThat(parseFields(line(c)).disposition()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ANSWERD", "answered", "NOANSWER", ""})
    @DisplayName("CDR-3: an unknown disposition is UNKNOWN_DISPOSITION")
    void rejectsAnUnknownDisposition(String text) {
        List<String> c = columns(18);
        c.set(14, "\"" + text + "\"");

        Rejection r = parseRejection(line(c));

        assertThat(r.reason()).isEqualTo(RejectReason.UNKNOWN_DISPOSITION);
        assertThat(r.detail()).contains("'" + text + "'");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "SIP/carrier-0000002a   | Dial       | SIP/carrier/004420794601,30      | SIP/carrier",
            "PJSIP/carrier-00000001 | Dial       | PJSIP/+441632960341@carrier-b,60 | PJSIP/carrier",
            "IAX2/trunk-1234;2      | Dial       | IAX2/trunk/100                   | IAX2/trunk",
            "NOT_AVAILABLE          | Dial       | ''                               | NOT_AVAILABLE",
            "SIP/my-trunk           | Dial       | ''                               | SIP/my-trunk",
            // No outgoing channel (CONGESTION, FAILED): the trunk the Dial was for, not the dialplan context.
            "''                     | Dial       | SIP/carrier/004420794601,30,tT   | SIP/carrier",
            "''                     | Dial       | PJSIP/+441632960341@carrier-b,60 | PJSIP/carrier-b",
            "''                     | Dial       | PJSIP/alice                      | PJSIP/alice",
            "''                     | Dial       | SIP/first/1&SIP/second/1,20      | SIP/first",
            "''                     | Dial       | IAX2/user:secret@voip.example/0044 | IAX2/voip.example",
            "''                     | Dial       | DAHDI/g1/5551234                 | DAHDI/g1",
            "''                     | dial       | DAHDI/r2/5551234,,r              | DAHDI/r2",
            // Never dialed out: voicemail, an IVR, a queue that timed out, a Dial without a target.
            "''                     | VoiceMail  | 100@default                      | (not dialed out)",
            "''                     | Playback   | tt-monkeys                       | (not dialed out)",
            "''                     | Dial       | ''                               | (not dialed out)",
            "''                     | Dial       | nonsense                         | (not dialed out)"
    })
    @DisplayName("CDR-7, issue 16: the route is the trunk a call left on: the destination channel's, else the Dial target's, else not dialed out")
    void derivesTheRoute(String dstChannel, String lastApp, String lastData, String expected) {
        List<String> c = columns(18);
        c.set(6, "\"" + dstChannel + "\"");
        c.set(7, "\"" + lastApp + "\"");
        c.set(8, "\"" + lastData + "\"");
        c.set(3, "\"from-internal\"");

        assertThat(parseFields(line(c)).route()).isEqualTo(expected);
    }

    @Test
    @DisplayName("CDR-2: an unanswered call with Asterisk's bare empty answer field parses with an empty answer")
    void readsTheBareEmptyAnswerOfAnUnansweredCall() {
        List<String> c = columns(18);
        c.set(10, "");
        c.set(13, "0");
        c.set(14, "\"NO ANSWER\"");

        CdrFields f = parseFields(line(c));

        assertThat(f.answer()).isEmpty();
        assertThat(f.disposition()).isEqualTo(Disposition.NO_ANSWER);
    }

    @Test
    @DisplayName("CDR-2: a withheld caller (empty src) parses with an empty caller")
    void readsAnEmptyCaller() {
        List<String> c = columns(18);
        c.set(1, "\"\"");

        assertThat(parseFields(line(c)).caller()).isEmpty();
    }

    @Test
    @DisplayName("CDR-3: broken quoting is BROKEN_QUOTING, with the record's position and original bytes")
    void rejectsBrokenQuotingWithPositionAndOriginalBytes() {
        String text = line(columns(18)).replace("\"Dial\"", "\"Di\"al\"");
        RawRecord raw = RawRecord.of("Master.csv", 12, text.getBytes(UTF_8));

        Parsed p = parser.parse(raw, text);

        assertThat(p).isInstanceOfSatisfying(Rejection.class, r -> {
            assertThat(r.reason()).isEqualTo(RejectReason.BROKEN_QUOTING);
            assertThat(r.source()).isEqualTo("Master.csv");
            assertThat(r.line()).isEqualTo(12);
            assertThat(r.original()).isEqualTo(text.getBytes(UTF_8));
        });
    }

    @Test
    void reportsItsFormat() {
        assertThat(parser.format()).isEqualTo(CdrFormat.ASTERISK);
        assertThat(CdrParser.of(CdrFormat.ASTERISK)).isInstanceOf(AsteriskCsvParser.class);
    }
}
