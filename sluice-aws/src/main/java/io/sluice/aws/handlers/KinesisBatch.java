package io.sluice.aws.handlers;

import io.sluice.aws.events.KinesisEventRecord;
import io.sluice.core.cdr.CdrFormat;
import io.sluice.core.cdr.CdrParser;
import io.sluice.core.cdr.RawRecord;
import io.sluice.core.cdr.RejectReason;
import io.sluice.core.cdr.Rejection;
import io.sluice.core.intake.Compression;
import io.sluice.core.intake.EntryRules;
import io.sluice.core.pipeline.BatchId;
import io.sluice.core.pipeline.BatchOutcome;
import io.sluice.core.pipeline.CdrBatchProcessor;
import io.sluice.core.pipeline.PreparedBatch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One Kinesis batch through the core (CDR-1, CDR-3, CDR-5, CDR-12): each record's data (CSV lines of any
 * supported format, or JSON lines) is framed with its shard and sequence number as the CDRs' source; the batch
 * commits at once through the ledger, which counts each CDR once whatever the batch's bounds.
 *
 * <p>Invalid CDRs, and records whose data is not base64, are dead-lettered and acknowledged: retrying them
 * cannot help. Only a failure to write (a store still throttled after the retries) fails the batch, and then
 * it reports the first record as failed, so Lambda retries from there (AWS-CONTRACTS.md section 8, item 1);
 * the retry is idempotent.
 */
public final class KinesisBatch {
    private final CdrBatchProcessor processor;
    private final Map<CdrFormat, CdrParser> parsers = new EnumMap<>(CdrFormat.class);

    public KinesisBatch(CdrBatchProcessor processor) {
        this.processor = processor;
        for (CdrFormat f : CdrFormat.values()) {
            parsers.put(f, processor.config().parser(f));
        }
    }

    /** What became of the batch: counts, and the sequence numbers to report as failed (empty on success). */
    public record Result(long recordsIn, long accepted, long rejected, long duplicates, List<String> failedSequenceNumbers,
                         Exception failure) {
    }

    public Result process(List<KinesisEventRecord> records) {
        if (records.isEmpty()) {
            return new Result(0, 0, 0, 0, List.of(), null);
        }
        KinesisEventRecord first = records.get(0);
        KinesisEventRecord last = records.get(records.size() - 1);
        BatchId id = new BatchId("kinesis:" + first.shardId() + ":" + first.sequenceNumber() + "-" + last.sequenceNumber());
        List<PreparedBatch> parts = prepare(id, records);
        long in = 0;
        for (PreparedBatch p : parts) {
            in += p.recordsIn();
        }
        try {
            long accepted = 0;
            long rejected = 0;
            long duplicates = 0;
            for (BatchOutcome o : processor.commitAll(id, parts)) {
                accepted += o.accepted();
                rejected += o.rejected();
                duplicates += o.duplicates();
            }
            return new Result(in, accepted, rejected, duplicates, List.of(), null);
        } catch (RuntimeException e) {
            return new Result(in, 0, 0, 0, List.of(first.sequenceNumber()), e);
        }
    }

    /**
     * The batch's CDRs framed record by record (each keeps its shard, sequence number and line), then prepared in
     * one part per format, usually one: a part per Kinesis record would cost its own sets and lists for a few
     * CDRs. Records whose data is not base64 make a part of their own.
     */
    /** A record's data decompresses to at most this (Kinesis takes 1 MiB per record; CDR text compresses 10-20 times). */
    static final long MAX_DECOMPRESSED_BYTES = 64L << 20;

