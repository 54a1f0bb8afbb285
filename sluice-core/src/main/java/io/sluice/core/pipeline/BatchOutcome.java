package io.sluice.core.pipeline;

import io.sluice.core.cdr.Rejection;
import java.util.List;

/**
 * What became of a batch. Always {@code recordsIn == accepted + rejected + duplicates} (CDR-3). A batch
 * replayed under the same id reports the same outcome as its first run (its records are its own, not
 * duplicates) while the stores change nothing: the outcome follows the input, the effects happen once.
 *
 * @param unknownSubscribers accepted records whose caller has no profile (flagged, not dropped: CDR-6)
 * @param rejections         the rejected records, for reporting their first lines to the user
 */
public record BatchOutcome(long recordsIn, long accepted, long rejected, long duplicates, long unknownSubscribers,
                           List<Rejection> rejections) {

    public BatchOutcome {
        if (recordsIn < 0 || accepted < 0 || rejected < 0 || duplicates < 0 || unknownSubscribers < 0
                || unknownSubscribers > accepted || recordsIn != accepted + rejected + duplicates
                || rejections.size() != rejected) {
            throw new IllegalStateException("Record conservation broken: in " + recordsIn + " != accepted " + accepted
                    + " + rejected " + rejected + " + duplicates " + duplicates + " (unknown subscribers " + unknownSubscribers + ", rejections listed "
                    + rejections.size() + ")");
        }
        rejections = List.copyOf(rejections);
    }
}
