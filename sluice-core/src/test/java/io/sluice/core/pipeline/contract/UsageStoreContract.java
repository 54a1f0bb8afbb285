package io.sluice.core.pipeline.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.pipeline.BatchId;
import io.sluice.core.pipeline.UsageAggregator;
import io.sluice.core.pipeline.UsageDelta;
import io.sluice.core.pipeline.UsageStore;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What every {@link UsageStore} adapter must do (CDR-7, CDR-8). Extend it once per adapter. */
public abstract class UsageStoreContract {
    private static final long DAY = 20_000L * 86_400;

    protected abstract UsageStore store();

    /** Calls, answered, seconds, international calls, international seconds of one subscriber-day; zeros if absent. */
    protected abstract long[] usage(String msisdn, int epochDay);

    /** Attempts, answered, seconds of one route-hour; zeros if absent. */
    protected abstract long[] route(String route, long hourEpochSecond);

    private static UsageDelta delta(long keyBase, int records) {
        List<io.sluice.core.cdr.Cdr> cdrs = new java.util.ArrayList<>();
        for (int i = 0; i < records; i++) {
            cdrs.add(PortContracts.cdr(DAY + 3_600 + i, "+12125550100", "+442071234567", keyBase + i));
        }
        return new UsageAggregator().aggregate(cdrs);
    }

    @Test
    void appliesCounters() {
        store().apply(new BatchId("b-1"), delta(0, 3));
        assertThat(usage("+12125550100", 20_000)).containsExactly(3, 3, 180, 3, 180);
        assertThat(route("SIP/carrier", DAY + 3_600)).containsExactly(3, 3, 180);
    }

    @Test
    void replayedBatchChangesNothing() {
        UsageStore s = store();
        s.apply(new BatchId("b-2"), delta(0, 2));
        s.apply(new BatchId("b-2"), delta(0, 2));
        assertThat(usage("+12125550100", 20_000)).containsExactly(2, 2, 120, 2, 120);
    }

    @Test
    void differentBatchesAddUp() {
        UsageStore s = store();
        s.apply(new BatchId("b-3"), delta(0, 2));
        s.apply(new BatchId("b-4"), delta(10, 1));
        assertThat(usage("+12125550100", 20_000)).containsExactly(3, 3, 180, 3, 180);
        assertThat(route("SIP/carrier", DAY + 3_600)).containsExactly(3, 3, 180);
    }
}
