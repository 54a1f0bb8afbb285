package io.sluice.core.pipeline;

import io.sluice.core.cdr.RecordKey;
import java.util.Collection;
import java.util.Set;

/**
 * Marks of records already counted (CDR-5). Conditional writes on AWS, a keyed table on one machine.
 *
 * <p>A claim belongs to the batch that made it. When a batch fails after claiming (a throttled write, a
 * crash) and is retried under the same {@link BatchId}, its keys are granted again, so its records are
 * counted by the retry instead of being lost as "duplicates". Another batch never gets them.
 */
public interface DedupStore {

    /**
     * Marks the keys as seen by {@code batch} and returns those the batch owns: keys not seen before, and
     * keys an earlier attempt of the same batch claimed. The keys passed are distinct.
     */
    Set<RecordKey> claim(BatchId batch, Collection<RecordKey> keys);
}
