package io.sluice.core.fraud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** CDR-10: the windowed rules in event time, with the cooldown that keeps one episode one alert. */
class WindowRulesTest {
    private static final String SUB = "+15550100001";
    private static final long T0 = 1_780_000_000L;
    private static final long SIX_HOURS = 6 * 3600;
    private static final WindowRule BURST = WindowRule.internationalBurst(List.of());
    private static final WindowRule FLOOD = WindowRule.shortCallFlood();

    private static CallEvent intl(int i, long start) {
        return new CallEvent(SUB, start, "+4420700000" + String.format("%02d", i % 100), 60, true, key(i));
    }

    private static CallEvent shortCall(int i, long start, String callee, long billsec) {
        return new CallEvent(SUB, start, callee, billsec, false, key(i));
    }

    private static String key(int i) {
        return String.format("%032x", i);
    }

    /** n international calls, one every {@code gap} seconds from {@code from}, keys from {@code firstKey}. */
    private static List<CallEvent> intlCalls(int n, long from, long gap, int firstKey) {
        List<CallEvent> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(intl(firstKey + i, from + i * gap));
        }
        return out;
    }

    @Test
    void nineInternationalCallsInAnHourAreNothingAndTheTenthRaisesOneEpisode() {
        assertThat(WindowRules.episodes(intlCalls(9, T0, 60, 0), BURST, SIX_HOURS)).isEmpty();

        List<Episode> e = WindowRules.episodes(intlCalls(10, T0, 60, 0), BURST, SIX_HOURS);
        assertThat(e).hasSize(1);
        Episode ep = e.get(0);
        assertThat(ep.rule()).isEqualTo("international-burst");
        assertThat(ep.subscriber()).isEqualTo(SUB);
        assertThat(ep.windowStart()).isEqualTo(T0);
        assertThat(ep.firstHeld()).isEqualTo(T0 + 9 * 60);
        assertThat(ep.calls()).isEqualTo(10);
        assertThat(ep.destinations()).isEqualTo(10);
        assertThat(ep.firstKey()).isEqualTo(key(0));
        assertThat(ep.lastKey()).isEqualTo(key(9));
        assertThat(ep.clearsAt()).isEqualTo(ep.lastHeld() + 3600);
    }

    @Test
    void tenCallsSpreadOverMoreThanAnHourNeverHold() {
        // One every 400 s: any 60-minute window holds at most 9 of them.
        assertThat(WindowRules.episodes(intlCalls(30, T0, 400, 0), BURST, SIX_HOURS)).isEmpty();
        // The window is (t - 3600, t]: ten calls exactly 3600 s apart end to end do not share one.
        assertThat(WindowRules.episodes(intlCalls(10, T0, 400, 0), BURST, SIX_HOURS)).isEmpty();
    }

    @Test
    void domesticCallsDoNotCountTowardsTheBurst() {
        List<CallEvent> calls = new ArrayList<>(intlCalls(9, T0, 60, 0));
        calls.add(new CallEvent(SUB, T0 + 600, "+15550199999", 60, false, key(99)));
        assertThat(WindowRules.episodes(calls, BURST, SIX_HOURS)).isEmpty();
    }

    @Test
    void aHighRiskRangeCountsDouble() {
        WindowRule withRanges = WindowRule.internationalBurst(List.of("+53"));
        List<CallEvent> calls = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            calls.add(new CallEvent(SUB, T0 + i * 60, "+5351234" + i, 10, true, key(i)));
        }
        assertThat(WindowRules.episodes(calls, BURST, SIX_HOURS)).isEmpty();
        List<Episode> e = WindowRules.episodes(calls, withRanges, SIX_HOURS);
        assertThat(e).hasSize(1);
        assertThat(e.get(0).calls()).isEqualTo(10);
    }

    @Test
    void aRuleThatKeepsHoldingOrFlapsWithinTheCooldownIsOneEpisode() {
        // Twelve hours of calls every 5 minutes: it holds all along.
        List<Episode> steady = WindowRules.episodes(intlCalls(144, T0, 300, 0), BURST, SIX_HOURS);
        assertThat(steady).hasSize(1);
        assertThat(steady.get(0).lastHeld()).isEqualTo(T0 + 143 * 300);

        // Two bursts 3 hours apart: one episode; 7 hours apart: two.
        List<CallEvent> near = new ArrayList<>(intlCalls(10, T0, 60, 0));
        near.addAll(intlCalls(10, T0 + 3 * 3600, 60, 100));
        assertThat(WindowRules.episodes(near, BURST, SIX_HOURS)).hasSize(1)
                .first().satisfies(ep -> assertThat(ep.peakCalls()).isEqualTo(10));
        List<CallEvent> far = new ArrayList<>(intlCalls(10, T0, 60, 0));
        far.addAll(intlCalls(10, T0 + 7 * 3600, 60, 100));
        assertThat(WindowRules.episodes(far, BURST, SIX_HOURS)).hasSize(2);
    }

    @Test
    void theShortCallFloodNeedsShortCallsAndDistinctDestinations() {
        List<CallEvent> toFew = new ArrayList<>();
        List<CallEvent> toMany = new ArrayList<>();
        List<CallEvent> tooLong = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            toFew.add(shortCall(i, T0 + i * 30, "+1555020000" + (i % 10), 2));
            toMany.add(shortCall(i, T0 + i * 30, "+155502000" + String.format("%02d", i), i % 2 == 0 ? 0 : 5));
            tooLong.add(shortCall(i, T0 + i * 30, "+155502000" + String.format("%02d", i), 6));
        }
        assertThat(WindowRules.episodes(toFew, FLOOD, SIX_HOURS)).as("only 10 destinations").isEmpty();
        assertThat(WindowRules.episodes(tooLong, FLOOD, SIX_HOURS)).as("6 s calls are not short").isEmpty();
        List<Episode> e = WindowRules.episodes(toMany, FLOOD, SIX_HOURS);
        assertThat(e).hasSize(1);
        assertThat(e.get(0).calls()).isEqualTo(50);
        assertThat(e.get(0).destinations()).isEqualTo(50);
        assertThat(e.get(0).topDestinations()).hasSize(3);
    }

    @Test
    void anyArrivalOrderOfTheSameCallsGivesTheSameEpisodes() {
        List<CallEvent> calls = new ArrayList<>();
        calls.addAll(intlCalls(12, T0, 200, 0));
        calls.addAll(intlCalls(15, T0 + 8 * 3600, 100, 200));
        calls.addAll(intlCalls(40, T0 - 86_400, 900, 400)); // a steady caller's earlier day: never holds
        // Ties in time: the key orders them.
        calls.add(intl(900, T0 + 200));
        calls.add(intl(901, T0 + 200));
        List<Episode> expected = WindowRules.episodes(calls, BURST, SIX_HOURS);
        assertThat(expected).hasSize(2);
        Random rnd = new Random(7);
        for (int i = 0; i < 50; i++) {
            List<CallEvent> shuffled = new ArrayList<>(calls);
            Collections.shuffle(shuffled, rnd);
            assertThat(WindowRules.episodes(shuffled, BURST, SIX_HOURS)).isEqualTo(expected);
        }
    }

    @Test
    void callsOfTwoSubscribersInOneEvaluationAreABug() {
        List<CallEvent> calls = List.of(intl(1, T0), new CallEvent("+15550100002", T0, "+442070000001", 1, true, key(2)));
        assertThatThrownBy(() -> WindowRules.episodes(calls, BURST, SIX_HOURS)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("two subscribers");
    }
}
