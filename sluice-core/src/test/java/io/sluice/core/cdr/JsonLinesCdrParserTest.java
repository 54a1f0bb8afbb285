package io.sluice.core.cdr;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** CDR-2, CDR-3, SEC-5: Sluice's own JSON-lines schema, one flat object per line. */
class JsonLinesCdrParserTest {
    private static final String FULL = "{\"caller\":\"+4930123456\",\"callee\":\"+4989765432\","
            + "\"start\":\"2026-01-05T10:00:00Z\",\"answer\":\"2026-01-05T10:00:07Z\",\"end\":\"2026-01-05T10:03:07Z\","
            + "\"duration\":187,\"billsec\":180,\"disposition\":\"ANSWERED\",\"route\":\"carrier-a\",\"account\":\"acme\","
            + "\"id\":\"call-1\"}";

    private final JsonLinesCdrParser parser = new JsonLinesCdrParser();

    private Parsed parse(String text) {
        return parser.parse(RawRecord.of("ingest-42", 5, text.getBytes(UTF_8)), text);
    }

    private CdrFields parseFields(String text) {
        Parsed p = parse(text);
        assertThat(p).as("parse of %s", text).isInstanceOf(CdrFields.class);
        return (CdrFields) p;
    }

    private Rejection parseRejection(String text) {
        Parsed p = parse(text);
        assertThat(p).as("parse of %s", text).isInstanceOf(Rejection.class);
        Rejection r = (Rejection) p;
        assertThat(r.line()).isEqualTo(5);
        assertThat(r.original()).isEqualTo(text.getBytes(UTF_8));
        return r;
    }

    @Test
    @DisplayName("CDR-2: every field of the schema is read; numbers are read as their text")
    void readsEveryFieldOfTheSchema() {
        CdrFields f = parseFields(FULL);

        assertThat(f.caller()).isEqualTo("+4930123456");
        assertThat(f.callee()).isEqualTo("+4989765432");
        assertThat(f.start()).isEqualTo("2026-01-05T10:00:00Z");
        assertThat(f.answer()).isEqualTo("2026-01-05T10:00:07Z");
        assertThat(f.end()).isEqualTo("2026-01-05T10:03:07Z");
        assertThat(f.duration()).isEqualTo("187");
        assertThat(f.billsec()).isEqualTo("180");
        assertThat(f.disposition()).isEqualTo(Disposition.ANSWERED);
        assertThat(f.route()).isEqualTo("carrier-a");
        assertThat(f.account()).isEqualTo("acme");
        assertThat(f.uniqueId()).isEqualTo("call-1");
    }

    @Test
    @DisplayName("CDR-2: optional fields default to empty, the route to 'unknown'; null reads as absent")
    void optionalFieldsDefaultToEmpty() {
        CdrFields f = parseFields("{\"callee\":\"+4989765432\",\"caller\":null,\"start\":\"1767607200\",\"end\":\"1767607380\","
                + "\"duration\":\"180\",\"billsec\":\"0\",\"disposition\":\"NO_ANSWER\"}");

        assertThat(f.caller()).isEmpty();
        assertThat(f.answer()).isEmpty();
        assertThat(f.route()).isEqualTo("unknown");
        assertThat(f.account()).isEmpty();
        assertThat(f.disposition()).isEqualTo(Disposition.NO_ANSWER);
    }

    @Test
    @DisplayName("CDR-2: unknown fields are ignored, so producers can add fields first")
    void ignoresUnknownFields() {
        String text = FULL.replace("{", "{\"codec\":\"PCMU\",\"mos\":4.2,\"flag\":true,");

        CdrFields f = parseFields(text);

        assertThat(f.callee()).isEqualTo("+4989765432");
        assertThat(f.billsec()).isEqualTo("180");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"x\":1}", "[1]", "[[[[1]]]]", "{\"a\":{\"b\":{}}}"})
    @DisplayName("SEC-5, CDR-3: a nested object or array is rejected as MALFORMED_JSON")
    void rejectsNesting(String nested) {
        Rejection r = parseRejection(FULL.replace("\"route\":\"carrier-a\"", "\"route\":" + nested));

        assertThat(r.reason()).isEqualTo(RejectReason.MALFORMED_JSON);
        assertThat(r.detail()).isNotBlank();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"x\":1}", "[1]"})
    @DisplayName("CDR-3: the rejection of a nested value names the field")
    void namesTheNestedField(String nested) {
        Rejection r = parseRejection(FULL.replace("\"route\":\"carrier-a\"", "\"route\":" + nested));

        assertThat(r.detail()).isEqualTo("field 'route' must be a plain value, not nested");
    }

    @ParameterizedTest
    @ValueSource(strings = {"callee", "start", "end", "duration", "billsec", "disposition"})
    @DisplayName("CDR-3: a missing required field is MISSING_FIELD and the detail names it")
    void namesTheMissingRequiredField(String field) {
        String text = FULL.replaceFirst("\"" + field + "\":(\"[^\"]*\"|\\d+),", "");
        assertThat(text).doesNotContain("\"" + field + "\"");

        Rejection r = parseRejection(text);

        assertThat(r.reason()).isEqualTo(RejectReason.MISSING_FIELD);
        assertThat(r.detail()).contains("'" + field + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {" x", " {}", ",", "}"})
    @DisplayName("CDR-3: text after the object is MALFORMED_JSON")
    void rejectsTrailingText(String trailing) {
        Rejection r = parseRejection(FULL + trailing);

        assertThat(r.reason()).isEqualTo(RejectReason.MALFORMED_JSON);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1,2]", "\"text\"", "42", "{\"callee\":", "{\"callee\" \"x\"}", "not json"})
    @DisplayName("CDR-3: anything but one complete JSON object is MALFORMED_JSON, with a one-line detail")
    void rejectsWhatIsNotOneObject(String text) {
        Rejection r = parseRejection(text);

        assertThat(r.reason()).isEqualTo(RejectReason.MALFORMED_JSON);
        assertThat(r.detail()).isNotBlank().doesNotContain("\n");
    }

    @Test
    @DisplayName("CDR-3: an unknown disposition is UNKNOWN_DISPOSITION")
    void rejectsAnUnknownDisposition() {
        Rejection r = parseRejection(FULL.replace("\"ANSWERED\"", "\"PICKED_UP\""));

        assertThat(r.reason()).isEqualTo(RejectReason.UNKNOWN_DISPOSITION);
        assertThat(r.detail()).contains("'PICKED_UP'");
    }

    @Test
    void reportsItsFormat() {
        assertThat(parser.format()).isEqualTo(CdrFormat.JSONL);
        assertThat(CdrFormat.JSONL.quotedNewlines()).isFalse();
        assertThat(CdrParser.of(CdrFormat.JSONL)).isInstanceOf(JsonLinesCdrParser.class);
    }
}
