package io.sluice.core.fraud;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.cdr.CallTimes;
import io.sluice.core.cdr.Cdr;
import io.sluice.core.cdr.Disposition;
import io.sluice.core.cdr.NormalizedNumber;
import io.sluice.core.cdr.RecordKey;
import io.sluice.core.cdr.SubscriberProfile;
import io.sluice.core.pipeline.BatchId;
import io.sluice.core.pipeline.Notifier;
import io.sluice.core.pipeline.memory.InMemoryFraudState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** CDR-10: the detector over batches of accepted records, with its state, joins and clears. */
class FraudDetectorTest {
    private static final String SUB = "+15550100001";
    private static final long T0 = 20_000L * 86_400 + 8 * 3600;
    private static final long HOUR = 3600;

    private static int seq;

    static Cdr call(String caller, long start, String callee, int cc, String region, boolean answered, int billsec) {
        long k = ++seq;
        CallTimes t = answered ? new CallTimes(start, start + 2, start + 2 + billsec, billsec + 2, billsec)
                : new CallTimes(start, CallTimes.NOT_ANSWERED, start + 20, 20, 0);
        return new Cdr("t.csv", k, t, answered ? Disposition.ANSWERED : Disposition.NO_ANSWER,
                new NormalizedNumber(caller, true, 1, "US"), new NormalizedNumber(callee, true, cc, region), "SIP/x", "",
                "u" + k, cc != 1, new RecordKey(start, k), Cdr.UNKNOWN_SUBSCRIBER, SubscriberProfile.unknown(caller));
    }

    static Cdr intl(String caller, long start, int i) {
        return call(caller, start, "+4420712345" + String.format("%02d", i % 100), 44, "GB", true, 120);
    }

    static Cdr domestic(String caller, long start, int i, boolean answered, int billsec) {
        return call(caller, start, "+1212555" + String.format("%04d", i % 10_000), 1, "US", answered, billsec);
    }

