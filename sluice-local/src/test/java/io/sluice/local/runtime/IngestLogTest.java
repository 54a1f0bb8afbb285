package io.sluice.local.runtime;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The write-ahead log under 'sluice up's HTTP API: what is acknowledged is on disk, what is torn is cut off. */
class IngestLogTest {
    @TempDir
    Path dir;

    private static byte[] body(int i) {
        return ("record " + i + "\n").repeat(1 + i % 7).getBytes(UTF_8);
    }

    private static List<String> bodies(List<IngestLog.Entry> entries) {
        return entries.stream().map(e -> new String(e.body(), UTF_8)).toList();
    }

    @Test
    @DisplayName("CDR-1: appended bodies come back in order, with their format, positions as ids, across segments")
    void appendsAndReadsBackAcrossSegments() throws Exception {
        List<Long> ids = new ArrayList<>();
        try (IngestLog log = IngestLog.open(dir, 0, 200)) {
            List<CompletableFuture<Long>> futures = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                futures.add(log.append((byte) 1, body(i)));
            }
            for (CompletableFuture<Long> f : futures) {
                ids.add(f.get());
            }
            List<IngestLog.Entry> all = log.read(0, Long.MAX_VALUE);
            assertThat(all).extracting(IngestLog.Entry::position).containsExactlyElementsOf(ids);
            assertThat(bodies(all)).containsExactlyElementsOf(Stream.iterate(0, i -> i + 1).limit(40).map(i -> new String(body(i), UTF_8)).toList());
            assertThat(all).allMatch(e -> e.format() == 1);
            assertThat(log.durableEnd()).isEqualTo(all.get(39).end());
        }
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.count()).as("segments of at most ~200 bytes each").isGreaterThan(5);
        }
        // Reopened at position 0: every entry is still there.
        try (IngestLog log = IngestLog.open(dir, 0, 200)) {
            assertThat(log.read(0, Long.MAX_VALUE)).extracting(IngestLog.Entry::position).containsExactlyElementsOf(ids);
            assertThat(log.entriesWritten()).isEqualTo(40);
        }
    }

    @Test
    @DisplayName("CDR-8: reopened at the consumed position, the log keeps only what follows it and deletes applied segments")
    void reopensAtTheConsumedPosition() throws Exception {
        List<Long> ids = new ArrayList<>();
        try (IngestLog log = IngestLog.open(dir, 0, 200)) {
            for (int i = 0; i < 30; i++) {
                ids.add(log.append((byte) 3, body(i)).get());
            }
        }
        long consumed = ids.get(20);
        try (IngestLog log = IngestLog.open(dir, consumed, 200)) {
            List<IngestLog.Entry> rest = log.read(consumed, Long.MAX_VALUE);
            assertThat(rest).extracting(IngestLog.Entry::position).containsExactlyElementsOf(ids.subList(20, 30));
            assertThat(log.entriesWritten()).isEqualTo(10);
            long next = log.append((byte) 3, body(99)).get();
            assertThat(next).isEqualTo(rest.get(9).end());
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<Long> starts = s.map(p -> Long.parseLong(p.getFileName().toString().replace(".log", ""))).sorted().toList();
            assertThat(starts.get(0)).as("no segment wholly before the consumed position is kept").isLessThanOrEqualTo(consumed);
            assertThat(starts.stream().filter(x -> x <= consumed).count()).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("CDR-3: a torn entry at the end (crash mid-write, never acknowledged) is cut off; appends continue after the last whole one")
    void cutsATornTail() throws Exception {
        long lastEnd;
        try (IngestLog log = IngestLog.open(dir, 0, 1 << 20)) {
            log.append((byte) 1, body(1)).get();
            log.append((byte) 1, body(2)).get();
            lastEnd = log.durableEnd();
        }
        Path segment;
        try (Stream<Path> s = Files.list(dir)) {
            segment = s.findFirst().orElseThrow();
        }
        // Half an entry: a header announcing 100 bytes, 10 of them written.
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(22).putInt(IngestLog.MAGIC).putInt(100).putInt(0).put(new byte[10]).flip();
            ch.write(b);
        }
        try (IngestLog log = IngestLog.open(dir, 0, 1 << 20)) {
            assertThat(log.durableEnd()).isEqualTo(lastEnd);
            assertThat(bodies(log.read(0, Long.MAX_VALUE))).containsExactly(new String(body(1), UTF_8), new String(body(2), UTF_8));
            long id = log.append((byte) 1, body(3)).get();
            assertThat(id).isEqualTo(lastEnd);
        }
        assertThat(Files.size(segment)).isGreaterThan(lastEnd);
    }

    @Test
    @DisplayName("CDR-3: a corrupted entry (bad checksum) ends the log there instead of being applied")
    void stopsAtACorruptEntry() throws Exception {
        long second;
        try (IngestLog log = IngestLog.open(dir, 0, 1 << 20)) {
            log.append((byte) 1, body(1)).get();
            second = log.append((byte) 1, body(2)).get();
            log.append((byte) 1, body(3)).get();
        }
        Path segment;
        try (Stream<Path> s = Files.list(dir)) {
            segment = s.findFirst().orElseThrow();
        }
        byte[] all = Files.readAllBytes(segment);
        all[(int) second + IngestLog.HEADER + IngestLog.PAYLOAD_PREFIX] ^= 0x40;
        Files.write(segment, all);
        try (IngestLog log = IngestLog.open(dir, 0, 1 << 20)) {
            assertThat(log.read(0, Long.MAX_VALUE)).hasSize(1);
            assertThat(log.durableEnd()).isEqualTo(second);
        }
    }

    @Test
    @DisplayName("read stops at the byte budget but always returns at least one entry")
    void readRespectsTheBudget() throws IOException, Exception {
        try (IngestLog log = IngestLog.open(dir, 0, 1 << 20)) {
            for (int i = 0; i < 10; i++) {
                log.append((byte) 1, new byte[100]).get();
            }
            assertThat(log.read(0, 250)).hasSize(2);
            assertThat(log.read(0, 1)).hasSize(1);
        }
    }

    @Test
    @DisplayName("CDR-8: a log that does not match the store's position refuses to open, naming both, instead of guessing")
    void refusesALogThatDoesNotMatchTheStore() throws Exception {
        long end;
        try (IngestLog log = IngestLog.open(dir, 0, 200)) {
            for (int i = 0; i < 10; i++) {
                log.append((byte) 1, body(i)).get();
            }
            end = log.durableEnd();
        }
        try (IngestLog log = IngestLog.open(dir, end, 200)) {
            log.append((byte) 1, body(1)).get(); // applied up to 'end': segments before it are released
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> IngestLog.open(dir, 0, 200))
                .isInstanceOf(IOException.class).hasMessageContaining("does not match the store").hasMessageContaining("position 0");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> IngestLog.open(dir, end + 10_000, 200))
                .isInstanceOf(IOException.class).hasMessageContaining("does not match the store");
    }
}
