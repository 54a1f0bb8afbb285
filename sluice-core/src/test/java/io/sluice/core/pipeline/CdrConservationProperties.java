package io.sluice.core.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.cdr.AsteriskCsvParser;
import io.sluice.core.cdr.RawRecord;
import io.sluice.core.cdr.RecordFramer;
import io.sluice.core.cdr.Rejection;
import io.sluice.core.pipeline.memory.InMemoryStores;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * CDR-3: nothing is silently dropped. Whatever bytes arrive (valid Asterisk records, records with flipped bytes,
 * cut short, random bytes with invalid UTF-8 and NUL, over-long lines, repeats), records in = accepted + rejected +
 * duplicates, every accepted record is archived and every rejected one dead-lettered with its original bytes.
 */
class CdrConservationProperties {
    private static final int MAX_RECORD_BYTES = 512;
    private static final LocalDateTime BASE = LocalDateTime.of(2024, 3, 30, 0, 0, 0);

    /** One batch as it arrives: the lines and the line terminator, and whether the last line has one. */
    record Input(List<byte[]> lines, String terminator, boolean finalTerminator) {
        byte[] bytes() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int i = 0; i < lines.size(); i++) {
                out.writeBytes(lines.get(i));
                if (i < lines.size() - 1 || finalTerminator) {
                    out.writeBytes(terminator.getBytes(UTF_8));
                }
            }
            return out.toByteArray();
        }

        @Override
        public String toString() {
            return "Input[" + terminator.replace("\r", "\\r").replace("\n", "\\n") + ", final=" + finalTerminator + "]\n"
                    + new String(bytes(), UTF_8);
        }
    }

    @Property(tries = 200)
    void recordsAreConserved(@ForAll("batches") Input input) throws IOException {
        List<RawRecord> framed = new ArrayList<>();
        try (RecordFramer framer = new RecordFramer(new ByteArrayInputStream(input.bytes()), "prop.csv", true, MAX_RECORD_BYTES)) {
            RawRecord r;
            while ((r = framer.next()) != null) {
                framed.add(r);
            }
        }
        InMemoryStores stores = new InMemoryStores();
        CdrPipelineConfig config = new CdrPipelineConfig(ZoneId.of("Europe/Berlin"), "US", MAX_RECORD_BYTES, 10_000);
        CdrBatchProcessor processor = new CdrBatchProcessor(config, stores, stores, stores, stores, stores);

        BatchOutcome o = processor.process(new BatchId("prop"), new AsteriskCsvParser(), framed);

        assertThat(o.recordsIn()).isEqualTo(o.accepted() + o.rejected() + o.duplicates());
        // A multi-line record that fails is judged line by line, so there may be more records than framed ones.
        assertThat(o.recordsIn()).isGreaterThanOrEqualTo(framed.size());
        assertThat(stores.archivedCount()).isEqualTo(o.accepted());
        assertThat(stores.deadLetterCount()).isEqualTo(o.rejected());
        assertThat(stores.usage().values().stream().mapToLong(u -> u.calls).sum()).isEqualTo(o.accepted());
        Map<Long, RawRecord> byLine = new HashMap<>();
        framed.forEach(r -> byLine.put(r.line(), r));
        List<byte[]> physical = physicalLines(input.bytes());
        for (Rejection rejection : stores.deadLetters()) {
            RawRecord raw = byLine.get(rejection.line());
            byte[] line = physical.get((int) rejection.line() - 1);
            boolean original = raw != null && Arrays.equals(rejection.original(), raw.bytes())
                    || Arrays.equals(rejection.original(), line);
            assertThat(original).as("rejection at line %d keeps the framed record's or the line's exact bytes", rejection.line())
                    .isTrue();
        }

        Statistics.label("accepted, rejected, duplicates present")
                .collect(o.accepted() > 0, o.rejected() > 0, o.duplicates() > 0);
        Statistics.label("accepted, rejected, duplicates present")
                .coverage(c -> c.check(true, true, true).percentage(p -> p >= 10));
    }

    private static List<byte[]> physicalLines(byte[] input) {
        List<byte[]> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= input.length; i++) {
            if (i == input.length || input[i] == '\n') {
                int end = i > start && input[i - 1] == '\r' ? i - 1 : i;
                lines.add(Arrays.copyOfRange(input, start, end));
                start = i + 1;
            }
        }
        return lines;
    }

    @Provide
    Arbitrary<Input> batches() {
        Arbitrary<byte[]> valid = validLines();
        Arbitrary<byte[]> flipped = Combinators.combine(valid, Arbitraries.integers().between(0, 10_000), Arbitraries.bytes())
                .as((line, at, b) -> {
                    byte[] c = line.clone();
                    c[at % c.length] = b;
                    return c;
                });
        Arbitrary<byte[]> cut = Combinators.combine(valid, Arbitraries.integers().between(0, 10_000))
                .as((line, at) -> Arrays.copyOf(line, at % line.length));
        Arbitrary<byte[]> notUtf8 = Combinators.combine(valid, Arbitraries.integers().between(0, 10_000),
                        Arbitraries.of((byte) 0x00, (byte) 0xFF, (byte) 0xC3, (byte) 0x80, (byte) 0xED))
                .as((line, at, b) -> {
                    byte[] c = Arrays.copyOf(line, line.length + 1);
                    int i = at % c.length;
                    System.arraycopy(line, i, c, i + 1, line.length - i);
                    c[i] = b;
                    return c;
                });
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(120);
        Arbitrary<byte[]> overlong = Combinators.combine(valid, Arbitraries.integers().between(1, 400))
                .as((line, extra) -> {
                    byte[] c = Arrays.copyOf(line, MAX_RECORD_BYTES + extra);
                    Arrays.fill(c, line.length, c.length, (byte) 'x');
                    return c;
                });
        @SuppressWarnings("unchecked")
        Arbitrary<byte[]> anyLine = Arbitraries.frequencyOf(
                Tuple.of(8, valid), Tuple.of(2, flipped), Tuple.of(1, cut), Tuple.of(1, notUtf8),
                Tuple.of(1, random), Tuple.of(1, overlong));
        Arbitrary<List<byte[]>> withRepeats = Combinators.combine(
                        anyLine.list().ofMaxSize(30),
                        Arbitraries.integers().between(0, 1_000).list().ofMaxSize(8))
                .as((lines, repeats) -> {
                    List<byte[]> out = new ArrayList<>(lines);
                    for (int r : repeats) {
                        if (!out.isEmpty()) {
                            out.add(r % (out.size() + 1), out.get(r % out.size()).clone());
                        }
                    }
                    return out;
                });
        return Combinators.combine(withRepeats, Arbitraries.of("\n", "\r\n"), Arbitraries.of(true, false))
                .as(Input::new);
    }

    /** Valid 18-column Asterisk records; a small value space so that equal records also arise by chance. */
    private Arbitrary<byte[]> validLines() {
        Arbitrary<String> caller = Arbitraries.of("2125550100", "212-555-0111", "", "anonymous", "100", "+4930123456");
        Arbitrary<String> callee = Arbitraries.of("2125550199", "+34688886392", "0044 20 7946 0000", "600", "*97");
        Arbitrary<LocalDateTime> start = Arbitraries.integers().between(0, 3 * 86_400).map(BASE::plusSeconds);
        Arbitrary<Integer> ring = Arbitraries.integers().between(0, 60);
        Arbitrary<Integer> talk = Arbitraries.integers().between(0, 7_200);
        Arbitrary<String> unansweredAs = Arbitraries.of("", "NO ANSWER", "BUSY", "FAILED", "CONGESTION", "CANCEL");
        Arbitrary<String> uniqueId = Arbitraries.integers().between(0, 20).map(i -> "1711756800." + i);
        return Combinators.combine(caller, callee, start, ring, talk, unansweredAs, uniqueId)
                .as((from, to, at, r, t, unanswered, id) -> (unanswered.isEmpty()
                        ? AsteriskLines.answered(from, to, at, r, t, id)
                        : AsteriskLines.unanswered(from, to, at, r, unanswered, id)).getBytes(UTF_8));
    }
}
