package io.sluice.core.intake;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import io.sluice.core.cdr.CdrFormat;
import io.sluice.core.cdr.RawRecord;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The rules every entry applies to a whole input (CDR-1, OBJ-1, SEC-5; issue 15 item 1). */
class EntryRulesTest {
    /** An Asterisk cdr_csv line as cdr_csv.c writes it (18 columns). */
    static String asterisk(int i) {
        return io.sluice.core.pipeline.contract.CdrLines.asterisk(i);
    }

    private static byte[] lines(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(asterisk(i)).append('\n');
        }
        return b.toString().getBytes(UTF_8);
    }

    @Test
    @DisplayName("the extension set is declared once and includes .json; names are compared case-blind")
    void extensions() {
        assertThat(EntryRules.extension("in/2024/Calls.CSV")).isEqualTo("csv");
        assertThat(EntryRules.extension("dir.d\\calls")).isEmpty();
        assertThat(EntryRules.extension(".profile")).isEmpty();
        assertThat(EntryRules.extensionRefusal("a/b.json", EntryRules.EXTENSIONS)).isEmpty();
        assertThat(EntryRules.extensionRefusal("a/notes.bin", EntryRules.EXTENSIONS)).get(STRING)
                .contains("'.bin' is not a CDR file").contains(".cdr, .csv, .json, .jsonl, .ndjson, .txt");
        assertThat(EntryRules.extensionRefusal("README", Set.of("csv"))).get(STRING).contains("'(none)'");
    }

    @Test
    @DisplayName("compressed, archived and UTF-16/32 inputs are binary, named by what they are and where")
    void binaryByMagic() throws IOException {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(lines(5));
        }
        assertThat(EntryRules.binaryRefusal(gz.toByteArray())).get(STRING)
                .contains("gzip-compressed").contains("1f 8b at offset 0");
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(zip)) {
            out.putNextEntry(new ZipEntry("calls.csv"));
            out.write(lines(5));
        }
        assertThat(EntryRules.binaryRefusal(zip.toByteArray())).get(STRING).contains("zip archive");
        byte[] utf16 = ("\ufeff" + asterisk(1)).getBytes(StandardCharsets.UTF_16LE);
        assertThat(EntryRules.binaryRefusal(utf16)).get(STRING).contains("UTF-16 text (little endian)");
        byte[] utf32 = new byte[] {(byte) 0xff, (byte) 0xfe, 0, 0, 'a', 0, 0, 0};
        assertThat(EntryRules.binaryRefusal(utf32)).get(STRING).contains("UTF-32");
        byte[] bz = new byte[] {'B', 'Z', 'h', '7', 0x31, 0x41, 0x59, 0x26, 0x53, 0x59, 1, 2};
        assertThat(EntryRules.binaryRefusal(bz)).get(STRING).contains("bzip2");
    }

    @Test
    @DisplayName("one line with a NUL byte among good lines is text (that line becomes a NOT_TEXT dead letter); mostly control bytes is binary")
    void controlBytesDecideByLines() {
        byte[] text = lines(10);
        byte[] oneNul = text.clone();
        oneNul[5] = 0;
        assertThat(EntryRules.binaryRefusal(oneNul)).isEmpty();
        byte[] mostly = new byte[600];
        for (int i = 0; i < mostly.length; i++) {
            mostly[i] = (byte) (i % 60 == 59 ? '\n' : i % 7 == 0 ? 0 : 'x');
        }
        assertThat(EntryRules.binaryRefusal(mostly)).get(STRING)
                .contains("10 of its first 10 lines hold control bytes").contains("0x00, at offset 0");
        assertThat(EntryRules.binaryRefusal(new byte[0])).isEmpty();
    }

    @Test
    @DisplayName("the format is the vote of the first records, with the configured record limit; a broken first record does not decide")
    void sniff() {
        assertThat(EntryRules.sniff(lines(30), 64 * 1024)).contains(CdrFormat.ASTERISK);
        byte[] broken = ("not,a,cdr\n" + new String(lines(5), UTF_8)).getBytes(UTF_8);
        assertThat(EntryRules.sniff(broken, 64 * 1024)).contains(CdrFormat.ASTERISK);
        byte[] json = "{\"src\":\"1\",\"dst\":\"2\",\"start\":\"2024-01-15T10:00:00Z\",\"duration\":5,\"billsec\":3,\"disposition\":\"ANSWERED\"}\n"
                .getBytes(UTF_8);
        assertThat(EntryRules.sniff(json, 64 * 1024)).contains(CdrFormat.JSONL);
        assertThat(EntryRules.sniff("hello world\nfoo bar\n".getBytes(UTF_8), 64 * 1024)).isEmpty();
        // With a limit below a record's size every record is truncated: none votes.
        assertThat(EntryRules.sniff(lines(3), 100)).isEmpty();
    }

    @Test
    @DisplayName("screen: empty, binary, forced, sniffed or unknown, each with its own refusal")
    void screen() throws IOException {
        assertThat(EntryRules.screen(new byte[0], Optional.empty(), 65536))
                .isEqualTo(new EntryRules.Refuse(EntryRules.Refusal.EMPTY, "the input is empty: no records"));
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(lines(5));
        }
        // A forced format does not make a binary input text.
        assertThat(EntryRules.screen(gz.toByteArray(), Optional.of(CdrFormat.ASTERISK), 65536))
                .isInstanceOfSatisfying(EntryRules.Refuse.class, r -> assertThat(r.kind()).isEqualTo(EntryRules.Refusal.BINARY));
        assertThat(EntryRules.screen(lines(3), Optional.of(CdrFormat.FREESWITCH), 65536))
                .isEqualTo(new EntryRules.Take(CdrFormat.FREESWITCH));
        assertThat(EntryRules.screen(lines(3), Optional.empty(), 65536)).isEqualTo(new EntryRules.Take(CdrFormat.ASTERISK));
        assertThat(EntryRules.screen("a b c\n".getBytes(UTF_8), Optional.empty(), 65536))
                .isInstanceOfSatisfying(EntryRules.Refuse.class, r -> {
                    assertThat(r.kind()).isEqualTo(EntryRules.Refusal.UNKNOWN_FORMAT);
                    assertThat(r.reason()).contains("first 25 records");
                });
    }

    @Test
    @DisplayName("head() gives the first bytes and leaves the stream where it was")
    void headResets() throws IOException {
        byte[] data = lines(4);
        BufferedInputStream in = new BufferedInputStream(new ByteArrayInputStream(data), 16);
        assertThat(EntryRules.head(in)).isEqualTo(data);
        assertThat(in.readAllBytes()).isEqualTo(data);
    }

    @Test
    @DisplayName("frameAll frames as the format frames: a quoted newline is one record, an over-long record is one truncated record")
    void frameAll() {
        String quoted = asterisk(1).replace("\"Ann\"", "\"An\nn\"");
        byte[] data = (quoted + "\n" + asterisk(2) + "\n\n" + "x".repeat(300) + "\n").getBytes(UTF_8);
        List<RawRecord> framed = EntryRules.frameAll(data, "body", CdrFormat.ASTERISK, 250);
        assertThat(framed).hasSize(3);
        assertThat(framed.get(0).line()).isEqualTo(1);
        assertThat(framed.get(1).line()).isEqualTo(3);
        assertThat(framed.get(2).truncated()).isTrue();
        // JSON lines do not quote newlines across lines: the same bytes frame into more records.
        assertThat(EntryRules.frameAll(data, "body", CdrFormat.JSONL, 250)).hasSize(4);
    }
}
