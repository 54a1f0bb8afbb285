package io.sluice.core.cdr;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** CDR-2: the two CSV dialects of CDR-FORMATS.md (Asterisk append_string, FreeSWITCH templates). */
class CsvFieldsTest {

    @Test
    @DisplayName("CDR-2: strict reads quoted fields, including empty ones")
    void strictReadsQuotedFields() {
        assertThat(CsvFields.strict("\"\",\"test\",\"100\"")).contains(List.of("", "test", "100"));
    }

    @Test
    @DisplayName("CDR-2: strict turns doubled quotes into one quote, as Asterisk writes a clid")
    void strictUndoublesQuotes() {
        assertThat(CsvFields.strict("\"\"\"Test User\"\" <test>\",\"x\""))
                .contains(List.of("\"Test User\" <test>", "x"));
    }

    @Test
    @DisplayName("CDR-2: strict reads Asterisk's bare integers (duration, billsec)")
    void strictReadsBareIntegers() {
        assertThat(CsvFields.strict("\"a\",5,7,\"b\"")).contains(List.of("a", "5", "7", "b"));
    }

    @Test
    @DisplayName("CDR-2: strict reads a bare empty field, as Asterisk writes an unanswered call's answer time")
    void strictReadsABareEmptyField() {
        assertThat(CsvFields.strict("\"a\",,\"b\"")).contains(List.of("a", "", "b"));
        assertThat(CsvFields.strict("\"a\",")).contains(List.of("a", ""));
        assertThat(CsvFields.strict(",\"a\"")).contains(List.of("", "a"));
    }

    @Test
    @DisplayName("CDR-2: strict keeps commas and newlines inside quotes")
    void strictKeepsCommasAndNewlinesInsideQuotes() {
        assertThat(CsvFields.strict("\"Dial\",\"SIP/carrier/100,30,tT\",\"two\nlines\""))
                .contains(List.of("Dial", "SIP/carrier/100,30,tT", "two\nlines"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "\"abc\"def,\"x\"",      // text after a closing quote
            "ab\"c,\"x\"",           // quote inside a bare field
            "\"never closed",        // unbalanced
            "\"a\",\"b",             // last field unbalanced
            "\"a\" ,\"b\"",          // space after the closing quote
            "\"a\", \"b\"",          // FreeSWITCH's ", " is not RFC 4180
            "\"a\"\""                // ends inside a doubled quote
    })
    @DisplayName("CDR-3: strict returns nothing for broken quoting")
    void strictRejectsBrokenQuoting(String line) {
        assertThat(CsvFields.strict(line)).isEmpty();
    }

    @Test
    @DisplayName("CDR-2: freeSwitch splits on \",\" and on \", \" with a space before the quote")
    void freeSwitchSplitsWithASpaceBeforeTheQuote() {
        assertThat(CsvFields.freeSwitch("\"a\",\"b\", \"c\"")).contains(List.of("a", "b", "c"));
    }

    @Test
    @DisplayName("CDR-2: freeSwitch keeps a bare quote inside a value (FreeSWITCH does no escaping)")
    void freeSwitchKeepsABareQuoteInsideAValue() {
        assertThat(CsvFields.freeSwitch("\"Jo\"e\",\"1001\"")).contains(List.of("Jo\"e", "1001"));
    }

    @Test
    @DisplayName("CDR-2: freeSwitch keeps empty fields, in the middle and at the end")
    void freeSwitchKeepsEmptyFields() {
        assertThat(CsvFields.freeSwitch("\"a\",\"\",\"b\",\"\"")).contains(List.of("a", "", "b", ""));
    }

    @Test
    @DisplayName("CDR-2: freeSwitch reads a record not wrapped in quotes as strict CSV")
    void freeSwitchFallsBackToStrictForUnquotedRecords() {
        assertThat(CsvFields.freeSwitch("a,b,,c")).contains(List.of("a", "b", "", "c"));
        assertThat(CsvFields.freeSwitch("a,b\"c")).isEmpty();
    }
}
