package io.sluice.aws.objects;

import io.sluice.aws.events.ObjectRef;
import java.time.Instant;

/**
 * One manifest item per object version (OBJ-1, OBJ-2): what arrived (key, version or ETag, size), what became of
 * it (status, record counts, error) and when. {@link #begin} is a conditional write: an object already done is
 * never processed again, however often its event is delivered.
 */
public interface ObjectManifests {

    /** What {@link #begin} decided. */
    enum Start {
        /** First attempt, or a retry of one that failed or was abandoned: process the object. */
        PROCESS,
        /** Done before (processed or rejected): acknowledge the event and do nothing. */
        ALREADY_DONE,
        /** Another invocation is processing it right now: retry the event later. */
        IN_PROGRESS
    }

    /** Final states. */
    enum Status { PROCESSED, REJECTED, FAILED }

    /**
     * Marks the object as being processed unless it is done, or another attempt started less than
     * {@code leaseSeconds} ago.
     */
    Start begin(ObjectRef object, Instant now, long leaseSeconds);

    /** Records how processing ended, with the record counts and, for REJECTED or FAILED, why. */
    void finish(ObjectRef object, Status status, long recordsIn, long accepted, long rejected, long duplicates, String error,
                Instant now);
}
