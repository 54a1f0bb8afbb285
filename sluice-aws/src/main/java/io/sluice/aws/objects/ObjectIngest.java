package io.sluice.aws.objects;

import io.sluice.aws.events.ObjectRef;
import io.sluice.core.cdr.CdrFormat;
import io.sluice.core.cdr.CdrFormatDetector;
import io.sluice.core.cdr.CdrParser;
import io.sluice.core.cdr.RawRecord;
import io.sluice.core.cdr.RecordFramer;
import io.sluice.core.pipeline.BatchId;
import io.sluice.core.pipeline.BatchOutcome;
import io.sluice.core.pipeline.CdrBatchProcessor;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * One CDR object from a bucket through the core (OBJ-1, OBJ-2, CDR-11): checked (extension, size), claimed in
 * the manifest, streamed in chunks of records (bounded memory whatever its size), each chunk committed through
 * the ledger under {@code s3:<identity>:<chunk>}, and the manifest finished with its counts. A retry after a
 * failure reads the object again from the start; chunks already counted come back as this object's own.
 */
public final class ObjectIngest {
    /** Extensions taken as CDR files; anything else is rejected in the manifest, not retried. */
    public static final Set<String> EXTENSIONS = Set.of("csv", "cdr", "txt", "jsonl", "ndjson", "json");
    private static final int SAMPLE_BYTES = 64 * 1024;

    private final CdrBatchProcessor processor;
    private final ObjectManifests manifests;
    private final ObjectSource source;
    private final long maxObjectBytes;
    private final int chunkRecords;
    private final long leaseSeconds;
    private final Clock clock;

    public ObjectIngest(CdrBatchProcessor processor, ObjectManifests manifests, ObjectSource source, long maxObjectBytes,
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
        ObjectManifests.Start start = manifests.begin(o, clock.instant(), leaseSeconds);
        if (start == ObjectManifests.Start.ALREADY_DONE) {
            return Outcome.of(Result.ALREADY_DONE);
        }
        if (start == ObjectManifests.Start.IN_PROGRESS) {
            throw new InProgressElsewhere(o.identity());
        }
        Optional<String> refusal = refusal(o);
        if (refusal.isPresent()) {
            manifests.finish(o, ObjectManifests.Status.REJECTED, 0, 0, 0, 0, refusal.get(), clock.instant());
            return new Outcome(Result.REJECTED, 0, 0, 0, 0, refusal.get());
        }
        long in = 0;
        long accepted = 0;
        long rejected = 0;
        long duplicates = 0;
        try (BufferedInputStream stream = new BufferedInputStream(source.open(o), SAMPLE_BYTES)) {
            Optional<CdrFormat> format = detect(stream);
            if (format.isEmpty()) {
                String why = "no CDR format (asterisk, freeswitch, jsonl) recognised in the first lines";
                manifests.finish(o, ObjectManifests.Status.REJECTED, 0, 0, 0, 0, why, clock.instant());
                return new Outcome(Result.REJECTED, 0, 0, 0, 0, why);
            }
            CdrParser parser = CdrParser.of(format.get());
            String name = "s3://" + o.bucket() + "/" + o.key();
            try (RecordFramer framer = new RecordFramer(stream, name, format.get().quotedNewlines(),
                    processor.config().maxRecordBytes())) {
                long chunk = 0;
                List<RawRecord> records = new ArrayList<>(chunkRecords);
                RawRecord raw;
                do {
                    raw = framer.next();
                    if (raw != null) {
                        records.add(raw);
                    }
                    if (records.size() == chunkRecords || (raw == null && !records.isEmpty())) {
                        BatchOutcome out = processor.process(new BatchId("s3:" + o.identity() + ":" + chunk++), parser, records);
                        in += out.recordsIn();
                        accepted += out.accepted();
                        rejected += out.rejected();
                        duplicates += out.duplicates();
                        records = new ArrayList<>(chunkRecords);
                    }
                } while (raw != null);
            }
        } catch (IOException | RuntimeException e) {
            try {
                manifests.finish(o, ObjectManifests.Status.FAILED, in, accepted, rejected, duplicates, e.toString(), clock.instant());
            } catch (RuntimeException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
        manifests.finish(o, ObjectManifests.Status.PROCESSED, in, accepted, rejected, duplicates, null, clock.instant());
        return new Outcome(Result.PROCESSED, in, accepted, rejected, duplicates, null);
    }

    /** Why an object is not taken, before reading it: its extension or its size (OBJ-1, SEC-5). */
    private Optional<String> refusal(ObjectRef o) {
        String name = o.key().substring(o.key().lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        if (!EXTENSIONS.contains(ext)) {
            return Optional.of("extension '" + ext + "' is not a CDR file; taken: " + String.join(", ", EXTENSIONS.stream().sorted().toList()));
        }
        if (o.size() > maxObjectBytes) {
            return Optional.of("object of " + o.size() + " bytes is over the limit of " + maxObjectBytes + " bytes");
        }
        return Optional.empty();
    }

    private static Optional<CdrFormat> detect(BufferedInputStream stream) throws IOException {
        stream.mark(SAMPLE_BYTES);
        byte[] head = stream.readNBytes(SAMPLE_BYTES);
        stream.reset();
        List<byte[]> lines = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < head.length && lines.size() < 20; i++) {
            if (head[i] == '\n') {
                lines.add(java.util.Arrays.copyOfRange(head, from, i));
                from = i + 1;
            }
        }
        if (lines.isEmpty() && head.length > 0) {
            lines.add(head);
        }
        return CdrFormatDetector.detect(lines);
    }
}
