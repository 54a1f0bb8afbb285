package io.sluice.core.pipeline;

import io.sluice.core.cdr.Rejection;
import java.util.List;

/** Where rejected records go, with their original bytes, position and reason (CDR-3). */
public interface DeadLetters {

    /** Stores a batch's rejections; a batch id already stored is ignored (a retried batch). */
    void store(BatchId batch, List<Rejection> rejections);
}
