package io.sluice.local.runtime;

import io.sluice.core.cdr.CdrFormat;
import io.sluice.core.cdr.RawRecord;
import io.sluice.core.intake.EntryRules;
import io.sluice.core.pipeline.BatchId;
import io.sluice.core.pipeline.BatchOutcome;
import io.sluice.core.pipeline.PreparedBatch;
import io.sluice.local.ingest.LocalCdrPipeline;
import io.sluice.local.store.LocalStore;
import io.sluice.local.store.StoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import org.duckdb.DuckDBAppender;

/**
 * Applies the HTTP ingests of the {@link IngestLog} to the store, in log order, many requests per batch:
 * one transaction holds the batch's effects, the per-request outcomes and the new log position, so a crash
 * either keeps all of it or none, and a restart resumes at the recorded position (CDR-8).
 */
final class LogApplier {
    static final String POSITION = "ingest_log_consumed";

    private final LocalCdrPipeline pipeline;
    private final IngestLog log;
    private final RuntimeStats stats;
    private final long maxBatchBytes;
    private final ForkJoinPool preparers;
    private volatile long consumed;
    /** The next batch, being read and prepared while the current one commits. */
    private CompletableFuture<Ready> ahead;
    /** Where the time goes, for SLUICE_DEBUG=1: waiting for a prepared batch, committing. */
    private long waitNanos, commitNanos, batches;

    LogApplier(LocalCdrPipeline pipeline, IngestLog log, RuntimeStats stats, long consumed, long maxBatchBytes, int threads) {
        this.pipeline = pipeline;
        this.log = log;
        this.stats = stats;
        this.consumed = consumed;
        this.maxBatchBytes = maxBatchBytes;
        this.preparers = new ForkJoinPool(threads);
    }

    /** The log position the store has applied up to, as recorded in the store (0 for a new store). */
    static long consumedPosition(LocalStore store) {
        try (Statement s = store.connection().createStatement();
             ResultSet rs = s.executeQuery("SELECT value FROM runtime_state WHERE name = '" + POSITION + "'")) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException e) {
            throw new StoreException("Cannot read the ingest log position: " + e.getMessage(), e);
        }
    }

    long consumed() {
        return consumed;
    }

    /** Bytes logged and not yet applied. */
    long backlogBytes() {
        return Math.max(0, log.durableEnd() - consumed);
    }

    /** Entries read and prepared, ready to commit. */
    private record Ready(long from, long to, BatchId id, List<IngestLog.Entry> entries, List<PreparedBatch> parts) {
    }

    /**
     * Applies one batch of waiting entries; false when there was none. While a batch commits, the next one is
     * read and prepared on the preparer threads (as {@code sluice ingest} does), since preparing is a third of
     * the work and committing is mostly the store's.
     */
    boolean applyOnce() {
        long t0 = System.nanoTime();
        Ready ready = null;
        if (ahead != null) {
            Ready r;
            try {
                r = ahead.join();
            } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
                r = null; // read again below, where a failure is reported
            }
            ahead = null;
            ready = r != null && r.from() == consumed ? r : null;
        }
        if (ready == null) {
            ready = readAndPrepare(consumed);
        }
        if (ready == null) {
            return false;
        }
        long t1 = System.nanoTime();
        long next = ready.to();
        ahead = CompletableFuture.supplyAsync(() -> log.durableEnd() > next ? readAndPrepare(next) : null, preparers);
        Ready batch = ready;
        List<BatchOutcome> outcomes;
        try {
            outcomes = pipeline.store().inTransaction(c -> {
                List<BatchOutcome> o = pipeline.processor().commitAll(batch.id(), batch.parts());
                record(c, batch.entries(), o, batch.to());
                return o;
            });
        } catch (RuntimeException e) {
            ahead.cancel(false);
            ahead = null; // prepared for a position that this failure did not reach
            throw e;
        }
        consumed = batch.to();
        io.sluice.core.fraud.FraudAlerts.Delivery delivery = pipeline.deliverAlerts(); // committed, so stored: may be sent
        if (delivery.failure() != null) {
            stats.error("alerts", "fraud alerts not sent: " + delivery.failure().getMessage());
        }
        waitNanos += t1 - t0;
        commitNanos += System.nanoTime() - t1;
        batches++;
        for (BatchOutcome o : outcomes) {
            stats.processed(o.recordsIn(), o.accepted(), o.rejected(), o.duplicates(), o.unknownSubscribers());
        }
        stats.ingestsApplied.addAndGet(batch.entries().size());
        try {
            log.release(consumed);
        } catch (IOException e) {
            stats.error("ingest log", "cannot delete an applied segment: " + e.getMessage());
        }
        return true;
    }

    /** Reads the entries from {@code position} (up to the batch budget) and prepares them; null when there are none. */
    private Ready readAndPrepare(long position) {
        List<IngestLog.Entry> entries;
        try {
            entries = log.read(position, maxBatchBytes);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the ingest log: " + e.getMessage(), e);
        }
        if (entries.isEmpty()) {
            return null;
        }
        long from = entries.get(0).position();
        long to = entries.get(entries.size() - 1).end();
        BatchId id = new BatchId("http:" + from + "-" + to);
        List<PreparedBatch> parts = preparers.submit(() -> entries.parallelStream().map(e -> prepare(id, e)).toList()).join();
        return new Ready(from, to, id, entries, parts);
    }

    private PreparedBatch prepare(BatchId id, IngestLog.Entry e) {
        CdrFormat format = BodyFormat.decode(e.format());
        List<RawRecord> records = EntryRules.frameAll(e.body(), source(e.position()), format,
                pipeline.processor().config().maxRecordBytes());
        return pipeline.processor().prepare(id, pipeline.processor().config().parser(format), records);
    }

    /** The dead letters of an HTTP ingest name it as their source. */
    static String source(long ingestId) {
        return "http:" + ingestId;
    }

    /** Each request's outcome and the new log position, in the batch's transaction. */
    private void record(Connection c, List<IngestLog.Entry> entries, List<BatchOutcome> outcomes, long to) throws SQLException {
        // The appender writes in the connection's open transaction; one prepared INSERT per row cost a third of a commit.
        try (DuckDBAppender a = pipeline.store().connection().createAppender("http_ingests")) {
            long now = System.currentTimeMillis();
            for (int i = 0; i < entries.size(); i++) {
                IngestLog.Entry e = entries.get(i);
                BatchOutcome o = outcomes.get(i);
                a.beginRow().append(e.position()).append(BodyFormat.decode(e.format()).cliName()).appendEpochMicros(e.receivedAtMillis() * 1000)
                        .appendEpochMicros(now * 1000).append(o.recordsIn()).append(o.accepted()).append(o.rejected()).append(o.duplicates())
                        .append(o.unknownSubscribers()).endRow();
            }
        }
        try (PreparedStatement p = c.prepareStatement(
                "INSERT INTO runtime_state VALUES ('" + POSITION + "', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value")) {
            p.setLong(1, to);
            p.executeUpdate();
        }
    }

    void close() {
        if (ahead != null) {
            ahead.cancel(false);
        }
        if (System.getenv("SLUICE_DEBUG") != null) {
            System.err.printf("sluice up: timing: %d batches; waiting for prepared batches %.1f s, committing %.1f s%n",
                    batches, waitNanos / 1e9, commitNanos / 1e9);
        }
        preparers.shutdownNow();
    }
}
