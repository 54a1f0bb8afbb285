package io.sluice.core.pipeline.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.cdr.Cdr;
import io.sluice.core.cdr.RecordKey;
import io.sluice.core.pipeline.BatchId;
import io.sluice.core.pipeline.RecordLedger;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * What every {@link RecordLedger} adapter must do (CDR-5, CDR-8): a record is counted once however often and in
 * whatever batches it arrives, and a batch retried under its own id gets its claims back without counting
 * again. Extend it once per adapter.
 */
public abstract class RecordLedgerContract {
    private static final long DAY = 20_000L * 86_400;

    protected abstract RecordLedger ledger();

    /** Calls, answered, seconds, international calls, international seconds of one subscriber-day; zeros if absent. */
    protected abstract long[] usage(String msisdn, int epochDay);

    /** Attempts, answered, seconds of one route-hour; zeros if absent. */
    protected abstract long[] route(String route, long hourEpochSecond);

    private static List<Cdr> cdrs(long keyBase, int count, int subscribers) {
        List<Cdr> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(PortContracts.cdr(DAY + 3_600 + i, "+1212555" + String.format("%04d", i % subscribers),
                    "+442071234567", keyBase + i));
        }
        return out;
    }

    private static List<RecordKey> keys(List<Cdr> cdrs) {
        return cdrs.stream().map(Cdr::key).toList();
    }

    @Test
    void countsNewRecordsAndOwnsThem() {
        List<Cdr> batch = cdrs(0, 3, 1);
        Set<RecordKey> owned = ledger().claimAndCount(new BatchId("b-1"), batch, List.of());
        assertThat(owned).containsExactlyInAnyOrderElementsOf(keys(batch));
        assertThat(usage("+12125550000", 20_000)).containsExactly(3, 3, 180, 3, 180);
        assertThat(route("SIP/carrier", DAY + 3_600)).containsExactly(3, 3, 180);
    }

    @Test
    void aRetryOfTheSameBatchOwnsItsRecordsAndCountsNothingAgain() {
        RecordLedger l = ledger();
        List<Cdr> batch = cdrs(0, 4, 2);
        l.claimAndCount(new BatchId("b-2"), batch, List.of());
        Set<RecordKey> again = l.claimAndCount(new BatchId("b-2"), batch, List.of());
        assertThat(again).containsExactlyInAnyOrderElementsOf(keys(batch));
        assertThat(usage("+12125550000", 20_000)).containsExactly(2, 2, 120, 2, 120);
        assertThat(route("SIP/carrier", DAY + 3_600)).containsExactly(4, 4, 240);
    }

    @Test
    void anotherBatchWithOverlappingRecordsCountsOnlyTheNewOnes() {
        RecordLedger l = ledger();
        l.claimAndCount(new BatchId("b-3"), cdrs(0, 3, 1), List.of());
        List<Cdr> overlapping = cdrs(1, 4, 1); // keys 1..4: 1 and 2 are b-3's
        Set<RecordKey> owned = l.claimAndCount(new BatchId("b-4"), overlapping, List.of());
        assertThat(owned).containsExactlyInAnyOrderElementsOf(keys(overlapping.subList(2, 4)));
        assertThat(route("SIP/carrier", DAY + 3_600)).containsExactly(5, 5, 300);
        assertThat(l.claimedByOthers(new BatchId("b-4"), keys(cdrs(0, 5, 1))))
                .containsExactlyInAnyOrderElementsOf(keys(cdrs(0, 3, 1)));
        assertThat(l.claimedByOthers(new BatchId("b-3"), keys(cdrs(0, 5, 1))))
                .containsExactlyInAnyOrderElementsOf(keys(overlapping.subList(2, 4)));
    }

    @Test
    void rejectedKeysAreClaimedWithoutCounters() {
        RecordLedger l = ledger();
        List<RecordKey> broken = List.of(new RecordKey(9, 1), new RecordKey(9, 2));
        assertThat(l.claimAndCount(new BatchId("b-5"), List.of(), broken)).containsExactlyInAnyOrderElementsOf(broken);
        assertThat(l.claimAndCount(new BatchId("b-6"), List.of(), broken)).isEmpty();
        assertThat(route("SIP/carrier", DAY + 3_600)).containsExactly(0, 0, 0);
    }

    @Test
    void aLargeBatchOverManySubscribersCountsEveryRecordOnce() {
        RecordLedger l = ledger();
        List<Cdr> batch = cdrs(1_000, 1_000, 300);
        assertThat(l.claimAndCount(new BatchId("b-7"), batch, List.of())).hasSize(1_000);
        assertThat(l.claimAndCount(new BatchId("b-8"), batch, List.of())).isEmpty();
        assertThat(route("SIP/carrier", DAY + 3_600)).containsExactly(1_000, 1_000, 60_000);
        assertThat(usage("+12125550000", 20_000)).containsExactly(4, 4, 240, 4, 240); // i = 0, 300, 600, 900
        assertThat(usage("+12125550299", 20_000)).containsExactly(3, 3, 180, 3, 180);
    }

    @Test
    void concurrentBatchesWithTheSameRecordsCountEachOnce() throws Exception {
        RecordLedger l = ledger();
        List<Cdr> batch = cdrs(5_000, 200, 50);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Set<RecordKey>>> runs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                BatchId id = new BatchId("race-" + t);
                runs.add(pool.submit(() -> l.claimAndCount(id, batch, List.of())));
            }
            int owned = 0;
            for (Future<Set<RecordKey>> f : runs) {
                owned += f.get().size();
            }
            assertThat(owned).isEqualTo(200);
        } finally {
            pool.shutdownNow();
        }
        assertThat(route("SIP/carrier", DAY + 3_600)).containsExactly(200, 200, 12_000);
    }
}
