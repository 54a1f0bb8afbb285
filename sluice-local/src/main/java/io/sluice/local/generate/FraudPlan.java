package io.sluice.local.generate;

import io.sluice.local.generate.TrafficModel.Burst;
import io.sluice.local.generate.TrafficModel.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The labelled fraud of {@code sluice generate --fraud-rate} (CDR-10): which subscribers commit which fraud when, and
 * the decoys beside them, as bursts the generator places minute by minute like its other lines; and the labels file
 * that says so, for measuring the rules' precision and recall.
 *
 * <p>Per fraud kind {@code max(1, round(rate * subscribers / 3))} subscribers, each with one episode: an
 * {@code international-burst} (15-40 calls to premium international ranges in one night hour), a
 * {@code short-call-flood} (60-120 calls of at most 5 s to numbers drawn from the whole domestic pool, in 45 minutes of
 * a day) or a {@code usage-spike} (a day of ordinary calls 15 times the subscriber's expected day and 20 more, spread
 * over ten hours, on a day with a week of history before it). As many decoys of each kind, every day: steady
 * international callers (48 calls abroad in eight hours: 6 an hour, under the burst threshold) and steady heavy users
 * (150 ordinary calls in twelve hours). Fraudsters and decoys are distinct subscribers.
 */
final class FraudPlan {
    static final String HEADER = "subscriber,label,start_utc,calls";

    record Label(int subscriber, String label, long startEpoch, int calls) {
    }

    final List<Burst> bursts = new ArrayList<>();
    final List<Label> labels = new ArrayList<>();

    FraudPlan(GeneratorSpec spec, NumberPlan plan, DiurnalProfile diurnal, SplittableRandom rnd) {
        int n = plan.subscribers;
        int perKind = (int) Math.max(1, Math.round(spec.fraudRate() * n / 3));
        int days = spec.days();
        Set<Integer> taken = new HashSet<>();
        double perDay = (double) spec.records() / days;

        for (int i = 0; i < perKind; i++) {
            int who = pick(rnd, n, taken, List.of());
            long minute = diurnal.nightMinute(rnd);
            int calls = 15 + rnd.nextInt(26);
            add(new Burst(Kind.PREMIUM, who, minute, 60, calls, rnd.nextInt(4)), "international-burst", diurnal);
        }
        for (int i = 0; i < perKind; i++) {
            int who = pick(rnd, n, taken, List.of());
            int day = rnd.nextInt(days);
            long minute = day * 1440L + (9 + rnd.nextInt(9)) * 60L + rnd.nextInt(15);
            add(new Burst(Kind.FLOOD, who, minute, 45, 60 + rnd.nextInt(61), 0), "short-call-flood", diurnal);
        }
        // Spikes come from subscribers who call a few times every day, so that a week of history exists and a spike
        // stands out of it (the busiest ones when nobody does).
        List<Integer> steady = new ArrayList<>();
        for (int i = 0; i < n && steady.size() < 1_000_000; i++) {
            double e = TrafficModel.expectedPerDay(i, n, perDay);
            if (e >= 3 && e <= 20) {
                steady.add(i);
            }
        }
        for (int i = 0; i < perKind; i++) {
            int who = pick(rnd, n, taken, steady);
            double expected = TrafficModel.expectedPerDay(who, n, perDay);
            int calls = (int) Math.max(60, Math.ceil(15 * expected) + 20);
            int day = 7 + rnd.nextInt(days - 7);
            add(new Burst(Kind.SPIKE, who, day * 1440L + 8 * 60, 600, calls, 0), "usage-spike", diurnal);
        }
        for (int i = 0; i < perKind; i++) {
            int who = pick(rnd, n, taken, List.of());
            for (int d = 0; d < days; d++) {
                add(new Burst(Kind.STEADY_INTERNATIONAL, who, d * 1440L + 14 * 60, 480, 48, 0), d == 0 ? "decoy-steady-international" : null, diurnal);
            }
        }
        for (int i = 0; i < perKind; i++) {
            int who = pick(rnd, n, taken, List.of());
            for (int d = 0; d < days; d++) {
                add(new Burst(Kind.STEADY_HEAVY, who, d * 1440L + 12 * 60, 720, 150, 0), d == 0 ? "decoy-heavy-user" : null, diurnal);
            }
        }
    }

    /** Lines the plan adds to the traffic. */
    long lines() {
        long total = 0;
        for (Burst b : bursts) {
            total += b.calls();
        }
        return total;
    }

    private void add(Burst b, String label, DiurnalProfile diurnal) {
        bursts.add(b);
        if (label != null) {
            labels.add(new Label(b.caller(), label, diurnal.firstEpochSecond + b.startMinute() * 60, b.calls()));
        }
    }

    /**
     * A subscriber nobody else in the plan is: one of {@code preferred} when one is left, else the busiest one left
     * (lowest index) when {@code preferred} was asked for, else any.
     */
    private static int pick(SplittableRandom rnd, int n, Set<Integer> taken, List<Integer> preferred) {
        for (int tries = 0; tries < 64 && !preferred.isEmpty(); tries++) {
            int who = preferred.get(rnd.nextInt(preferred.size()));
            if (taken.add(who)) {
                return who;
            }
        }
        if (!preferred.isEmpty()) {
            for (int i = 0; i < n; i++) {
                if (taken.add(i)) {
                    return i;
                }
            }
        }
        int who;
        do {
            who = rnd.nextInt(n);
        } while (!taken.add(who));
        return who;
    }

    /** Writes the labels: one line per fraudster and decoy, subscriber in E.164. */
    void write(NumberPlan plan, Path file) throws IOException {
        StringBuilder b = new StringBuilder(HEADER).append('\n');
        for (Label l : labels) {
            b.append("+1").append(String.format("%010d", plan.subscriber(l.subscriber()))).append(',').append(l.label()).append(',')
                    .append(Instant.ofEpochSecond(l.startEpoch())).append(',').append(l.calls()).append('\n');
        }
        Files.writeString(file, b, StandardCharsets.US_ASCII);
    }
}
