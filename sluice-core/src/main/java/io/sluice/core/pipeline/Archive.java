package io.sluice.core.pipeline;

import io.sluice.core.cdr.Cdr;
import java.util.List;

/**
 * The columnar archive of every accepted record (CDR-9): Firehose to S3 Parquet on AWS, Parquet files on one
 * machine, both partitioned by UTC start day ({@code dt=YYYY-MM-DD}) with the same schema.
 */
public interface Archive {

    /** Archives a batch's accepted records; a batch id already archived is ignored (a retried batch). */
    void append(BatchId batch, List<Cdr> records);
}
