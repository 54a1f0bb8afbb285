package io.sluice.aws.objects;

import io.sluice.aws.events.ObjectRef;
import io.sluice.core.cdr.CdrFormat;
import io.sluice.core.intake.ChunkedIntake;
import io.sluice.core.intake.Compression;
import io.sluice.core.intake.EntryRules;
import io.sluice.core.intake.InputManifest;
import io.sluice.core.pipeline.BatchId;
import io.sluice.core.pipeline.BatchOutcome;
import io.sluice.core.pipeline.CdrBatchProcessor;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.time.Clock;
import java.util.Optional;

/**
 * One CDR object from a bucket through the core (OBJ-1, OBJ-2, CDR-11): checked (extension, size), claimed in
 * the manifest, streamed in chunks of records (bounded memory whatever its size), each chunk committed through
 * the ledger under {@code s3:<identity>:<chunk>} and recorded in the manifest ({@link InputManifest}, the port
 * every home's inputs share), and the manifest finished. A retry after a failure reads the object again and
 * commits only the chunks after those recorded; a chunk committed but not recorded comes back as its own.
 */
public final class ObjectIngest {

    private final CdrBatchProcessor processor;
    private final InputManifest manifests;
    private final ObjectSource source;
    private final long maxObjectBytes;
    private final int chunkRecords;
    private final long leaseSeconds;
    private final Clock clock;

    public ObjectIngest(CdrBatchProcessor processor, InputManifest manifests, ObjectSource source, long maxObjectBytes,
                        int chunkRecords, long leaseSeconds, Clock clock) {
        this.processor = processor;
        this.manifests = manifests;
        this.source = source;
        this.maxObjectBytes = maxObjectBytes;
        this.chunkRecords = chunkRecords;
        this.leaseSeconds = leaseSeconds;
        this.clock = clock;
    }

    /** How an object ended. */
    public enum Result { PROCESSED, REJECTED, ALREADY_DONE }

    /**
     * What became of one object: how it ended, its record counts (zero unless processed now) and, for a rejected
     * object, why.
     */
    public record Outcome(Result result, long recordsIn, long accepted, long rejected, long duplicates, String reason) {
        static Outcome of(Result result) {
            return new Outcome(result, 0, 0, 0, 0, null);
        }
    }

    /** Another invocation holds the object's lease: the event must be retried later, not dropped. */
    public static final class InProgressElsewhere extends RuntimeException {
        public InProgressElsewhere(String identity) {
            super("Object " + identity + " is being processed by another invocation; retry later");
        }
    }

    public Outcome ingest(ObjectRef o) throws IOException {
        String name = "s3://" + o.bucket() + "/" + o.key();
        InputManifest.Input input = new InputManifest.Input(o.identity(), name, o.size());
        InputManifest.Start start = manifests.begin(input, null, clock.instant(), leaseSeconds);
        if (start instanceof InputManifest.Done) {
            return Outcome.of(Result.ALREADY_DONE);
        }
        if (start instanceof InputManifest.Busy) {
            throw new InProgressElsewhere(o.identity());
        }
        // A retry resumes after the chunks an earlier attempt committed (and recorded); a chunk committed but not
        // recorded is committed again, and the ledger answers its records as that chunk's own.
        long resumeAfter = ((InputManifest.Process) start).committed().chunks();
        Optional<String> refusal = refusal(o);
        if (refusal.isPresent()) {
            manifests.finish(input, InputManifest.Status.REJECTED, refusal.get(), clock.instant());
            return new Outcome(Result.REJECTED, 0, 0, 0, 0, refusal.get());
        }
        long[] sums = new long[4]; // records in, accepted, rejected, duplicates of the chunks this attempt committed
        // A gzip object (most S3 CDR drops) is read through (Compression, issue 22), bounded by the bomb ratio.
        try (BufferedInputStream stream = Compression.text(new BufferedInputStream(source.open(o), EntryRules.SNIFF_BYTES + 1),
                Long.MAX_VALUE)) {
            EntryRules.Screening screening = EntryRules.screen(EntryRules.head(stream), Optional.empty(), processor.config());
            if (screening instanceof EntryRules.Refuse refuse && refuse.kind() == EntryRules.Refusal.EMPTY) {
                // An empty object is not a failure: 0 records, processed (issue 22).
                manifests.finish(input, InputManifest.Status.PROCESSED, null, clock.instant());
                return new Outcome(Result.PROCESSED, 0, 0, 0, 0, null);
            }
            if (screening instanceof EntryRules.Refuse refuse) {
                manifests.finish(input, InputManifest.Status.REJECTED, refuse.reason(), clock.instant());
                return new Outcome(Result.REJECTED, 0, 0, 0, 0, refuse.reason());
            }
            CdrFormat format = ((EntryRules.Take) screening).format();
            new ChunkedIntake(processor, chunkRecords, null).run(stream, name, format,
                    chunk -> new BatchId("s3:" + o.identity() + ":" + chunk), resumeAfter,
                    (chunk, prepared) -> {
                        BatchOutcome out = processor.commit(prepared);
                        manifests.chunkDone(input, out);
                        return out;
                    }, new ChunkedIntake.Listener() {
                        @Override
                        public void committed(long chunk, BatchOutcome out) {
                            sums[0] += out.recordsIn();
                            sums[1] += out.accepted();
                            sums[2] += out.rejected();
                            sums[3] += out.duplicates();
                        }
                    });
        } catch (IOException | RuntimeException e) {
            try {
                manifests.finish(input, InputManifest.Status.FAILED, e.toString(), clock.instant());
            } catch (RuntimeException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
        manifests.finish(input, InputManifest.Status.PROCESSED, null, clock.instant());
        return new Outcome(Result.PROCESSED, sums[0], sums[1], sums[2], sums[3], null);
    }

    /** Why an object is not taken, before reading it: its extension or its size (OBJ-1, SEC-5). */
    private Optional<String> refusal(ObjectRef o) {
        Optional<String> extension = EntryRules.extensionRefusal(o.key(), EntryRules.EXTENSIONS);
        if (extension.isPresent()) {
            return extension;
        }
        if (o.size() > maxObjectBytes) {
            return Optional.of("object of " + o.size() + " bytes is over the limit of " + maxObjectBytes + " bytes");
        }
        return Optional.empty();
    }

}
