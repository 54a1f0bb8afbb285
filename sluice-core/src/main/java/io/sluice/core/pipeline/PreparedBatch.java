package io.sluice.core.pipeline;

import io.sluice.core.cdr.Cdr;
import io.sluice.core.cdr.Rejection;
import java.util.List;

/**
 * A batch after the pure, CPU-only steps (parse, validate, normalize, in-batch de-duplication) and before
 * anything is written. Splitting here lets a runtime prepare the next batch while the previous one commits.
 *
 * @param id              the batch identity
 * @param recordsIn       records in the batch (a multi-line record judged line by line counts each line)
 * @param candidates      valid records, distinct within the batch
 * @param rejections      invalid records with reasons, distinct within the batch by their bytes
 * @param batchDuplicates records (valid or not) that repeated another record of the same batch
 */
public record PreparedBatch(BatchId id, int recordsIn, List<Cdr> candidates, List<Rejection> rejections, int batchDuplicates) {

    /** Every record in is a candidate, a rejection or a repeat (CDR-3): one lost on the way fails here. */
    public PreparedBatch {
        if (recordsIn < 0 || batchDuplicates < 0 || recordsIn != candidates.size() + rejections.size() + batchDuplicates) {
            throw new IllegalStateException("Record conservation broken in " + id + ": in " + recordsIn + " != candidates "
                    + candidates.size() + " + rejections " + rejections.size() + " + repeats " + batchDuplicates);
        }
    }
}
