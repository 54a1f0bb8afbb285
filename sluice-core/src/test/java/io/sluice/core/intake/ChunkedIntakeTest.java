package io.sluice.core.intake;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.cdr.CdrFormat;
import io.sluice.core.pipeline.BatchId;
import io.sluice.core.pipeline.BatchOutcome;
import io.sluice.core.pipeline.CdrBatchProcessor;
import io.sluice.core.pipeline.CdrPipelineConfig;
import io.sluice.core.pipeline.memory.InMemoryStores;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The one chunk loop (CDR-8, CDR-11; issue 15 item 1): chunks from 1, prepare-ahead, resume, sums as committed. */
class ChunkedIntakeTest {
    private final InMemoryStores stores = new InMemoryStores();
    private final CdrBatchProcessor processor = new CdrBatchProcessor(CdrPipelineConfig.defaults(), stores, stores, stores,
            stores, stores);

    /** 7 distinct calls, a repeat of the first, and one invalid line: 9 records. */
    private static byte[] input() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 7; i++) {
            b.append(EntryRulesTest.asterisk(i)).append('\n');
        }
        b.append(EntryRulesTest.asterisk(0)).append('\n');
        b.append("\"acme\",\"x\"\n");
        return b.toString().getBytes(UTF_8);
    }

    private record Seen(List<Long> chunks, List<BatchId> ids) {
    }

    private ChunkedIntake.Result run(ExecutorService preparer, long resumeAfter, Seen seen) throws IOException {
        return new ChunkedIntake(processor, 3, preparer).run(new ByteArrayInputStream(input()), "calls.csv",
                CdrFormat.ASTERISK, n -> {
                    BatchId id = new BatchId("file:h:" + n);
                    seen.ids().add(id);
                    return id;
                }, resumeAfter, (chunk, prepared) -> {
                    seen.chunks().add(chunk);
                    assertThat(prepared.id()).isEqualTo(new BatchId("file:h:" + chunk));
                    return processor.commit(prepared);
                }, new ChunkedIntake.Listener() { });
    }

    @Test
    @DisplayName("chunks are numbered from 1 and committed in order; the sums match what the stores hold")
    void chunksFromOneAndSumsAsCommitted() throws IOException {
        Seen seen = new Seen(new ArrayList<>(), new ArrayList<>());
        ChunkedIntake.Result r = run(null, 0, seen);
        assertThat(seen.chunks()).containsExactly(1L, 2L, 3L);
        assertThat(r.chunks()).isEqualTo(3);
        assertThat(r.recordsIn()).isEqualTo(9);
        // Each term against the stores' own counts, not against the other terms.
        assertThat(r.accepted()).isEqualTo(stores.archivedCount()).isEqualTo(7);
        assertThat(r.rejected()).isEqualTo(stores.deadLetterCount()).isEqualTo(1);
        assertThat(r.duplicates()).isEqualTo(1);
    }

    @Test
    @DisplayName("preparing ahead on a second thread gives the same chunks and counts as preparing inline")
    void prepareAheadSameOutcome() throws IOException {
        ExecutorService preparer = Executors.newSingleThreadExecutor();
        try {
            Seen seen = new Seen(new ArrayList<>(), new ArrayList<>());
            ChunkedIntake.Result r = run(preparer, 0, seen);
            assertThat(seen.chunks()).containsExactly(1L, 2L, 3L);
            assertThat(List.of(r.recordsIn(), r.accepted(), r.rejected(), r.duplicates())).containsExactly(9L, 7L, 1L, 1L);
        } finally {
            preparer.shutdownNow();
        }
    }

    @Test
    @DisplayName("a run told that chunks 1..2 were committed commits only chunk 3, under its own id")
    void resumesAfterCommittedChunks() throws IOException {
        Seen seen = new Seen(new ArrayList<>(), new ArrayList<>());
        ChunkedIntake.Result r = run(null, 2, seen);
        assertThat(seen.chunks()).containsExactly(3L);
        assertThat(seen.ids()).containsExactly(new BatchId("file:h:3"));
        assertThat(r.recordsIn()).isEqualTo(3);
        // Chunk 3 holds calls 6 and 0 and the invalid line; call 0 was never committed in this store, so it is new.
        assertThat(stores.archivedCount()).isEqualTo(2);
        assertThat(stores.deadLetterCount()).isEqualTo(1);
    }

    @Test
    @DisplayName("a failing commit stops the loop; the chunks before it stay committed and are told to the listener")
    void failureKeepsEarlierChunks() {
        List<Long> told = new ArrayList<>();
        ChunkedIntake intake = new ChunkedIntake(processor, 3, null);
        assertThatThrownBy(() -> intake.run(new ByteArrayInputStream(input()), "calls.csv", CdrFormat.ASTERISK,
                n -> new BatchId("file:h:" + n), 0, (chunk, prepared) -> {
                    if (chunk == 2) {
                        throw new IllegalStateException("store down");
                    }
                    return processor.commit(prepared);
                }, new ChunkedIntake.Listener() {
                    @Override
                    public void committed(long chunk, BatchOutcome outcome) {
                        told.add(chunk);
                    }
                })).hasMessage("store down");
        assertThat(told).containsExactly(1L);
        assertThat(stores.archivedCount()).isEqualTo(3);
    }

    @Test
    @DisplayName("a read error surfaces as IOException")
    void readError() {
        InputStream broken = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("disk gone");
            }
        };
        assertThatThrownBy(() -> new ChunkedIntake(processor, 3, null).run(broken, "x", CdrFormat.ASTERISK,
                n -> new BatchId("x:" + n), 0, (c, p) -> processor.commit(p), new ChunkedIntake.Listener() { }))
                .isInstanceOf(IOException.class).hasMessageContaining("disk gone");
    }

    @Test
    void refusesChunkSizeBelowOne() {
        assertThatThrownBy(() -> new ChunkedIntake(processor, 0, null)).isInstanceOf(IllegalArgumentException.class);
    }
}
