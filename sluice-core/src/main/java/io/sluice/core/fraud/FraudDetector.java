package io.sluice.core.fraud;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import io.sluice.core.cdr.Cdr;
import io.sluice.core.fraud.FraudState.DayUsage;
import io.sluice.core.fraud.FraudState.SubscriberDay;
import io.sluice.core.pipeline.BatchId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The fraud rules of CDR-10 over the accepted, de-duplicated records of one batch, with their state behind
 * {@link FraudState}. Both homes call it from the one ingestion path, in the batch's transaction where they have one,
 * with the records the batch accepted (a duplicate is never passed, so a record is seen once however often it
 * arrives, and a replayed batch, accepting nothing, raises nothing).
 *
 * <p>Event time: a batch's calls are kept, then every point whose window holds one of them is evaluated again over the
 * kept calls around it ({@link WindowRules}); what it finds joins the stored alerts of the same subscriber and rule
 * that lie within the cooldown of it. A joined alert keeps the identity, window and evidence of its earliest holding,
 * so the alerts depend on which calls exist, not on the order they came in. An alert is cleared once event time (the
 * latest call start a batch carries) passes its {@link FraudAlert#closesAt}; a late call that would have held within
 * the cooldown of a cleared alert joins it and raises nothing.
 *
 * <p>Alerts are not withdrawn when their calls are (a source taken again): an alert is a fact that was sent.
 */
public final class FraudDetector {
    private static final long DAY = 86_400;

    private final FraudRules rules;
    private final FraudState state;

    public FraudDetector(FraudRules rules, FraudState state) {
        this.rules = java.util.Objects.requireNonNull(rules, "rules");
        this.state = java.util.Objects.requireNonNull(state, "state");
    }

    /** What one evaluation changed: alerts raised (new) and cleared. */
    public record Result(int raised, int cleared) {
        public static final Result NONE = new Result(0, 0);
    }

    /** Keeps the batch's calls and evaluates every rule they could make hold. */
    public Result evaluate(BatchId batch, List<Cdr> accepted) {
        if (accepted.isEmpty() || !rules.any()) {
            return Result.NONE;
        }
        List<CallEvent> kept = new ArrayList<>();
        // Per subscriber-day: calls, seconds and the first and last record, folded without an object per record (the
        // keys' text is made for the first and last only).
        Map<SubscriberDay, DayFold> folds = new HashMap<>();
        long maxShort = rules.longestShortCall();
        boolean anyInternational = rules.anyInternationalOnly();
        long watermark = Long.MIN_VALUE;
        for (Cdr c : accepted) {
            watermark = Math.max(watermark, c.times().start());
            if (!c.caller().e164() || c.caller().text().isEmpty()) {
                continue; // no subscriber to alert on (CallEvent.of)
            }
            long start = c.times().start();
            long billsec = c.disposition() == io.sluice.core.cdr.Disposition.ANSWERED ? c.times().billsec() : 0;
            if (rules.spike() != null) {
                folds.computeIfAbsent(new SubscriberDay(c.caller().text(), (int) Math.floorDiv(start, DAY)), k -> new DayFold())
                        .add(c, start, billsec);
            }
            boolean intl = international(c);
            if (billsec <= maxShort || (intl && anyInternational)) {
                CallEvent e = CallEvent.of(c, intl);
                if (rules.keeps(e)) {
                    kept.add(e);
                }
            }
        }
        Map<SubscriberDay, DayUsage> usage = new HashMap<>(folds.size() * 2);
        folds.forEach((sd, f) -> usage.put(sd, f.usage()));
        Changes changes = new Changes();
        if (!kept.isEmpty() || !usage.isEmpty()) {
            state.record(batch, kept, usage);
            if (!kept.isEmpty() && !rules.windows().isEmpty()) {
                evaluateWindows(kept, changes);
            }
            if (rules.spike() != null && !usage.isEmpty()) {
                evaluateSpikes(usage.keySet(), changes);
            }
            if (!changes.deleted.isEmpty()) {
                state.delete(changes.deleted);
            }
            if (!changes.saved.isEmpty()) {
                state.save(changes.saved.values());
            }
        }
        // Every accepted call moves event time on, kept by a rule or not: alerts it passes clear.
        List<FraudAlert> closing = state.closingBy(watermark);
        if (!closing.isEmpty()) {
            state.save(closing.stream().map(FraudAlert::withCleared).toList());
        }
        return new Result(changes.raised, closing.size());
    }

    /**
     * The callee is abroad: in another country than the caller's home country when its profile names one, else than
     * the caller's number's country (what the normalizer decided).
     */
    static boolean international(Cdr c) {
        String home = c.subscriber().homeCountry();
        if (home == null || home.length() != 2 || !c.callee().e164()) {
            return c.international();
        }
        String region = c.callee().region();
        if (!region.isEmpty()) {
            return !region.equalsIgnoreCase(home);
        }
        int code = PhoneNumberUtil.getInstance().getCountryCodeForRegion(home.toUpperCase(Locale.ROOT));
        return code == 0 ? c.international() : c.callee().countryCode() != code;
    }

    private static final class Changes {
        final Map<String, FraudAlert> saved = new LinkedHashMap<>();
        final Set<String> deleted = new HashSet<>();
        int raised;
    }

    private void evaluateWindows(List<CallEvent> kept, Changes changes) {
        // The span of new qualifying calls per rule and subscriber; one load of the kept calls around all of them.
        Map<WindowRule, Map<String, long[]>> spans = new LinkedHashMap<>();
        long from = Long.MAX_VALUE;
        long to = Long.MIN_VALUE;
        Set<String> subscribers = new HashSet<>();
        for (WindowRule r : rules.windows()) {
            Map<String, long[]> bySub = new HashMap<>();
            for (CallEvent e : kept) {
                if (r.qualifies(e)) {
                    bySub.merge(e.subscriber(), new long[] {e.start(), e.start()},
                            (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
                    from = Math.min(from, e.start() - r.windowSeconds());
                    to = Math.max(to, e.start() + r.windowSeconds());
                }
            }
            if (!bySub.isEmpty()) {
                spans.put(r, bySub);
                subscribers.addAll(bySub.keySet());
            }
        }
        // Only subscribers with enough such calls in the whole span can hold (counted in the store, which has this
        // batch's calls already): their calls are read, not every subscriber's.
        subscribers.clear();
        for (var entry : spans.entrySet()) {
            WindowRule r = entry.getKey();
            int needed = r.doubleWeightPrefixes().isEmpty() ? r.minCalls() : (r.minCalls() + 1) / 2;
            Set<String> able = state.subscribersWith(entry.getValue().keySet(), from, to, r.internationalOnly(), r.maxBillsec(), needed);
            entry.getValue().keySet().retainAll(able);
            subscribers.addAll(entry.getValue().keySet());
        }
        if (subscribers.isEmpty()) {
            return;
        }
        Map<String, List<CallEvent>> calls = new HashMap<>();
        for (CallEvent e : state.calls(subscribers, from, to)) {
            calls.computeIfAbsent(e.subscriber(), k -> new ArrayList<>()).add(e);
        }
        for (var entry : spans.entrySet()) {
            WindowRule r = entry.getKey();
            long span = Math.max(r.windowSeconds(), rules.cooldown());
            Map<String, List<FraudAlert>> found = new HashMap<>();
            for (var sub : entry.getValue().entrySet()) {
                long lo = sub.getValue()[0];
                long hi = sub.getValue()[1] + r.windowSeconds();
                List<CallEvent> mine = new ArrayList<>();
                for (CallEvent e : calls.getOrDefault(sub.getKey(), List.of())) {
                    if (e.start() > lo - r.windowSeconds() && e.start() <= hi) {
                        mine.add(e);
                    }
                }
                for (Episode ep : WindowRules.episodes(mine, r, rules.cooldown())) {
                    if (ep.lastHeld() < lo) {
                        continue; // held before any new call: already judged when its own calls came
                    }
                    FraudAlert.Evidence ev = new FraudAlert.Evidence(ep.calls(), 0, ep.destinations(), ep.topDestinations(),
                            ep.firstKey(), ep.lastKey(), ep.peakCalls(), 0, 0, 0);
                    found.computeIfAbsent(ep.subscriber(), k -> new ArrayList<>()).add(new FraudAlert(
                            FraudAlert.identity(ep.subscriber(), r.name(), ep.firstHeld()), ep.subscriber(), r.name(), ep.windowStart(),
                            ep.firstHeld(), ep.firstHeld(), ep.lastHeld(), ep.lastHeld() + span, ev, false, false, false));
                }
            }
            join(r.name(), found, changes);
        }
    }

    private void evaluateSpikes(Set<SubscriberDay> touched, Changes changes) {
        SpikeRule s = rules.spike();
        Set<String> subscribers = new HashSet<>();
        int minDay = Integer.MAX_VALUE;
        int maxDay = Integer.MIN_VALUE;
        for (SubscriberDay sd : touched) {
            subscribers.add(sd.subscriber());
            minDay = Math.min(minDay, sd.day());
            maxDay = Math.max(maxDay, sd.day());
        }
        // A day is judged again when its own calls or those of a day in its history changed, and only if it has
        // the calls a spike needs: first the busy days (few), then the history of their subscribers alone.
        Map<String, Set<Integer>> days = new HashMap<>();
        int lo = Integer.MAX_VALUE;
        int hi = Integer.MIN_VALUE;
        for (SubscriberDay busy : state.busyDays(subscribers, minDay, maxDay + s.historyDays(), s.minCalls())) {
            boolean affected = false;
            for (int d = busy.day() - s.historyDays(); d <= busy.day() && !affected; d++) {
                affected = touched.contains(new SubscriberDay(busy.subscriber(), d));
            }
            if (affected) {
                days.computeIfAbsent(busy.subscriber(), k -> new java.util.TreeSet<>()).add(busy.day());
                lo = Math.min(lo, busy.day() - s.historyDays());
                hi = Math.max(hi, busy.day());
            }
        }
        if (days.isEmpty()) {
            return;
        }
        Map<SubscriberDay, DayUsage> usage = state.dailyUsage(days.keySet(), lo, hi);
        long span = Math.max(DAY, rules.cooldown());
        Map<String, List<FraudAlert>> found = new HashMap<>();
        for (var entry : days.entrySet()) {
            String sub = entry.getKey();
            for (int day : entry.getValue()) {
                DayUsage today = usage.get(new SubscriberDay(sub, day));
                if (today.calls() < s.minCalls()) {
                    continue;
                }
                List<Long> calls = new ArrayList<>();
                List<Long> seconds = new ArrayList<>();
                for (int d = day - s.historyDays(); d < day; d++) {
                    DayUsage u = usage.get(new SubscriberDay(sub, d));
                    if (u != null && u.calls() > 0) {
                        calls.add(u.calls());
                        seconds.add(u.seconds());
                    }
                }
                if (calls.size() < s.minHistoryDays()) {
                    continue;
                }
                double medianCalls = median(calls);
                double medianSeconds = median(seconds);
                boolean holds = today.calls() >= s.multiplier() * medianCalls
                        || (medianSeconds > 0 && today.seconds() >= s.multiplier() * medianSeconds);
                if (!holds) {
                    continue;
                }
                long start = day * DAY;
                // The day's totals as the state holds them now, the same whatever batches brought them; no top
                // destinations: the state keeps a day's counts, not its calls (a batch's own would differ by batching).
                FraudAlert.Evidence ev = new FraudAlert.Evidence(today.calls(), today.seconds(), 0, List.of(), today.firstKey(),
                        today.lastKey(), today.calls(), medianCalls, medianSeconds, calls.size());
                found.computeIfAbsent(sub, k -> new ArrayList<>()).add(new FraudAlert(FraudAlert.identity(sub, s.name(), start), sub, s.name(),
                        start, start + DAY, start, start + DAY - 1, start + DAY - 1 + span, ev, false, false, false));
            }
        }
        join(s.name(), found, changes);
    }

    /**
     * Joins what was found with the stored alerts of the same subscriber and rule within the cooldown of it: one alert
     * per stretch of holding, with the identity and evidence of its earliest holding.
     */
    private void join(String rule, Map<String, List<FraudAlert>> found, Changes changes) {
        if (found.isEmpty()) {
            return;
        }
        long from = Long.MAX_VALUE;
        long to = Long.MIN_VALUE;
        for (List<FraudAlert> list : found.values()) {
            for (FraudAlert a : list) {
                from = Math.min(from, a.firstHeld());
                to = Math.max(to, a.heldUntil());
            }
        }
        long cooldown = rules.cooldown();
        Map<String, List<FraudAlert>> stored = new HashMap<>();
        for (FraudAlert a : state.alerts(found.keySet(), rule, from - cooldown, to + cooldown)) {
            stored.computeIfAbsent(a.subscriber(), k -> new ArrayList<>()).add(a);
        }
        for (var entry : found.entrySet()) {
            List<FraudAlert> storedHere = stored.getOrDefault(entry.getKey(), List.of());
            Set<String> storedIds = new HashSet<>();
            List<FraudAlert> all = new ArrayList<>();
            for (FraudAlert a : storedHere) {
                // What this evaluation already changed stands for what the state still holds.
                FraudAlert current = changes.saved.getOrDefault(a.id(), a);
                if (!changes.deleted.contains(a.id())) {
                    all.add(current);
                    storedIds.add(a.id());
                }
            }
            all.addAll(entry.getValue());
            Set<FraudAlert> fresh = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            fresh.addAll(entry.getValue());
            all.sort(Comparator.comparingLong(FraudAlert::firstHeld)
                    .thenComparing(a -> storedIds.contains(a.id()) ? 0 : 1)
                    .thenComparing(FraudAlert::id));
            List<FraudAlert> group = new ArrayList<>();
            long groupUntil = Long.MIN_VALUE;
            for (FraudAlert a : all) {
                if (!group.isEmpty() && a.firstHeld() - groupUntil > cooldown) {
                    settle(group, storedIds, fresh, changes);
                    group.clear();
                }
                group.add(a);
                groupUntil = group.size() == 1 ? a.heldUntil() : Math.max(groupUntil, a.heldUntil());
            }
            settle(group, storedIds, fresh, changes);
        }
    }

    /**
     * One stretch of holding: the earliest alert keeps its identity; held-until, closing time and peak are the
     * largest of the group; when this evaluation found the keeper's own holding again ({@code fresh}, same identity),
     * its evidence replaces the stored one: it was computed over all the state holds now, which includes what the
     * earlier evaluation saw (a usage-spike day's totals grow as its calls arrive), so batching changes nothing.
     */
    private static void settle(List<FraudAlert> group, Set<String> storedIds, Set<FraudAlert> fresh, Changes changes) {
        FraudAlert keeper = group.get(0);
        FraudAlert.Evidence evidence = keeper.evidence();
        for (FraudAlert a : group) {
            if (fresh.contains(a) && a.id().equals(keeper.id())) {
                evidence = a.evidence();
            }
        }
        long heldUntil = keeper.heldUntil();
        long closesAt = keeper.closesAt();
        long peak = keeper.evidence().peakCalls();
        boolean raiseSent = false;
        boolean cleared = false;
        boolean clearSent = false;
        boolean anyStored = false;
        for (FraudAlert a : group) {
            heldUntil = Math.max(heldUntil, a.heldUntil());
            closesAt = Math.max(closesAt, a.closesAt());
            peak = Math.max(peak, a.evidence().peakCalls());
            if (storedIds.contains(a.id())) {
                anyStored = true;
                raiseSent |= a.raiseSent();
                cleared |= a.cleared();
                clearSent |= a.clearSent();
            }
        }
        FraudAlert merged = new FraudAlert(keeper.id(), keeper.subscriber(), keeper.rule(), keeper.windowStart(), keeper.windowEnd(),
                keeper.firstHeld(), heldUntil, closesAt, evidence.withPeak(peak), cleared, raiseSent, clearSent);
        for (FraudAlert a : group) {
            if (storedIds.contains(a.id()) && !a.id().equals(merged.id())) {
                changes.deleted.add(a.id());
                changes.saved.remove(a.id());
            }
        }
        boolean unchanged = storedIds.contains(keeper.id()) && keeper.equals(merged);
        if (!unchanged) {
            changes.saved.put(merged.id(), merged);
            changes.deleted.remove(merged.id());
        }
        if (!anyStored) {
            changes.raised++;
        }
    }

    private static double median(List<Long> values) {
        List<Long> v = new ArrayList<>(values);
        v.sort(null);
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2.0;
    }

    /** A subscriber-day's calls of one batch, folded as {@link DayUsage#plus} would (first and last by start, then key). */
    private static final class DayFold {
        long calls;
        long seconds;
        long firstStart = Long.MAX_VALUE;
        Cdr first;
        long lastStart = Long.MIN_VALUE;
        Cdr last;

        void add(Cdr c, long start, long billsec) {
            calls++;
            seconds += billsec;
            if (start < firstStart || (start == firstStart && keyOrder(c, first) < 0)) {
                firstStart = start;
                first = c;
            }
            if (start > lastStart || (start == lastStart && keyOrder(c, last) > 0)) {
                lastStart = start;
                last = c;
            }
        }

        /** The order of the keys' hex text: unsigned, high half first. */
        private static int keyOrder(Cdr a, Cdr b) {
            int hi = Long.compareUnsigned(a.key().hi(), b.key().hi());
            return hi != 0 ? hi : Long.compareUnsigned(a.key().lo(), b.key().lo());
        }

        DayUsage usage() {
            return new DayUsage(calls, seconds, firstStart, first.key().hex(), lastStart, last.key().hex());
        }
    }
}
