package io.sluice.core.intake;

import io.sluice.core.cdr.CdrFormat;
import io.sluice.core.cdr.CdrParser;
import io.sluice.core.cdr.RawRecord;
import io.sluice.core.cdr.RecordFramer;
import io.sluice.core.pipeline.BatchId;
import io.sluice.core.pipeline.BatchOutcome;
import io.sluice.core.pipeline.CdrBatchProcessor;
import io.sluice.core.pipeline.PreparedBatch;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.LongFunction;

/**
 * The one chunk loop of every entry that streams an input (a file, an inbox file, an S3 object): frame the
 * records, cut them into chunks of {@code chunkRecords}, prepare each chunk (parse, validate, normalize: the
 * CPU-heavy part) on a second thread while the previous one commits, at most two chunks in flight, so memory
 * is a few chunks whatever the input's size (CDR-11). Chunks are numbered from 1; a run told that chunks
 * 1..{@code resumeAfter} were committed by an earlier, interrupted run frames them again (to find where the next
 * one starts) and commits only the rest (CDR-8).
 *
 * <p>How a chunk commits is the caller's: in one store transaction with the file's progress on the local home,
 * through the ledger on AWS. The caller's {@link Committer} returns the chunk's outcome, which this loop adds
 * up; it never computes a count itself.
 */
public final class ChunkedIntake {
    public static final int DEFAULT_CHUNK_RECORDS = 50_000;

    /** Commits one prepared chunk and returns its outcome. */
    @FunctionalInterface
    public interface Committer {
        BatchOutcome commit(long chunk, PreparedBatch prepared);
    }

    /** Told of progress: bytes read so far, and each chunk's outcome once committed. */
    public interface Listener {
        default void progress(long bytesRead) {
        }

        default void committed(long chunk, BatchOutcome outcome) {
        }
    }

    /** The sums of the chunks committed by this run, and where its time went (for SLUICE_DEBUG=1). */
    public record Result(long chunks, long recordsIn, long accepted, long rejected, long duplicates, long unknownSubscribers,
                         long framingNanos, long waitingNanos, long commitNanos) {
    }

    private final CdrBatchProcessor processor;
    private final int chunkRecords;
    private final ExecutorService preparer;

    /**
     * @param preparer the thread that prepares chunks ahead; null to prepare on the calling thread (a Lambda
     *                 function with one vCPU gains nothing from a second thread)
     */
    public ChunkedIntake(CdrBatchProcessor processor, int chunkRecords, ExecutorService preparer) {
        if (chunkRecords < 1) {
            throw new IllegalArgumentException("chunkRecords must be at least 1, not " + chunkRecords);
        }
        this.processor = processor;
        this.chunkRecords = chunkRecords;
        this.preparer = preparer;
    }

    /**
     * Reads {@code in} to its end in chunks and commits each chunk after {@code resumeAfter}.
     *
     * @param ids the batch identity of chunk n, stable across runs over the same input
     * @throws IOException when reading fails; chunks committed before stay committed
     */
    public Result run(InputStream in, String source, CdrFormat format, LongFunction<BatchId> ids, long resumeAfter,
                      Committer committer, Listener listener) throws IOException {
        CdrParser parser = processor.config().parser(format);
        Deque<Future<PreparedBatch>> inFlight = new ArrayDeque<>();
        long[] sums = new long[5];
        long framing = 0;
        long[] waitAndCommit = new long[2];
        long chunk = 0;
        long committed = 0;
        try (RecordFramer framer = new RecordFramer(in, source, format.quotedNewlines(), processor.config().maxRecordBytes())) {
            while (true) {
                long f0 = System.nanoTime();
                List<RawRecord> records = readChunk(framer);
                framing += System.nanoTime() - f0;
                if (records.isEmpty()) {
                    break;
                }
                chunk++;
                if (chunk <= resumeAfter) {
                    continue; // committed by an earlier, interrupted run
                }
                long n = chunk;
                BatchId id = ids.apply(n);
                if (preparer == null) {
                    commit(n, completed(processor.prepare(id, parser, records)), committer, listener, sums, waitAndCommit);
                    committed++;
                } else {
                    inFlight.add(preparer.submit(() -> processor.prepare(id, parser, records)));
                    if (inFlight.size() >= 2) {
                        commit(n - 1, inFlight.poll(), committer, listener, sums, waitAndCommit);
                        committed++;
                    }
                }
                listener.progress(framer.bytesRead());
            }
            long n = chunk - inFlight.size();
            while (!inFlight.isEmpty()) {
                commit(++n, inFlight.poll(), committer, listener, sums, waitAndCommit);
                committed++;
            }
        } catch (IOException | RuntimeException e) {
            for (Future<PreparedBatch> f : inFlight) {
                f.cancel(true);
            }
            throw e;
        }
        return new Result(committed, sums[0], sums[1], sums[2], sums[3], sums[4], framing, waitAndCommit[0], waitAndCommit[1]);
    }

    private static Future<PreparedBatch> completed(PreparedBatch batch) {
        return java.util.concurrent.CompletableFuture.completedFuture(batch);
    }

    private static void commit(long chunk, Future<PreparedBatch> future, Committer committer, Listener listener, long[] sums,
                               long[] waitAndCommit) {
        PreparedBatch prepared;
        long w0 = System.nanoTime();
        try {
            prepared = future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while preparing chunk " + chunk, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("Preparing chunk " + chunk + " failed: " + cause, cause);
        }
        long c0 = System.nanoTime();
        waitAndCommit[0] += c0 - w0;
        BatchOutcome o = committer.commit(chunk, prepared);
        waitAndCommit[1] += System.nanoTime() - c0;
        sums[0] += o.recordsIn();
        sums[1] += o.accepted();
        sums[2] += o.rejected();
        sums[3] += o.duplicates();
        sums[4] += o.unknownSubscribers();
        listener.committed(chunk, o);
    }

    private List<RawRecord> readChunk(RecordFramer framer) throws IOException {
        List<RawRecord> records = new ArrayList<>(Math.min(chunkRecords, 1 << 16));
        RawRecord r;
        while (records.size() < chunkRecords && (r = framer.next()) != null) {
            records.add(r);
        }
        return records;
    }
}
