package io.sluice.local.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The byte-level CSV rows DuckDB reads back from staging files: quoting, UTF-8, numbers, NULLs. */
class CsvBufferTest {
    private static String text(CsvBuffer b) {
        return new String(Arrays.copyOf(b.bytes(), b.length()), StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("CDR-9: strings quoted with quotes doubled, non-ASCII as UTF-8 (also after a quote), numbers bare, empty for NULL")
    void rendersRowsAsRfc4180() {
        CsvBuffer b = new CsvBuffer(8);
        b.str("plain").str("say \"hi\"").str("a\"b München").num(0).num(-42).num(Long.MAX_VALUE).num(Long.MIN_VALUE)
                .none().bool(true).bool(false).str("").endRow();
        b.str("日本").num(7).endRow();

        assertThat(text(b)).isEqualTo("\"plain\",\"say \"\"hi\"\"\",\"a\"\"b München\",0,-42,9223372036854775807,-9223372036854775808,"
                + ",true,false,\"\"\n\"日本\",7\n");
        assertThat(b.rows()).isEqualTo(2);
    }
}
