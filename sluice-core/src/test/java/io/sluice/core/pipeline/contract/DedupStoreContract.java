package io.sluice.core.pipeline.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.cdr.RecordKey;
import io.sluice.core.pipeline.BatchId;
import io.sluice.core.pipeline.DedupStore;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What every {@link DedupStore} adapter must do (CDR-5). Extend it once per adapter. */
public abstract class DedupStoreContract {

    private static final BatchId B1 = new BatchId("file:aaaa:1");
    private static final BatchId B2 = new BatchId("file:aaaa:2");

    protected abstract DedupStore store();

    @Test
    void claimsNewKeysOnceOnly() {
        DedupStore s = store();
        List<RecordKey> keys = List.of(new RecordKey(1, 1), new RecordKey(1, 2), new RecordKey(Long.MIN_VALUE, Long.MAX_VALUE));
        assertThat(s.claim(B1, keys)).containsExactlyInAnyOrderElementsOf(keys);
        assertThat(s.claim(B2, keys)).isEmpty();
    }

    @Test
    void overlappingClaimReturnsOnlyTheUnseenKeys() {
        DedupStore s = store();
        s.claim(B1, List.of(new RecordKey(2, 1), new RecordKey(2, 2)));
        assertThat(s.claim(B2, List.of(new RecordKey(2, 2), new RecordKey(2, 3)))).containsExactly(new RecordKey(2, 3));
    }

    @Test
    void keysDifferingInOneHalfAreDifferent() {
        DedupStore s = store();
        s.claim(B1, List.of(new RecordKey(3, 1)));
        assertThat(s.claim(B2, List.of(new RecordKey(1, 3), new RecordKey(3, 2)))).hasSize(2);
    }

    @Test
    void aRetriedBatchGetsItsOwnClaimsBackAndNoOneElses() {
        DedupStore s = store();
        s.claim(B1, List.of(new RecordKey(4, 1)));
        s.claim(B1, List.of(new RecordKey(4, 2)));
        assertThat(s.claim(B2, List.of(new RecordKey(4, 1), new RecordKey(4, 3)))).containsExactly(new RecordKey(4, 3));
        assertThat(s.claim(B1, List.of(new RecordKey(4, 1), new RecordKey(4, 2), new RecordKey(4, 3))))
                .containsExactlyInAnyOrder(new RecordKey(4, 1), new RecordKey(4, 2));
    }
}
