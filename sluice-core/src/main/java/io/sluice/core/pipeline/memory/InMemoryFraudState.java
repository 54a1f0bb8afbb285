package io.sluice.core.pipeline.memory;

import io.sluice.core.fraud.CallEvent;
import io.sluice.core.fraud.FraudAlert;
import io.sluice.core.fraud.FraudState;
import io.sluice.core.pipeline.BatchId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@link FraudState} in memory: the reference the contract suite is written against, and for tests. Not bounded. */
public final class InMemoryFraudState implements FraudState {
    private final Map<String, CallEvent> calls = new LinkedHashMap<>();
    private final Set<BatchId> usageBatches = new HashSet<>();
    private final Map<SubscriberDay, DayUsage> usage = new HashMap<>();
    private final Map<String, FraudAlert> alerts = new LinkedHashMap<>();

    @Override
    public synchronized void record(BatchId batch, List<CallEvent> events, Map<SubscriberDay, DayUsage> dayUsage) {
        for (CallEvent e : events) {
            calls.putIfAbsent(e.key(), e);
        }
        if (usageBatches.add(batch)) {
            dayUsage.forEach((k, v) -> usage.merge(k, v, DayUsage::plus));
        }
    }

    @Override
    public synchronized List<CallEvent> calls(Set<String> subscribers, long from, long to) {
        List<CallEvent> out = new ArrayList<>();
        for (CallEvent e : calls.values()) {
            if (subscribers.contains(e.subscriber()) && e.start() >= from && e.start() <= to) {
                out.add(e);
            }
        }
        return out;
    }

    @Override
    public synchronized Set<String> subscribersWith(Set<String> among, long from, long to, boolean internationalOnly,
                                                    long maxBillsec, int minCalls) {
        Map<String, Integer> counts = new HashMap<>();
        for (CallEvent e : calls.values()) {
            if (among.contains(e.subscriber()) && e.start() >= from && e.start() <= to && (!internationalOnly || e.international())
                    && (maxBillsec < 0 || e.billsec() <= maxBillsec)) {
                counts.merge(e.subscriber(), 1, Integer::sum);
            }
        }
        Set<String> out = new HashSet<>();
        counts.forEach((sub, n) -> {
            if (n >= minCalls) {
                out.add(sub);
            }
        });
        return out;
    }

    @Override
    public synchronized Map<SubscriberDay, DayUsage> dailyUsage(Set<String> subscribers, int fromDay, int toDay) {
        Map<SubscriberDay, DayUsage> out = new HashMap<>();
        usage.forEach((k, v) -> {
            if (subscribers.contains(k.subscriber()) && k.day() >= fromDay && k.day() <= toDay) {
                out.put(k, v);
            }
        });
        return out;
    }

    @Override
    public synchronized Set<SubscriberDay> busyDays(Set<String> subscribers, int fromDay, int toDay, long minCalls) {
        Set<SubscriberDay> out = new java.util.HashSet<>();
        dailyUsage(subscribers, fromDay, toDay).forEach((k, v) -> {
            if (v.calls() >= minCalls) {
                out.add(k);
            }
        });
        return out;
    }

    @Override
    public synchronized List<FraudAlert> alerts(Set<String> subscribers, String rule, long from, long to) {
        return alerts.values().stream().filter(a -> subscribers.contains(a.subscriber()) && a.rule().equals(rule)
                && a.heldUntil() >= from && a.firstHeld() <= to).toList();
    }

    @Override
    public synchronized List<FraudAlert> closingBy(long time) {
        return alerts.values().stream().filter(a -> !a.cleared() && a.closesAt() <= time).toList();
    }

    @Override
    public synchronized List<FraudAlert> undelivered() {
        return alerts.values().stream().filter(FraudAlert::undelivered).toList();
    }

    @Override
    public synchronized void save(Collection<FraudAlert> list) {
        for (FraudAlert a : list) {
            alerts.put(a.id(), a);
        }
    }

    @Override
    public synchronized void delete(Collection<String> ids) {
        ids.forEach(alerts::remove);
    }

    /** Every stored alert, in the order first saved. */
    public synchronized List<FraudAlert> all() {
        return List.copyOf(alerts.values());
    }
}
