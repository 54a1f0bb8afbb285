package io.sluice.core.pipeline;

import io.sluice.core.cdr.Cdr;
import io.sluice.core.cdr.RecordKey;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * De-duplication marks and usage counters kept together, for a store that cannot commit a whole batch
 * atomically (DynamoDB: 100 actions per transaction) but can commit a record's claim together with its
 * counters (CDR-5, CDR-8).
 *
 * <p>Why a second port next to {@link DedupStore} and {@link UsageStore}: with those two, a batch claims its
 * keys first and adds its counters after. That is exactly-once only if a failed batch is retried with the same
 * {@link BatchId} and the same records, which holds for a file chunk or a logged HTTP request, and for a
 * store that commits both in one transaction (the local home). A Kinesis retry does not keep its batch: after
 * a partial failure, a bisection or a timeout the event source mapping re-reads from a checkpoint and the next
 * batch has other boundaries. Here a record is counted if and only if its claim is written, in the same
 * atomic write, so any replay of any shape counts nothing twice and loses nothing.
 */
public interface RecordLedger {

    /**
     * The keys among {@code keys} that a batch other than {@code batch} has claimed. A consistent read; it
     * writes nothing. Used to keep known duplicates out of the archive before claiming.
     */
    Set<RecordKey> claimedByOthers(BatchId batch, Collection<RecordKey> keys);

    /**
     * Claims the keys of {@code accepted} and {@code rejected} for {@code batch} and adds the usage counters of
     * each accepted record whose claim is new, in writes that hold a claim and its record's counters
     * together. Returns the keys {@code batch} owns afterwards: claimed now, or claimed by an earlier attempt
     * of the same batch (whose counters were added then, and are not added again). Keys passed are distinct.
     */
    Set<RecordKey> claimAndCount(BatchId batch, List<Cdr> accepted, Collection<RecordKey> rejected);
}