    /** n international calls from {@code from}, one every {@code gap} s. */
    static List<Cdr> burst(String caller, long from, int n, long gap) {
        List<Cdr> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(intl(caller, from + i * gap, i));
        }
        return out;
    }

    private static FraudDetector detector(InMemoryFraudState s) {
        return new FraudDetector(FraudRules.defaults(), s);
    }

    @Test
    void aBurstRaisesOneAlertWithItsWindowAndEvidence() {
        InMemoryFraudState s = new InMemoryFraudState();
        List<Cdr> calls = burst(SUB, T0, 12, 120);
        FraudDetector.Result r = detector(s).evaluate(new BatchId("b1"), calls);
        assertThat(r.raised()).isEqualTo(1);
        assertThat(s.all()).hasSize(1);
        FraudAlert a = s.all().get(0);
        assertThat(a.rule()).isEqualTo("international-burst");
        assertThat(a.subscriber()).isEqualTo(SUB);
        assertThat(a.windowStart()).isEqualTo(T0);
        assertThat(a.windowEnd()).isEqualTo(T0 + 9 * 120);
        assertThat(a.heldUntil()).isEqualTo(T0 + 11 * 120);
        assertThat(a.evidence().calls()).isEqualTo(10);
        assertThat(a.evidence().peakCalls()).isEqualTo(12);
        assertThat(a.evidence().firstKey()).isEqualTo(calls.get(0).key().hex());
        assertThat(a.evidence().lastKey()).isEqualTo(calls.get(9).key().hex());
        assertThat(a.evidence().topDestinations()).hasSize(3);
        assertThat(a.cleared()).isFalse();
    }

    @Test
    void nineCallsAndOrdinaryTrafficRaiseNothing() {
        InMemoryFraudState s = new InMemoryFraudState();
        List<Cdr> calls = new ArrayList<>(burst(SUB, T0, 9, 60));
        for (int i = 0; i < 200; i++) {
            calls.add(domestic(SUB, T0 + i * 30, i, true, 90));
        }
        assertThat(detector(s).evaluate(new BatchId("b1"), calls).raised()).isZero();
        assertThat(s.all()).isEmpty();
    }

    @Test
    void aRuleThatKeepsHoldingOrFlapsWithinTheCooldownIsOneAlert() {
        InMemoryFraudState s = new InMemoryFraudState();
        FraudDetector d = detector(s);
        // Holding for five hours, in hourly batches, then again 3 h after it last held (within the 6 h cooldown).
        for (int h = 0; h < 5; h++) {
            d.evaluate(new BatchId("h" + h), burst(SUB, T0 + h * HOUR, 15, 200));
        }
        d.evaluate(new BatchId("again"), burst(SUB, T0 + 8 * HOUR, 12, 60));
        assertThat(s.all()).hasSize(1);
        // Seven hours after it last held: a new alert.
        d.evaluate(new BatchId("later"), burst(SUB, T0 + 16 * HOUR, 12, 60));
        assertThat(s.all()).hasSize(2);
    }

    @Test
    void clearsOnceEventTimePassesAndTheNotifierHearsRaiseAndClearOnce() {
        InMemoryFraudState s = new InMemoryFraudState();
        FraudDetector d = detector(s);
        d.evaluate(new BatchId("b1"), burst(SUB, T0, 12, 60));
        List<Notifier.Alert> heard = new ArrayList<>();
        assertThat(FraudAlerts.deliver(s, heard::add).sent()).isEqualTo(1);
        assertThat(FraudAlerts.deliver(s, heard::add).sent()).isZero();

        // Other traffic moves event time 5 h on: not cleared yet (the cooldown is 6 h after it last held).
        FraudDetector.Result r = d.evaluate(new BatchId("b2"), List.of(domestic("+15550100999", T0 + 5 * HOUR, 1, true, 60)));
        assertThat(r.cleared()).isZero();
        r = d.evaluate(new BatchId("b3"), List.of(domestic("+15550100999", T0 + 8 * HOUR, 2, true, 60)));
        assertThat(r.cleared()).isEqualTo(1);
        assertThat(s.all().get(0).cleared()).isTrue();
        assertThat(FraudAlerts.deliver(s, heard::add).sent()).isEqualTo(1);
        assertThat(FraudAlerts.deliver(s, heard::add).sent()).isZero();
        assertThat(heard).extracting(a -> a.attributes().get("state")).containsExactly("raised", "cleared");
        assertThat(heard.get(0).subject()).isEqualTo("Sluice fraud: international-burst for " + SUB);
    }

    @Test
    void aBatchNoRuleKeepsStillMovesEventTimeOnAndClears() {
        // usage-spike off: a long domestic call is kept by no rule and adds no usage, yet its start is event time.
        InMemoryFraudState s = new InMemoryFraudState();
        FraudRules noSpike = FraudRules.parse(java.util.Map.of("usage-spike.enabled", "false"));
        FraudDetector d = new FraudDetector(noSpike, s);
        d.evaluate(new BatchId("b1"), burst(SUB, T0, 12, 60));
        FraudDetector.Result r = d.evaluate(new BatchId("b2"), List.of(domestic("+15550100999", T0 + 8 * HOUR, 1, true, 600)));
        assertThat(r.cleared()).isEqualTo(1);
        assertThat(s.all()).singleElement().satisfies(a -> assertThat(a.cleared()).isTrue());
    }

    @Test
    void aNotifierDownLeavesTheAlertOwedForTheNextRound() {
        InMemoryFraudState s = new InMemoryFraudState();
        detector(s).evaluate(new BatchId("b1"), burst(SUB, T0, 12, 60));
        FraudAlerts.Delivery failed = FraudAlerts.deliver(s, a -> {
            throw new IllegalStateException("webhook down");
        });
        assertThat(failed.sent()).isZero();
        assertThat(failed.failure()).hasMessage("webhook down");
        assertThat(s.undelivered()).hasSize(1);
        assertThat(FraudAlerts.deliver(s, a -> { }).sent()).isEqualTo(1);
    }

    @Test
    void aShortCallFloodNeedsFiftyShortCallsToThirtyDestinations() {
        InMemoryFraudState s = new InMemoryFraudState();
        List<Cdr> flood = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            // unanswered calls bill 0 s; answered ones of 3 s qualify too; 30 distinct numbers
            flood.add(domestic(SUB, T0 + i * 50, i % 30, i % 2 == 0, 3));
        }
        detector(s).evaluate(new BatchId("f"), flood);
        assertThat(s.all()).extracting(FraudAlert::rule).containsExactly("short-call-flood");
        assertThat(s.all().get(0).evidence().destinations()).isEqualTo(30);

        InMemoryFraudState few = new InMemoryFraudState();
        List<Cdr> sameNumbers = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            sameNumbers.add(domestic(SUB, T0 + i * 50, i % 29, false, 0));
        }
        detector(few).evaluate(new BatchId("f"), sameNumbers);
        assertThat(few.all()).isEmpty();
    }

    @Test
    void theSameCallsInAnyBatchingAndOrderGiveTheSameAlerts() {
        List<Cdr> all = new ArrayList<>();
        all.addAll(burst(SUB, T0, 14, 100));
        all.addAll(burst(SUB, T0 + 3 * HOUR, 11, 100));       // joins the first (within the cooldown)
        all.addAll(burst(SUB, T0 + 20 * HOUR, 10, 300));      // a second alert
        all.addAll(burst("+15550100002", T0 + HOUR, 9, 60));  // never holds
        for (int i = 0; i < 55; i++) {
            all.add(domestic("+15550100003", T0 + 2 * HOUR + i * 40, i % 35, false, 0));
        }
        for (int i = 0; i < 300; i++) {
            all.add(domestic("+15550100004", T0 + i * 200, i, true, 100));
        }
        InMemoryFraudState once = new InMemoryFraudState();
        detector(once).evaluate(new BatchId("all"), all);
        List<FraudAlert> expected = once.all().stream().sorted(java.util.Comparator.comparing(FraudAlert::id)).toList();
        assertThat(expected).extracting(FraudAlert::rule)
                .containsExactlyInAnyOrder("international-burst", "international-burst", "short-call-flood");

        for (int seed = 0; seed < 30; seed++) {
            Random rnd = new Random(seed);
            List<Cdr> shuffled = new ArrayList<>(all);
            Collections.shuffle(shuffled, rnd);
            InMemoryFraudState s = new InMemoryFraudState();
            FraudDetector d = detector(s);
            int i = 0;
            int b = 0;
            while (i < shuffled.size()) {
                int n = 1 + rnd.nextInt(80);
                d.evaluate(new BatchId("s" + seed + "-" + b++), shuffled.subList(i, Math.min(shuffled.size(), i + n)));
                i += n;
            }
            List<FraudAlert> got = s.all().stream().sorted(java.util.Comparator.comparing(FraudAlert::id))
                    .map(FraudDetectorTest::open).toList();
            assertThat(got).as("seed %d", seed).isEqualTo(expected.stream().map(FraudDetectorTest::open).toList());
        }
    }

    /** Clearing and delivery depend on how far event time had come; the alerts themselves must not. */
    private static FraudAlert open(FraudAlert a) {
        return new FraudAlert(a.id(), a.subscriber(), a.rule(), a.windowStart(), a.windowEnd(), a.firstHeld(), a.heldUntil(),
                a.closesAt(), a.evidence(), false, false, false);
    }

    @Test
    void aUsageSpikeNeedsFiveDaysOfHistoryAndTenTimesTheMedian() {
        InMemoryFraudState s = new InMemoryFraudState();
        FraudDetector d = detector(s);
        long day0 = 20_000L * 86_400;
        int k = 0;
        for (int day = 0; day < 7; day++) {
            List<Cdr> calls = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                calls.add(domestic(SUB, day0 + day * 86_400 + 9 * HOUR + i * 600, k++, true, 60));
            }
            d.evaluate(new BatchId("d" + day), calls);
        }
        assertThat(s.all()).isEmpty();
        List<Cdr> spike = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            spike.add(domestic(SUB, day0 + 7 * 86_400 + 9 * HOUR + i * 300, k++, true, 60));
        }
        d.evaluate(new BatchId("d7"), spike);
        assertThat(s.all()).extracting(FraudAlert::rule).containsExactly("usage-spike");
        FraudAlert a = s.all().get(0);
        assertThat(a.windowStart()).isEqualTo(day0 + 7 * 86_400);
        assertThat(a.evidence().calls()).isEqualTo(60);
        assertThat(a.evidence().baselineCalls()).isEqualTo(5.0);
        assertThat(a.evidence().historyDays()).isEqualTo(7);
        assertThat(a.evidence().firstKey()).isEqualTo(spike.get(0).key().hex());
        assertThat(a.evidence().lastKey()).isEqualTo(spike.get(59).key().hex());

        // With four days of history the same day is no spike.
        InMemoryFraudState young = new InMemoryFraudState();
        FraudDetector y = detector(young);
        for (int day = 3; day < 7; day++) {
            y.evaluate(new BatchId("d" + day), List.of(domestic(SUB, day0 + day * 86_400 + 9 * HOUR, k++, true, 60)));
        }
        y.evaluate(new BatchId("d7"), spike);
        assertThat(young.all()).isEmpty();
    }

    @Test
    void theProfilesHomeCountryDecidesWhatIsInternational() {
        Cdr toGermany = call(SUB, T0, "+4930123456", 49, "DE", true, 60);
        Cdr toUs = call(SUB, T0, "+12125550000", 1, "US", true, 60);
        assertThat(FraudDetector.international(toGermany)).isTrue();
        assertThat(FraudDetector.international(toUs)).isFalse();
        SubscriberProfile german = new SubscriberProfile(SUB, "p", "DE", "active");
        assertThat(FraudDetector.international(toGermany.withSubscriber(german, true))).isFalse();
        assertThat(FraudDetector.international(toUs.withSubscriber(german, true))).isTrue();
        Cdr satellite = call(SUB, T0, "+88216123456", 882, "", true, 60);
        assertThat(FraudDetector.international(satellite.withSubscriber(german, true))).isTrue();
    }
}
