package io.sluice.core.pipeline;

import io.sluice.core.cdr.RecordKey;
import java.util.Collection;
import java.util.Set;

/**
 * Marks of records already counted (CDR-5). Conditional writes on AWS, a keyed table on one machine.
 * A claim must commit together with the aggregates it guards, or a crash between the two loses or
 * double-counts records: the store decides how (a transaction, or batch markers).
 */
public interface DedupStore {

    /**
     * Marks the keys as seen and returns those that had not been seen before: the records to count.
     * The keys passed are distinct.
     */
    Set<RecordKey> claim(Collection<RecordKey> keys);
}
