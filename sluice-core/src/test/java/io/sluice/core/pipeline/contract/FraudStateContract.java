package io.sluice.core.pipeline.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.fraud.CallEvent;
import io.sluice.core.fraud.FraudAlert;
import io.sluice.core.fraud.FraudState;
import io.sluice.core.fraud.FraudState.DayUsage;
import io.sluice.core.fraud.FraudState.SubscriberDay;
import io.sluice.core.pipeline.BatchId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What every {@link FraudState} adapter must do (CDR-10). Extend it once per adapter. */
public abstract class FraudStateContract {
    private static final String A = "+15550100001";
    private static final String B = "+15550100002";
    private static final long T = 20_000L * 86_400;

    protected abstract FraudState state();

    private static CallEvent call(String sub, long start, String key) {
        return new CallEvent(sub, start, "+442071234567", 3, true, key);
    }

    private static String key(int i) {
        return String.format("%032x", i);
    }

    private static FraudAlert alert(String sub, String rule, long firstHeld, long heldUntil, long closesAt) {
        return new FraudAlert(FraudAlert.identity(sub, rule, firstHeld), sub, rule, firstHeld - 600, firstHeld, firstHeld, heldUntil, closesAt,
                new FraudAlert.Evidence(10, 0, 3, List.of("+442071234567", "+33142000000"), key(1), key(2), 12, 0, 0, 0),
                false, false, false);
    }

    @Test
    void keepsCallsByKeyAndFindsThemBySubscriberAndTime() {
        FraudState s = state();
        s.record(new BatchId("b1"), List.of(call(A, T, key(1)), call(A, T + 100, key(2)), call(B, T + 50, key(3))), Map.of());
        s.record(new BatchId("b2"), List.of(call(A, T + 100, key(2)), call(A, T + 7200, key(4))), Map.of());

        assertThat(s.calls(Set.of(A), T, T + 100)).extracting(CallEvent::key).containsExactlyInAnyOrder(key(1), key(2));
        assertThat(s.calls(Set.of(A, B), T, T + 7200)).extracting(CallEvent::key)
                .containsExactlyInAnyOrder(key(1), key(2), key(3), key(4));
        assertThat(s.calls(Set.of(B), T + 51, T + 9999)).isEmpty();
        CallEvent back = s.calls(Set.of(B), T, T + 50).get(0);
        assertThat(back).isEqualTo(call(B, T + 50, key(3)));
        // A has two calls in [T, T + 100] and three in all (key 2 twice is one); B one. All international, billed 3 s.
        Set<String> both = Set.of(A, B);
        assertThat(s.subscribersWith(both, T, T + 7200, true, -1, 3)).containsExactly(A);
        assertThat(s.subscribersWith(both, T, T + 100, true, 5, 2)).containsExactly(A);
        assertThat(s.subscribersWith(both, T, T + 7200, false, 5, 1)).containsExactlyInAnyOrder(A, B);
        assertThat(s.subscribersWith(Set.of(B), T, T + 7200, false, 5, 1)).as("only among those asked").containsExactly(B);
        assertThat(s.subscribersWith(both, T, T + 7200, false, 2, 1)).as("billed over 2 s").isEmpty();
    }

    @Test
    void addsDailyUsageOncePerBatch() {
        FraudState s = state();
        SubscriberDay d = new SubscriberDay(A, 20_000);
        s.record(new BatchId("u1"), List.of(), Map.of(d, new DayUsage(3, 30, T + 10, key(5), T + 90, key(6))));
        s.record(new BatchId("u1"), List.of(), Map.of(d, new DayUsage(3, 30, T + 10, key(5), T + 90, key(6))));
        s.record(new BatchId("u2"), List.of(), Map.of(d, new DayUsage(2, 5, T + 5, key(7), T + 20, key(8)),
                new SubscriberDay(A, 20_001), new DayUsage(1, 1, T + 86_400, key(9), T + 86_400, key(9))));

        Map<SubscriberDay, DayUsage> u = s.dailyUsage(Set.of(A, B), 20_000, 20_000);
        assertThat(u).containsOnlyKeys(d);
        assertThat(u.get(d)).isEqualTo(new DayUsage(5, 35, T + 5, key(7), T + 90, key(6)));
        assertThat(s.dailyUsage(Set.of(A), 19_990, 20_010)).hasSize(2);
        assertThat(s.dailyUsage(Set.of(B), 19_990, 20_010)).isEmpty();
        // Busy days count a day's calls over every batch: 3 + 2 on day 20000.
        assertThat(s.busyDays(Set.of(A, B), 19_990, 20_010, 5)).containsExactly(d);
        assertThat(s.busyDays(Set.of(A, B), 19_990, 20_010, 6)).isEmpty();
        assertThat(s.busyDays(Set.of(A), 20_001, 20_010, 1)).containsExactly(new SubscriberDay(A, 20_001));
    }

    @Test
    void savesReplacesFindsAndDeletesAlerts() {
        FraudState s = state();
        FraudAlert a = alert(A, "international-burst", T, T + 600, T + 600 + 21_600);
        FraudAlert b = alert(A, "short-call-flood", T, T + 600, T + 600 + 21_600);
        FraudAlert c = alert(B, "international-burst", T + 50_000, T + 50_000, T + 71_600);
        s.save(List.of(a, b, c));

        assertThat(s.alerts(Set.of(A), "international-burst", T + 600, T + 700)).containsExactly(a);
        assertThat(s.alerts(Set.of(A), "international-burst", T + 601, T + 700)).isEmpty();
        assertThat(s.alerts(Set.of(A, B), "international-burst", T - 10_000, T)).containsExactly(a);
        assertThat(s.alerts(Set.of(A, B), "international-burst", T, T + 50_000)).containsExactlyInAnyOrder(a, c);

        FraudAlert cleared = a.withCleared();
        s.save(List.of(cleared));
        assertThat(s.alerts(Set.of(A), "international-burst", T, T)).containsExactly(cleared);

        s.delete(List.of(b.id(), FraudAlert.identity(B, "short-call-flood", 1)));
        assertThat(s.alerts(Set.of(A), "short-call-flood", 0, Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void closingByListsOnlyOpenAlertsDue() {
        FraudState s = state();
        FraudAlert due = alert(A, "international-burst", T, T, T + 100);
        FraudAlert later = alert(B, "international-burst", T, T, T + 200);
        FraudAlert done = alert(A, "short-call-flood", T, T, T + 50).withCleared();
        s.save(List.of(due, later, done));
        assertThat(s.closingBy(T + 100)).containsExactly(due);
        assertThat(s.closingBy(T + 99)).isEmpty();
    }

    @Test
    void undeliveredListsRaisesAndClearsOwed() {
        FraudState s = state();
        FraudAlert fresh = alert(A, "international-burst", T, T, T + 100);
        FraudAlert sent = alert(B, "international-burst", T, T, T + 100).delivered();
        FraudAlert clearOwed = alert(A, "short-call-flood", T, T, T + 100).delivered().withCleared();
        s.save(List.of(fresh, sent, clearOwed));
        assertThat(s.undelivered()).containsExactlyInAnyOrder(fresh, clearOwed);

        s.markDelivered(fresh);
        s.markDelivered(clearOwed);
        assertThat(s.undelivered()).isEmpty();
        FraudAlert back = s.alerts(Set.of(A), "short-call-flood", 0, Long.MAX_VALUE).get(0);
        assertThat(back.cleared()).isTrue();
        assertThat(back.clearSent()).isTrue();
        assertThat(back.evidence()).isEqualTo(clearOwed.evidence());
    }
}
