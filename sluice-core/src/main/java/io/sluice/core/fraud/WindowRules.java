package io.sluice.core.fraud;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds where a {@link WindowRule} holds in one subscriber's calls (CDR-10), in event time: the result depends on the
 * set of calls only, never on the order they arrived in (replays, late files, out-of-order records give the same
 * episodes), because the calls are put in {@link CallEvent#EVENT_ORDER} first. Pure: the caller loads the calls (the
 * new ones and the stored ones within a window of them) and decides what an episode means for its stored alerts.
 */
public final class WindowRules {
    private WindowRules() {
    }

    /**
     * The episodes of {@code rule} in {@code events} (one subscriber's; other subscribers' calls are an error), holding
     * points closer than {@code cooldownSeconds} joined into one.
     */
    public static List<Episode> episodes(List<CallEvent> events, WindowRule rule, long cooldownSeconds) {
        List<CallEvent> q = new ArrayList<>();
        String subscriber = null;
        for (CallEvent e : events) {
            if (subscriber == null) {
                subscriber = e.subscriber();
            } else if (!subscriber.equals(e.subscriber())) {
                throw new IllegalArgumentException("Calls of two subscribers in one evaluation: " + subscriber + ", " + e.subscriber());
            }
            if (rule.qualifies(e)) {
                q.add(e);
            }
        }
        q.sort(CallEvent.EVENT_ORDER);

        List<Episode> out = new ArrayList<>();
        Map<String, Integer> inWindow = new HashMap<>();
        int lo = 0;
        int weight = 0;
        Episode open = null;
        for (int i = 0; i < q.size(); i++) {
            CallEvent e = q.get(i);
            weight += rule.weight(e);
            inWindow.merge(e.callee(), 1, Integer::sum);
            // The window ending at e: calls that started after e.start - window (inclusive of e's own second).
            while (q.get(lo).start() <= e.start() - rule.windowSeconds()) {
                CallEvent old = q.get(lo++);
                weight -= rule.weight(old);
                inWindow.computeIfPresent(old.callee(), (k, n) -> n == 1 ? null : n - 1);
            }
            if (weight < rule.minCalls() || inWindow.size() < rule.minDistinct()) {
                continue;
            }
            if (open != null && e.start() - open.lastHeld() <= cooldownSeconds) {
                open = new Episode(open.subscriber(), open.rule(), open.windowStart(), open.firstHeld(), e.start(),
                        e.start() + rule.windowSeconds(), open.calls(), open.destinations(), open.topDestinations(),
                        open.firstKey(), open.lastKey(), Math.max(open.peakCalls(), weight));
                out.set(out.size() - 1, open);
            } else {
                open = new Episode(subscriber, rule.name(), q.get(lo).start(), e.start(), e.start(),
                        e.start() + rule.windowSeconds(), weight, inWindow.size(), top(inWindow, 3), q.get(lo).key(), e.key(), weight);
                out.add(open);
            }
        }
        return out;
    }

    private static List<String> top(Map<String, Integer> counts, int n) {
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
                .limit(n).map(Map.Entry::getKey).toList();
    }
}
