package io.sluice.core.intake;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.cdr.CdrFormat;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Issue 22: gzip and zstd input read through on every entry, bombs refused, rotated and compressed names taken. */
class CompressionTest {
    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    private static byte[] lines(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(EntryRulesTest.asterisk(i)).append('\n');
        }
        return b.toString().getBytes(UTF_8);
    }

    @Test
    @DisplayName("a gzip stream reads as its text, and the screen then sees Asterisk; plain text passes untouched")
    void gzipReadsThrough() throws IOException {
        byte[] text = lines(40);
        byte[] gz = gzip(text);
        assertThat(Compression.isGzip(gz)).isTrue();
        assertThat(Compression.isGzip(text)).isFalse();
        try (BufferedInputStream in = Compression.text(new BufferedInputStream(new ByteArrayInputStream(gz)), Long.MAX_VALUE)) {
            byte[] head = EntryRules.head(in);
            assertThat(EntryRules.screen(head, Optional.empty(), 65536)).isEqualTo(new EntryRules.Take(CdrFormat.ASTERISK));
            assertThat(in.readAllBytes()).isEqualTo(text);
        }
        assertThat(Compression.text(gz, Long.MAX_VALUE)).isEqualTo(text);
        assertThat(Compression.text(text, 10)).isSameAs(text);
    }

    @Test
    @DisplayName("concatenated gzip members (cat a.gz b.gz) read as one text")
    void concatenatedMembers() throws IOException {
        ByteArrayOutputStream both = new ByteArrayOutputStream();
        both.write(gzip(lines(3)));
        both.write(gzip(lines(2)));
        assertThat(new String(Compression.text(both.toByteArray(), Long.MAX_VALUE), UTF_8).lines()).hasSize(5);
    }

    private static byte[] zstd(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (com.github.luben.zstd.ZstdOutputStream z = new com.github.luben.zstd.ZstdOutputStream(out)) {
            z.write(data);
        }
        return out.toByteArray();
    }

    @Test
    @DisplayName("a zstd stream (several frames too, as cat a.zst b.zst makes) reads as its text; a zstd bomb and a cut frame are refused")
    void zstdReadsThrough() throws IOException {
        byte[] text = lines(40);
        byte[] z = zstd(text);
        assertThat(Compression.isZstd(z)).isTrue();
        assertThat(Compression.isGzip(z)).isFalse();
        try (BufferedInputStream in = Compression.text(new BufferedInputStream(new ByteArrayInputStream(z)), Long.MAX_VALUE)) {
            byte[] head = EntryRules.head(in);
            assertThat(EntryRules.screen(head, Optional.empty(), 65536)).isEqualTo(new EntryRules.Take(CdrFormat.ASTERISK));
            assertThat(in.readAllBytes()).isEqualTo(text);
        }
        ByteArrayOutputStream both = new ByteArrayOutputStream();
        both.write(zstd(lines(3)));
        both.write(zstd(lines(2)));
        assertThat(new String(Compression.text(both.toByteArray(), Long.MAX_VALUE), UTF_8).lines()).hasSize(5);
        assertThatThrownBy(() -> Compression.text(zstd(new byte[50 << 20]), Long.MAX_VALUE)).isInstanceOf(Compression.Bomb.class)
                .hasMessageContaining("zstd input decompresses to over 200 times");
        byte[] cut = java.util.Arrays.copyOf(zstd(lines(500)), 200);
        assertThatThrownBy(() -> Compression.text(cut, Long.MAX_VALUE)).isInstanceOf(IOException.class);
        assertThat(EntryRules.contentExtension("Master.csv.1.zst")).isEqualTo("csv");
    }

    @Test
    @DisplayName("a decompression bomb is refused by its ratio, and an entry's own limit holds after decompression")
    void bombs() throws IOException {
        byte[] zeros = gzip(new byte[50 << 20]); // 50 MiB of one byte: about 50 KiB compressed, a ratio near 1,000
        assertThatThrownBy(() -> Compression.text(zeros, Long.MAX_VALUE)).isInstanceOf(Compression.Bomb.class)
                .hasMessageContaining("decompression bomb");
        byte[] text = gzip(lines(2_000));
        assertThatThrownBy(() -> Compression.text(text, 10_000)).isInstanceOf(Compression.Bomb.class)
                .hasMessageContaining("more than 10000 bytes");
    }

    @Test
    @DisplayName("a truncated gzip stream fails its read, it does not pass for a short text")
    void truncated() throws IOException {
        byte[] gz = gzip(lines(500));
        byte[] cut = java.util.Arrays.copyOf(gz, gz.length / 2);
        assertThatThrownBy(() -> Compression.text(cut, Long.MAX_VALUE)).isInstanceOf(IOException.class);
    }

    @Test
    @DisplayName("names past rotation and compression: Master.csv.1.gz, Master.csv.gz and Master.csv.1 are csv")
    void contentExtensions() {
        assertThat(EntryRules.contentExtension("/var/log/asterisk/cdr-csv/Master.csv.1.gz")).isEqualTo("csv");
        assertThat(EntryRules.contentExtension("Master.csv.gz")).isEqualTo("csv");
        assertThat(EntryRules.contentExtension("Master.csv.1")).isEqualTo("csv");
        assertThat(EntryRules.contentExtension("calls.jsonl")).isEqualTo("jsonl");
        assertThat(EntryRules.extensionRefusal("notes.txt.gz", EntryRules.EXTENSIONS)).isEmpty();
        assertThat(EntryRules.extensionRefusal("backup.tar.gz", EntryRules.EXTENSIONS)).isPresent();
        assertThat(EntryRules.extensionRefusal("Master.gz", EntryRules.EXTENSIONS)).isPresent();
    }

    @Test
    @DisplayName("blank lines only are an empty input, not an unknown format")
    void blankIsEmpty() {
        assertThat(EntryRules.screen("\n\r\n  \n".getBytes(UTF_8), Optional.empty(), 65536))
                .isInstanceOfSatisfying(EntryRules.Refuse.class, r -> assertThat(r.kind()).isEqualTo(EntryRules.Refusal.EMPTY));
    }
}
