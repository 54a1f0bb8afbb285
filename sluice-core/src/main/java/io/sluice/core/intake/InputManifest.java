package io.sluice.core.intake;

import io.sluice.core.pipeline.BatchOutcome;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The manifest of whole inputs, one port for every home (OBJ-1, OBJ-2, CDR-8): a file given to
 * {@code sluice ingest} or dropped in the inbox (identified by its content), an S3 object version (by bucket,
 * key and version or ETag). What arrived, what became of it, how far it got.
 *
 * <ul>
 *   <li>{@link #begin} claims an input: a new one, a failed one, or one whose attempt's lease ran out (a function
 *   that timed out, a process killed) is to be processed, resuming after the chunks already committed; one
 *   processed or rejected before is done and never processed again; one whose attempt holds its lease is busy.
 *   <li>{@link #chunkDone} adds a committed chunk's outcome. Where the store commits a chunk's effects at once
 *   (the local home), it is called inside that transaction, so the manifest never runs ahead of or behind the
 *   effects. Where it cannot (DynamoDB), it is called after the chunk's ledger commit: a crash between the two
 *   makes the next attempt process that chunk again, and the ledger answers its records as that chunk's own.
 *   <li>{@link #finish} records how the attempt ended; the counts are the sum of its chunks, never passed in.
 * </ul>
 *
 * <p>Adapters: the embedded store (sluice-local), DynamoDB (sluice-aws) and {@code InMemoryInputManifest}; one
 * contract suite holds them to this.
 */
public interface InputManifest {

    /**
     * An input: its identity (what makes two deliveries the same input), its name for people and its size.
     */
    record Input(String id, String name, long size) {
        public Input {
            if (id == null || id.isBlank()) {
                throw new IllegalArgumentException("an input needs an identity");
            }
            Objects.requireNonNull(name, "name");
            if (size < 0) {
                throw new IllegalArgumentException("size must be >= 0, was " + size + " for " + name);
            }
        }
    }

    /** The sums of an input's committed chunks. */
    record Progress(long chunks, long recordsIn, long accepted, long rejected, long duplicates, long unknownSubscribers) {
        public static final Progress NONE = new Progress(0, 0, 0, 0, 0, 0);

        public Progress {
            if (chunks < 0 || recordsIn < 0 || accepted < 0 || rejected < 0 || duplicates < 0 || unknownSubscribers < 0) {
                throw new IllegalArgumentException("negative progress: " + chunks + " chunks, " + recordsIn + " in, "
                        + accepted + " accepted, " + rejected + " rejected, " + duplicates + " duplicates");
            }
        }

        public Progress plus(BatchOutcome o) {
            return new Progress(chunks + 1, recordsIn + o.recordsIn(), accepted + o.accepted(), rejected + o.rejected(),
                    duplicates + o.duplicates(), unknownSubscribers + o.unknownSubscribers());
        }
    }

    /** Where an input stands. */
    enum Status {
        /** An attempt holds it (or held it, until its lease runs out). */
        IN_PROGRESS,
        /** Read to its end: done. */
        PROCESSED,
        /** Refused whole (extension, size, binary, unknown format): done, since the same bytes get the same answer. */
        REJECTED,
        /** The attempt failed (a read error, a store still failing): the next delivery retries it. */
        FAILED
    }

    /** What the manifest holds of an input. {@code format} and {@code error} may be null. */
    record Entry(Input input, String format, Status status, long attempts, Progress progress, String error) {
    }

    /** What {@link #begin} decided. */
    sealed interface Start permits Process, Done, Busy {
    }

    /** Process the input, skipping its first {@code committed.chunks()} chunks, which an earlier attempt committed. */
    record Process(Progress committed) implements Start {
    }

    /** Processed or rejected before: acknowledge and do nothing. */
    record Done(Entry entry) implements Start {
    }

    /** Another attempt holds the input's lease: try again later. */
    record Busy() implements Start {
    }

    /**
     * Claims {@code input} for an attempt starting {@code now}, unless it is done or another attempt started less
     * than {@code leaseSeconds} ago (0: a home with one writer, where any earlier attempt was interrupted).
     *
     * @param format the input's format when known at this point, else null
     */
    Start begin(Input input, String format, Instant now, long leaseSeconds);

    /** Adds one committed chunk's outcome to the input's progress. */
    void chunkDone(Input input, BatchOutcome outcome);

    /** Ends the attempt: {@code status} is PROCESSED, REJECTED or FAILED; {@code error} says why for the last two. */
    void finish(Input input, Status status, String error, Instant now);

    /** The entry of the input with this identity. */
    Optional<Entry> find(String id);
}