    private List<PreparedBatch> prepare(BatchId id, List<KinesisEventRecord> records) {
        int max = processor.config().maxRecordBytes();
        // gzip data is read through, as on every entry (Compression, issue 22); data that fails to decompress is one
        // NOT_TEXT dead letter with its bytes as they came.
        List<byte[]> data = new ArrayList<>(records.size());
        List<String> undecompressable = new ArrayList<>(records.size());
        for (KinesisEventRecord r : records) {
            byte[] d = r.data();
            String why = null;
            if (d != null && Compression.isCompressed(d)) {
                try {
                    d = Compression.text(d, MAX_DECOMPRESSED_BYTES);
                } catch (java.io.IOException e) {
                    why = (Compression.isGzip(d) ? "gzip" : "zstd") + " data that cannot be read: " + e.getMessage();
                }
            }
            data.add(d);
            undecompressable.add(why);
        }
        // A record's format is its own vote (EntryRules.sniff, as for a file); a record too short to tell (a lone
        // CSV line can be ambiguous) takes the batch's vote, and a batch that cannot tell is read as Asterisk.
        List<CdrFormat> own = new ArrayList<>(records.size());
        List<String> binary = new ArrayList<>(records.size()); // why a record's data is binary, or null: checked once
        Map<CdrFormat, Integer> votes = new EnumMap<>(CdrFormat.class);
        for (int i = 0; i < records.size(); i++) {
            byte[] d = data.get(i);
            binary.add(d == null || undecompressable.get(i) != null ? null : EntryRules.binaryRefusal(d).orElse(null));
            CdrFormat f = d == null || undecompressable.get(i) != null || binary.get(i) != null ? null
                    : EntryRules.sniff(d, max, processor.config().freeSwitchTemplate()).orElse(null);
            own.add(f);
            if (f != null) {
                votes.merge(f, 1, Integer::sum);
            }
        }
        CdrFormat batchVote = votes.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey)
                .orElse(CdrFormat.ASTERISK);
        Map<CdrFormat, List<RawRecord>> byFormat = new EnumMap<>(CdrFormat.class);
        Map<io.sluice.core.cdr.RecordKey, Rejection> unreadable = new java.util.LinkedHashMap<>();
        int unreadableIn = 0;
        int unreadableRepeats = 0;
        for (int i = 0; i < records.size(); i++) {
            KinesisEventRecord r = records.get(i);
            String source = "kinesis:" + r.shardId() + ":" + r.sequenceNumber();
            Rejection refused = r.data() == null ? notBase64(r, source)
                    : undecompressable.get(i) != null
                    ? Rejection.of(RawRecord.of(source, 1, r.data()), RejectReason.NOT_TEXT, undecompressable.get(i))
                    : binary.get(i) != null ? Rejection.of(RawRecord.of(source, 1, data.get(i)), RejectReason.NOT_TEXT, binary.get(i))
                    : null;
            if (refused != null) {
                unreadableIn++;
                if (unreadable.putIfAbsent(refused.contentKey(), refused) != null) {
                    unreadableRepeats++; // the same unreadable data earlier in this batch
                }
                continue;
            }
            CdrFormat format = own.get(i) != null ? own.get(i) : batchVote;
            byFormat.computeIfAbsent(format, f -> new ArrayList<>(records.size()))
                    .addAll(EntryRules.frameAll(data.get(i), source, format, max));
        }
        List<PreparedBatch> parts = new ArrayList<>(byFormat.size() + 1);
        byFormat.forEach((format, raws) -> parts.add(processor.prepare(id, parsers.get(format), raws)));
        if (!unreadable.isEmpty()) {
            parts.add(new PreparedBatch(id, unreadableIn, List.of(), new ArrayList<>(unreadable.values()),
                    unreadableRepeats));
        }
        return parts;
    }

    /**
     * The data field as it came is the original; a record without one is described, so that two such records
     * are not taken for one (their identity is their bytes). Either stays readable in the stream by its
     * sequence number.
     */
    private static Rejection notBase64(KinesisEventRecord r, String source) {
        byte[] original = (r.received() != null ? r.received()
                : "kinesis record " + r.sequenceNumber() + " of " + r.shardId() + " without data").getBytes(StandardCharsets.UTF_8);
        return Rejection.of(RawRecord.of(source, 1, original), RejectReason.NOT_BASE64, r.problem());
    }
}
