package io.sluice.local.runtime;

import io.sluice.core.cdr.CdrFormat;
import io.sluice.core.cdr.CdrParser;
import io.sluice.core.cdr.RawRecord;
import io.sluice.core.cdr.RecordFramer;
import io.sluice.core.pipeline.BatchId;
import io.sluice.core.pipeline.BatchOutcome;
import io.sluice.core.pipeline.PreparedBatch;
import io.sluice.local.ingest.LocalCdrPipeline;
import io.sluice.local.store.LocalStore;
import io.sluice.local.store.StoreException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;

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
    private long consumed;

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

    /** Applies one batch of waiting entries; false when there was none. */
    boolean applyOnce() {
        List<IngestLog.Entry> entries;
        try {
            entries = log.read(consumed, maxBatchBytes);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the ingest log: " + e.getMessage(), e);
        }
        if (entries.isEmpty()) {
            return false;
        }
        long from = entries.get(0).position();
        long to = entries.get(entries.size() - 1).end();
        BatchId id = new BatchId("http:" + from + "-" + to);
        List<PreparedBatch> parts = preparers.submit(() -> entries.parallelStream().map(e -> prepare(id, e)).toList()).join();
        List<BatchOutcome> outcomes = pipeline.store().inTransaction(c -> {
            List<BatchOutcome> o = pipeline.processor().commitAll(id, parts);
            record(c, entries, o, to);
            return o;
        });
        consumed = to;
        for (BatchOutcome o : outcomes) {
            stats.processed(o.recordsIn(), o.accepted(), o.rejected(), o.duplicates(), o.unknownSubscribers());
        }
        stats.ingestsApplied.addAndGet(entries.size());
        try {
            log.release(consumed);
        } catch (IOException e) {
            stats.error("ingest log", "cannot delete an applied segment: " + e.getMessage());
        }
        return true;
    }

    private PreparedBatch prepare(BatchId id, IngestLog.Entry e) {
        CdrFormat format = BodyFormat.decode(e.format());
        List<RawRecord> records = new ArrayList<>();
        int max = pipeline.processor().config().maxRecordBytes();
        try (RecordFramer framer = new RecordFramer(new ByteArrayInputStream(e.body()), source(e.position()), format.quotedNewlines(), max)) {
            RawRecord r;
            while ((r = framer.next()) != null) {
                records.add(r);
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex); // a byte array does not fail to read
        }
        return pipeline.processor().prepare(id, CdrParser.of(format), records);
    }

    /** The dead letters of an HTTP ingest name it as their source. */
    static String source(long ingestId) {
        return "http:" + ingestId;
    }

    private static void record(Connection c, List<IngestLog.Entry> entries, List<BatchOutcome> outcomes, long to) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "INSERT INTO http_ingests VALUES (?, ?, ?, now(), ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING")) {
            for (int i = 0; i < entries.size(); i++) {
                IngestLog.Entry e = entries.get(i);
                BatchOutcome o = outcomes.get(i);
                p.setLong(1, e.position());
                p.setString(2, BodyFormat.decode(e.format()).cliName());
                p.setTimestamp(3, new Timestamp(e.receivedAtMillis()));
                p.setLong(4, o.recordsIn());
                p.setLong(5, o.accepted());
                p.setLong(6, o.rejected());
                p.setLong(7, o.duplicates());
                p.setLong(8, o.unknownSubscribers());
                p.addBatch();
            }
            p.executeBatch();
        }
        try (PreparedStatement p = c.prepareStatement(
                "INSERT INTO runtime_state VALUES ('" + POSITION + "', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value")) {
            p.setLong(1, to);
            p.executeUpdate();
        }
    }

    void close() {
        preparers.shutdownNow();
    }
}
