package io.sluice.aws.dynamodb;

import java.util.List;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;

/**
 * Counts what the adapters write: items written (claims, aggregates, dead letters) and the write capacity
 * DynamoDB reports for them ({@code ReturnConsumedCapacity TOTAL}). The benchmark of pre-aggregation reads it;
 * a function can publish it as a metric.
 */
public final class WriteMeter {
    private final LongAdder claimItems = new LongAdder();
    private final LongAdder aggregateItems = new LongAdder();
    private final LongAdder otherItems = new LongAdder();
    private final LongAdder calls = new LongAdder();
    private final DoubleAdder capacityUnits = new DoubleAdder();

    void claims(int n) {
        claimItems.add(n);
    }

    void aggregates(int n) {
        aggregateItems.add(n);
    }

    void other(int n) {
        otherItems.add(n);
    }

    void call(List<ConsumedCapacity> consumed) {
        calls.increment();
        if (consumed != null) {
            for (ConsumedCapacity c : consumed) {
                if (c.capacityUnits() != null) {
                    capacityUnits.add(c.capacityUnits());
                }
            }
        }
    }

    public long claimItems() {
        return claimItems.sum();
    }

    public long aggregateItems() {
        return aggregateItems.sum();
    }

    public long otherItems() {
        return otherItems.sum();
    }

    public long calls() {
        return calls.sum();
    }

    /** Capacity units DynamoDB reported as consumed by the metered writes (0 where it reports none). */
    public double capacityUnits() {
        return capacityUnits.sum();
    }
}
