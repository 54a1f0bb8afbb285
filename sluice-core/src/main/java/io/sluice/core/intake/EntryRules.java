package io.sluice.core.intake;

import io.sluice.core.cdr.CdrFormat;
import io.sluice.core.cdr.CdrFormatDetector;
import io.sluice.core.cdr.RawRecord;
import io.sluice.core.cdr.RecordFramer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The rules every entry applies to a whole input before its records are read (CDR-1, OBJ-1, SEC-5), declared
 * once for both homes: a file given to {@code sluice ingest}, a file in the inbox, an HTTP body, an S3 object
 * and the data of a Kinesis record are screened and sniffed by these same methods, so the same bytes get the
 * same outcome whichever way they came in.
 *
 * <ul>
 *   <li><b>Extension</b> (named inputs only: files and objects): {@link #EXTENSIONS}, past a rotation number and a
 *   {@code .gz} ({@link #contentExtension}).
 *   <li><b>Compression</b>: a gzip or zstd input is read through ({@link Compression}) before the rules below see it.
 *   <li><b>Text or binary</b>: an input is binary, and refused whole (nothing of it is a record), when it begins
 *   with the magic bytes of a compressed or archive format or a UTF-16/UTF-32 byte order mark, or when more than
 *   half of the lines in its first {@value #SCREEN_BYTES} bytes hold a NUL or another control byte. Otherwise it
 *   is text, and a line with a NUL byte is one {@code NOT_TEXT} dead letter among good records.
 *   <li><b>Format</b>: the vote of the first {@value #SNIFF_RECORDS} records framed, with the configured record
 *   limit, within the first {@value #SNIFF_BYTES} bytes ({@link CdrFormatDetector}).
 * </ul>
 */
public final class EntryRules {
    /** Name extensions taken as CDR files (lower case, without the dot); anything else is refused unread. */
    public static final Set<String> EXTENSIONS = Set.of("csv", "cdr", "txt", "jsonl", "ndjson", "json");
    /** Bytes looked at to tell text from binary. */
    public static final int SCREEN_BYTES = 8 * 1024;
    /** Records whose vote decides an input's format: a file may begin with a broken record. */
    public static final int SNIFF_RECORDS = 25;
    /** Bytes within which the records for the format vote are framed. */
    public static final int SNIFF_BYTES = 1 << 20;

    private record Magic(String name, byte[] bytes) {
    }

    private static final List<Magic> MAGICS = List.of(
            magic("gzip-compressed", 0x1f, 0x8b),
            magic("zstd-compressed", 0x28, 0xb5, 0x2f, 0xfd),
            magic("bzip2-compressed", 'B', 'Z', 'h', '9', 0x31, 0x41, 0x59, 0x26, 0x53, 0x59),
            magic("xz-compressed", 0xfd, '7', 'z', 'X', 'Z', 0x00),
            magic("a zip archive", 'P', 'K', 0x03, 0x04),
            magic("a 7z archive", '7', 'z', 0xbc, 0xaf, 0x27, 0x1c),
            magic("UTF-32 text (little endian)", 0xff, 0xfe, 0x00, 0x00),
            magic("UTF-32 text (big endian)", 0x00, 0x00, 0xfe, 0xff),
            magic("UTF-16 text (little endian)", 0xff, 0xfe),
            magic("UTF-16 text (big endian)", 0xfe, 0xff));

    private EntryRules() {
    }

    private static Magic magic(String name, int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return new Magic(name, b);
    }

    /** The extension of a file or object name: lower case, without the dot, empty when it has none. */
    public static String extension(String name) {
        String base = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        int dot = base.lastIndexOf('.');
        return dot <= 0 ? "" : base.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /**
     * The extension that says what a name holds, past what rotation and compression add: {@code Master.csv.1.gz},
     * {@code Master.csv.gz}, {@code Master.csv.zst} and {@code Master.csv.1} are all {@code csv} (issue 22: logrotate's names).
     */
    public static String contentExtension(String name) {
        String n = name;
        String compressed = extension(n);
        if (compressed.equals("gz") || compressed.equals("zst")) {
            n = n.substring(0, n.length() - compressed.length() - 1);
        }
        if (extension(n).matches("[0-9]+")) {
            n = n.substring(0, n.lastIndexOf('.'));
        }
        return extension(n);
    }

    /** Why a named input is not taken for its extension, or empty when it is (among {@code allowed}). */
    public static Optional<String> extensionRefusal(String name, Set<String> allowed) {
        String ext = contentExtension(name);
        if (allowed.contains(ext)) {
            return Optional.empty();
        }
        return Optional.of("extension '" + (ext.isEmpty() ? "(none)" : "." + ext) + "' is not a CDR file; taken: "
                + String.join(", ", new TreeSet<>(allowed).stream().map(e -> "." + e).toList()));
    }

    /** Why an input is refused as binary, from its first bytes ({@link #SCREEN_BYTES} suffice), or empty for text. */
    public static Optional<String> binaryRefusal(byte[] head) {
        for (Magic m : MAGICS) {
            if (startsWith(head, m.bytes()) || m.name().startsWith("bzip2") && isBzip2(head)) {
                return Optional.of("not a text file: it is " + m.name() + " (bytes "
                        + hex(head, m.bytes().length) + " at offset 0)");
            }
        }
        int n = Math.min(head.length, SCREEN_BYTES);
        int lines = 0;
        int binaryLines = 0;
        int firstControl = -1;
        boolean lineHasControl = false;
        boolean lineHasBytes = false;
        for (int i = 0; i < n; i++) {
            byte b = head[i];
            if (b == '\n') {
                lines++;
                binaryLines += lineHasControl ? 1 : 0;
                lineHasControl = false;
                lineHasBytes = false;
                continue;
            }
            lineHasBytes = true;
            if (b >= 0 && b < 0x20 && b != '\t' && b != '\r') {
                lineHasControl = true;
                if (firstControl < 0) {
                    firstControl = i;
                }
            }
        }
        if (lineHasBytes) {
            lines++;
            binaryLines += lineHasControl ? 1 : 0;
        }
        if (binaryLines * 2 > lines) {
            return Optional.of("not a text file: " + binaryLines + " of its first " + lines + " lines hold control bytes"
                    + " (the first, 0x" + String.format("%02x", head[firstControl]) + ", at offset " + firstControl + ")");
        }
        return Optional.empty();
    }

    /**
     * The format of an input from its first bytes ({@link #SNIFF_BYTES} suffice): the vote of its first
     * {@link #SNIFF_RECORDS} records framed with {@code maxRecordBytes}; empty when none looks like any format.
     */
    public static Optional<CdrFormat> sniff(byte[] head, int maxRecordBytes) {
        return sniff(head, maxRecordBytes, null);
    }

    /** {@link #sniff(byte[], int)} knowing a configured FreeSWITCH template (null: the stock ones only), issue 16. */
    public static Optional<CdrFormat> sniff(byte[] head, int maxRecordBytes, io.sluice.core.cdr.FreeSwitchTemplate template) {
        int n = Math.min(head.length, SNIFF_BYTES);
        List<byte[]> sample = new ArrayList<>(SNIFF_RECORDS);
        try (RecordFramer framer = new RecordFramer(new ByteArrayInputStream(head, 0, n), "sniff", true, maxRecordBytes, n + 1)) {
            RawRecord r;
            while (sample.size() < SNIFF_RECORDS && (r = framer.next()) != null) {
                if (!r.truncated()) {
                    sample.add(r.bytes());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail to read
        }
        return CdrFormatDetector.detect(sample, template);
    }

    /** Why a whole input is refused: the entry maps it to its own answer (a failed file, a 400 or 415, a manifest item). */
    public enum Refusal { EMPTY, BINARY, UNKNOWN_FORMAT }

    /** What the rules make of an input from its first bytes: take it in a format, or refuse it whole. */
    public sealed interface Screening permits Take, Refuse {
    }

    /** Read the input as {@code format}. */
    public record Take(CdrFormat format) implements Screening {
    }

    /** Refuse the input whole; {@code reason} is a sentence naming why, without the entry's hint. */
    public record Refuse(Refusal kind, String reason) implements Screening {
    }

    /**
     * Screens an input from its first bytes ({@link #SNIFF_BYTES} of them, or all it has): empty, binary, or text in
     * the {@code forced} format, else in the sniffed one, else refused for its unknown format.
     */
    public static Screening screen(byte[] head, java.util.Optional<CdrFormat> forced, int maxRecordBytes) {
        return screen(head, forced, maxRecordBytes, null);
    }

    /** {@link #screen(byte[], Optional, int)} under a pipeline's settings: its record limit and FreeSWITCH template. */
    public static Screening screen(byte[] head, java.util.Optional<CdrFormat> forced, io.sluice.core.pipeline.CdrPipelineConfig config) {
        return screen(head, forced, config.maxRecordBytes(), config.freeSwitchTemplate());
    }

    private static Screening screen(byte[] head, java.util.Optional<CdrFormat> forced, int maxRecordBytes,
                                    io.sluice.core.cdr.FreeSwitchTemplate template) {
        if (blank(head)) {
            return new Refuse(Refusal.EMPTY, "the input is empty: no records");
        }
        Optional<String> binary = binaryRefusal(head);
        if (binary.isPresent()) {
            return new Refuse(Refusal.BINARY, binary.get());
        }
        if (forced.isPresent()) {
            return new Take(forced.get());
        }
        Optional<CdrFormat> sniffed = sniff(head, maxRecordBytes, template);
        return sniffed.<Screening>map(Take::new).orElseGet(() -> new Refuse(Refusal.UNKNOWN_FORMAT,
                "cannot tell the format from its first " + SNIFF_RECORDS + " records"));
    }

    /** The first {@link #SNIFF_BYTES} of a stream, which is reset to where it was: all the screening needs. */
    public static byte[] head(java.io.BufferedInputStream in) throws IOException {
        in.mark(SNIFF_BYTES + 1);
        byte[] head = in.readNBytes(SNIFF_BYTES);
        in.reset();
        return head;
    }

    /** Every record of an input held in memory (an HTTP body, a Kinesis record's data), framed as its format frames. */
    public static List<RawRecord> frameAll(byte[] data, String source, CdrFormat format, int maxRecordBytes) {
        List<RawRecord> out = new ArrayList<>();
        try (RecordFramer framer = new RecordFramer(new ByteArrayInputStream(data), source, format.quotedNewlines(),
                maxRecordBytes, data.length + 1)) {
            RawRecord r;
            while ((r = framer.next()) != null) {
                out.add(r);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail to read
        }
        return out;
    }

    /** No bytes, or only line ends and spaces, within a head shorter than {@link #SNIFF_BYTES}: no records at all. */
    private static boolean blank(byte[] head) {
        if (head.length >= SNIFF_BYTES) {
            return false;
        }
        for (byte b : head) {
            if (b != '\n' && b != '\r' && b != ' ' && b != '\t') {
                return false;
            }
        }
        return true;
    }

    /** "BZh", the block size digit 1..9, then the block magic (pi's digits 0x314159265359). */
    private static boolean isBzip2(byte[] h) {
        return h.length >= 10 && h[0] == 'B' && h[1] == 'Z' && h[2] == 'h' && h[3] >= '1' && h[3] <= '9'
                && h[4] == 0x31 && h[5] == 0x41 && h[6] == 0x59 && h[7] == 0x26 && h[8] == 0x53 && h[9] == 0x59;
    }

    private static boolean startsWith(byte[] head, byte[] prefix) {
        if (head.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (head[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static String hex(byte[] b, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append(i > 0 ? " " : "").append(String.format("%02x", b[i] & 0xff));
        }
        return s.toString();
    }
}
