package io.sluice.core.fraud;

import io.sluice.core.pipeline.BatchId;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where the fraud rules keep their state (CDR-10): the calls the windowed rules look at, each subscriber's daily usage,
 * and the alerts. The embedded store on one machine, DynamoDB on AWS; {@code FraudStateContract} is the suite every
 * adapter passes. Writes join the caller's transaction where the home has one (the local store), so a batch's
 * calls, usage and alerts commit or vanish together.
 */
public interface FraudState {

    /**
     * Keeps what a batch of accepted records adds: the calls some windowed rule may look at, and the calls and billed
     * seconds per subscriber-day. Recording a call whose key is kept already changes nothing, and a batch id recorded
     * before adds no usage, so a replayed batch adds nothing.
     */
    void record(BatchId batch, List<CallEvent> calls, Map<SubscriberDay, DayUsage> usage);

    /** The kept calls of these subscribers that started in {@code [from, to]} (epoch seconds), in any order. */
    List<CallEvent> calls(Set<String> subscribers, long from, long to);

    /**
     * The subscribers among {@code among} with at least {@code minCalls} kept calls in {@code [from, to]} that are
     * international (when {@code internationalOnly}) and billed at most {@code maxBillsec} seconds (unless it is
     * negative): those a windowed rule can hold for, found before their calls are read. It may answer more of
     * {@code among} than that, never fewer.
     */
    Set<String> subscribersWith(Set<String> among, long from, long to, boolean internationalOnly, long maxBillsec, int minCalls);

    /** Calls and billed seconds per subscriber and UTC day (days since 1970-01-01) in {@code [fromDay, toDay]}. */
    Map<SubscriberDay, DayUsage> dailyUsage(Set<String> subscribers, int fromDay, int toDay);

    /**
     * The subscriber-days among these subscribers in {@code [fromDay, toDay]} with at least {@code minCalls} calls: the
     * only days a usage spike can hold on, found without reading every quiet day.
     */
    Set<SubscriberDay> busyDays(Set<String> subscribers, int fromDay, int toDay, long minCalls);

    /**
     * The stored alerts of {@code rule} for these subscribers whose holding, {@code [firstHeld, heldUntil]}, overlaps
     * {@code [from, to]}.
     */
    List<FraudAlert> alerts(Set<String> subscribers, String rule, long from, long to);

    /** Alerts not cleared yet whose {@link FraudAlert#closesAt} is at or before {@code time}. */
    List<FraudAlert> closingBy(long time);

    /** Alerts that owe a notification ({@link FraudAlert#undelivered}). */
    List<FraudAlert> undelivered();

    /** Inserts or replaces alerts by id. */
    void save(Collection<FraudAlert> alerts);

    /** Removes alerts by id (joined into another one). */
    void delete(Collection<String> ids);

    /**
     * Marks an alert's owed notifications sent ({@link FraudAlert#delivered}). An adapter shared by concurrent writers
     * changes the two flags alone, so that a delivery never undoes what an evaluation saved meanwhile.
     */
    default void markDelivered(FraudAlert alert) {
        save(List.of(alert.delivered()));
    }

    /** A subscriber on one UTC day. */
    record SubscriberDay(String subscriber, int day) {
    }

    /**
     * A subscriber-day's calls and billed seconds, and its first and last call in event order (for evidence).
     */
    record DayUsage(long calls, long seconds, long firstStart, String firstKey, long lastStart, String lastKey) {

        /** One call. */
        public static DayUsage of(CallEvent e) {
            return new DayUsage(1, e.billsec(), e.start(), e.key(), e.start(), e.key());
        }

        /** Both together: counts add, the earliest first and the latest last call stay (ties by key). */
        public DayUsage plus(DayUsage o) {
            boolean firstMine = firstStart < o.firstStart || (firstStart == o.firstStart && firstKey.compareTo(o.firstKey) <= 0);
            boolean lastMine = lastStart > o.lastStart || (lastStart == o.lastStart && lastKey.compareTo(o.lastKey) >= 0);
            return new DayUsage(calls + o.calls, seconds + o.seconds, firstMine ? firstStart : o.firstStart,
                    firstMine ? firstKey : o.firstKey, lastMine ? lastStart : o.lastStart, lastMine ? lastKey : o.lastKey);
        }
    }
}
