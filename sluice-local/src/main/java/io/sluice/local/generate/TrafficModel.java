package io.sluice.local.generate;

import io.sluice.core.cdr.Disposition;
import java.util.SplittableRandom;

/**
 * Who calls whom, how the call ends and how long it lasts. Draws from the one seeded generator, and the same
 * draws whatever the output format, so that a seed gives the same traffic in every format.
 *
 * <p>Shape: callers skewed towards heavy users; destinations about 80% domestic (other subscribers and an
 * external pool five times the subscriber count), 12% international dialled with 011, 5% internal extensions
 * and 3% N11 short codes. Dispositions 70% answered, 15% no answer, 8% busy, 6% failed, 1% congestion.
 * Answered calls ring 0-30 s, then talk a log-normal time (median about 90 s) with a share of calls under 10 s.
 */
final class TrafficModel {

    /**
     * What a burst of one subscriber's calls is: premium international numbers (international revenue share fraud), short
     * calls to many domestic numbers (a SIM box or robodialer), a day of ordinary calls far above the subscriber's habit,
     * or one of the two steady decoys that look busy every day and are no fraud.
     */
    enum Kind { PREMIUM, FLOOD, SPIKE, STEADY_INTERNATIONAL, STEADY_HEAVY }

    /** Calls of one subscriber spread evenly over {@code minutes} minutes from {@code startMinute}. */
    record Burst(Kind kind, int caller, long startMinute, int minutes, int calls, int target) {
        /** A fraud-like burst of the unlabelled kind: premium international numbers within an hour. */
        Burst(int caller, long startMinute, int calls, int target) {
            this(Kind.PREMIUM, caller, startMinute, 60, calls, target);
        }

        int linesInMinute(long minute) {
            long k = minute - startMinute;
            if (k < 0 || k >= minutes) {
                return 0;
            }
            return (int) ((calls * (k + 1)) / minutes - (calls * k) / minutes);
        }
    }

    /** A destination range: country code, fixed leading digits of the national number, random digits after them. */
    private record Range(byte[] countryCode, byte[] lead, int randomDigits, int weight) {
        static Range of(String cc, String lead, int randomDigits, int weight) {
            return new Range(AsciiLine.ascii(cc), AsciiLine.ascii(lead), randomDigits, weight);
        }
    }

    private static final Range[] INTERNATIONAL = {
            Range.of("44", "7", 9, 10), Range.of("44", "20", 8, 6), Range.of("49", "30", 8, 4),
            Range.of("49", "1512", 7, 5), Range.of("33", "6", 8, 6), Range.of("91", "9", 9, 14),
            Range.of("234", "803", 7, 6), Range.of("52", "55", 8, 12), Range.of("52", "33", 8, 4),
            Range.of("63", "917", 7, 8), Range.of("86", "138", 8, 6), Range.of("55", "119", 8, 4),
            Range.of("353", "87", 7, 3), Range.of("61", "4", 8, 3), Range.of("81", "90", 8, 3),
            Range.of("39", "3", 9, 3)};
    private static final int INTERNATIONAL_WEIGHT = totalWeight(INTERNATIONAL);
    /** Destinations typical of international revenue share fraud: Cuba, Latvia, Guinea, Sierra Leone. */
    private static final Range[] PREMIUM = {
            Range.of("53", "5", 7, 1), Range.of("371", "2", 7, 1), Range.of("224", "62", 7, 1), Range.of("232", "76", 6, 1)};
    private static final int[] SHORT_CODES = {611, 611, 611, 611, 411, 411, 311, 311, 311, 511, 711, 911};
    private static final long[] POW10 = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000,
            1_000_000_000L, 10_000_000_000L};
    private static final byte[] INTERNATIONAL_PREFIX = AsciiLine.ascii("011");

    private static final byte[] NORMAL_CLEARING = AsciiLine.ascii("NORMAL_CLEARING");
    private static final byte[] NO_ANSWER = AsciiLine.ascii("NO_ANSWER");
    private static final byte[] NO_USER_RESPONSE = AsciiLine.ascii("NO_USER_RESPONSE");
    private static final byte[] USER_BUSY = AsciiLine.ascii("USER_BUSY");
    private static final byte[] CALL_REJECTED = AsciiLine.ascii("CALL_REJECTED");
    private static final byte[] UNALLOCATED_NUMBER = AsciiLine.ascii("UNALLOCATED_NUMBER");
    private static final byte[] NORMAL_TEMPORARY_FAILURE = AsciiLine.ascii("NORMAL_TEMPORARY_FAILURE");
    private static final byte[] NORMAL_CIRCUIT_CONGESTION = AsciiLine.ascii("NORMAL_CIRCUIT_CONGESTION");

    private static final long TAG_SUBSCRIBER = 1L << 56;
    private static final long TAG_EXTERNAL = 2L << 56;
    private static final long TAG_INTERNATIONAL = 3L << 56;
    private static final long TAG_PREMIUM = 4L << 56;
    private static final long TAG_EXTENSION = 5L << 56;
    private static final long TAG_SHORT_CODE = 6L << 56;

    private static final double MEDIAN_TALK_SECONDS = 90;
    private static final double TALK_SIGMA = 1.0;
    private static final int MAX_TALK_SECONDS = 4 * 3600;
    private static final int[] TALK_QUANTILES = talkQuantiles();

    private final SplittableRandom rnd;
    private final NumberPlan plan;
    private final boolean northAmerican;

    TrafficModel(SplittableRandom rnd, NumberPlan plan, boolean northAmerican) {
        this.rnd = rnd;
        this.plan = plan;
        this.northAmerican = northAmerican;
    }

    /** An ordinary call: caller, destination, outcome and durations; the start second is placed by the caller. */
    void ordinary(Call c) {
        int caller = skewed(plan.subscribers);
        setCaller(c, caller);
        destination(c);
        outcome(c);
    }

    /** One call of a burst, of its kind. */
    void burst(Call c, Burst b) {
        setCaller(c, b.caller());
        switch (b.kind()) {
            case PREMIUM -> premiumCall(c, b);
            case FLOOD -> {
                flood(c);
                shortOutcome(c);
            }
            case SPIKE, STEADY_HEAVY -> {
                destination(c);
                outcome(c);
            }
            case STEADY_INTERNATIONAL -> {
                abroad(c);
                outcome(c);
            }
        }
    }

    /** A premium-range call of a fraud burst: short, mostly answered. */
    private void premiumCall(Call c, Burst b) {
        premium(c, b);
        int r = rnd.nextInt(100);
        if (r < 85) {
            c.disposition = Disposition.ANSWERED;
            c.ring = 1 + rnd.nextInt(6);
            c.billsec = 3 + rnd.nextInt(43);
            c.duration = c.ring + c.billsec;
        } else if (r < 95) {
            c.disposition = Disposition.NO_ANSWER;
            c.ring = 0;
            c.billsec = 0;
            c.duration = 10 + rnd.nextInt(21);
        } else {
            c.disposition = Disposition.FAILED;
            c.ring = 0;
            c.billsec = 0;
            c.duration = rnd.nextInt(3);
        }
        hangupCause(c);
    }

    /** Picks another destination of the same kind, when (caller, start, callee) would repeat an earlier call. */
    void redial(Call c, Burst b) {
        if (b == null) {
            destination(c);
            return;
        }
        switch (b.kind()) {
            case PREMIUM -> premium(c, b);
            case FLOOD -> flood(c);
            case SPIKE, STEADY_HEAVY -> destination(c);
            case STEADY_INTERNATIONAL -> abroad(c);
        }
    }

    /** A domestic number of the external pool, drawn uniformly: a robodialer's list. */
    private void flood(Call c) {
        c.callee.clear();
        long j = rnd.nextLong(plan.externalPool);
        if (!northAmerican) {
            c.callee.ch('+').ch('1');
        }
        c.callee.digits(plan.external(j), 10);
        c.calleeId = TAG_EXTERNAL | j;
        c.route = rnd.nextInt(5) < 3 ? Route.CARRIER_A : Route.CARRIER_B;
    }

    /** Unanswered, or hung up within 5 s of the answer (Wangiri, SIM box probing). */
    private void shortOutcome(Call c) {
        if (rnd.nextInt(100) < 55) {
            c.disposition = Disposition.NO_ANSWER;
            c.ring = 0;
            c.billsec = 0;
            c.duration = 5 + rnd.nextInt(16);
        } else {
            c.disposition = Disposition.ANSWERED;
            c.ring = 1 + rnd.nextInt(3);
            c.billsec = 1 + rnd.nextInt(5);
            c.duration = c.ring + c.billsec;
        }
        hangupCause(c);
    }

    /** An ordinary international number, as destination() draws one. */
    private void abroad(Call c) {
        c.callee.clear();
        int pick = rnd.nextInt(INTERNATIONAL_WEIGHT);
        int i = 0;
        while (pick >= INTERNATIONAL[i].weight()) {
            pick -= INTERNATIONAL[i].weight();
            i++;
        }
        long digits = international(c, INTERNATIONAL[i]);
        c.calleeId = TAG_INTERNATIONAL | ((long) i << 40) | digits;
        c.route = Route.INTL_GW;
    }

    /**
     * The expected ordinary calls a day of subscriber {@code i} when {@code perDay} ordinary calls are made a day: the
     * caller draw of {@link #skewed} is half uniform, half {@code u^2}.
     */
    static double expectedPerDay(int i, int n, double perDay) {
        double share = 0.5 / n + 0.5 * (Math.sqrt((i + 1.0) / n) - Math.sqrt((double) i / n));
        return perDay * share;
    }

    /** The numeric part of a defect; the writers apply the textual ones. */
    void breakNumbers(Call c) {
        switch (c.defect) {
            case BILLSEC_OVER_DURATION -> c.billsec = c.duration + 1 + rnd.nextInt(60);
            case NEGATIVE_DURATION -> c.duration = -(1 + rnd.nextInt(60));
            case END_BEFORE_START -> c.end = c.start - 1 - rnd.nextInt(300);
            case EMPTY_DESTINATION -> {
                c.callee.clear();
                if ((c.variant & 1) == 1) {
                    c.callee.ch(' ');
                }
            }
            default -> { /* textual */ }
        }
    }

    /** Distinct subscribers for the bursts, each in a night hour (local time) of the traffic window. */
    Burst[] bursts(long records, DiurnalProfile diurnal) {
        int count = records >= 100_000 ? 5 : records >= 10_000 ? 3 : records >= 2_000 ? 1 : 0;
        count = Math.min(count, plan.subscribers);
        Burst[] bursts = new Burst[count];
        int perBurst = (int) Math.max(30, Math.min(400, records / 2_500));
        for (int i = 0; i < count; i++) {
            int caller;
            boolean fresh;
            do {
                caller = rnd.nextInt(plan.subscribers);
                fresh = true;
                for (int j = 0; j < i; j++) {
                    fresh &= bursts[j].caller() != caller;
                }
            } while (!fresh);
            long minute = diurnal.nightMinute(rnd);
            int calls = perBurst * 3 / 4 + rnd.nextInt(perBurst / 2 + 1);
            bursts[i] = new Burst(caller, minute, calls, rnd.nextInt(PREMIUM.length));
        }
        return bursts;
    }

    int nextInt(int bound) {
        return rnd.nextInt(bound);
    }

    private void setCaller(Call c, int caller) {
        c.caller = caller;
        c.callerNational = plan.subscriber(caller);
        c.callerTraits = plan.traits(caller);
        boolean e164 = rnd.nextInt(10) == 0;
        c.callerE164 = e164 || !northAmerican;
        c.callerText.clear();
        if (c.callerE164) {
            c.callerText.ch('+').ch('1');
        }
        c.callerText.digits(c.callerNational, 10);
    }

    private void destination(Call c) {
        c.callee.clear();
        int kind = rnd.nextInt(100);
        if (kind < 80) {
            long national;
            if (rnd.nextInt(10) < 3 && plan.subscribers > 1) {
                int other = skewed(plan.subscribers);
                if (other == c.caller) {
                    other = (other + 1) % plan.subscribers;
                }
                national = plan.subscriber(other);
                c.calleeId = TAG_SUBSCRIBER | other;
            } else {
                long j = skewed(plan.externalPool);
                national = plan.external(j);
                c.calleeId = TAG_EXTERNAL | j;
            }
            int form = rnd.nextInt(20);
            if (!northAmerican || form == 19) {
                c.callee.ch('+').ch('1');
            } else if (form >= 17) {
                c.callee.ch('1');
            }
            c.callee.digits(national, 10);
            c.route = rnd.nextInt(5) < 3 ? Route.CARRIER_A : Route.CARRIER_B;
        } else if (kind < 92) {
            abroad(c);
        } else if (kind < 97) {
            int extension = rnd.nextInt(10) < 7 ? 100 + rnd.nextInt(900) : 1000 + rnd.nextInt(1000);
            c.callee.num(extension);
            c.calleeId = TAG_EXTENSION | extension;
            c.route = Route.LOCAL;
        } else {
            int code = SHORT_CODES[rnd.nextInt(SHORT_CODES.length)];
            c.callee.num(code);
            c.calleeId = TAG_SHORT_CODE | code;
            c.route = code == 611 ? Route.LOCAL : Route.CARRIER_A;
        }
    }

    private void premium(Call c, Burst b) {
        c.callee.clear();
        int target = rnd.nextInt(10) < 7 ? b.target() : (b.target() + 1) % PREMIUM.length;
        long digits = international(c, PREMIUM[target]);
        c.calleeId = TAG_PREMIUM | ((long) target << 40) | digits;
        c.route = Route.INTL_GW;
    }

    private long international(Call c, Range range) {
        // A number libphonenumber holds valid (an allocated range, issue 16): drawn again while it is not, a few times.
        long digits = rnd.nextLong(POW10[range.randomDigits()]);
        for (int tries = 0; tries < 32 && !valid(range, digits); tries++) {
            digits = rnd.nextLong(POW10[range.randomDigits()]);
        }
        if (northAmerican) {
            c.callee.bytes(INTERNATIONAL_PREFIX);
        } else {
            c.callee.ch('+');
        }
        c.callee.bytes(range.countryCode()).bytes(range.lead()).digits(digits, range.randomDigits());
        return digits;
    }

    private static final com.google.i18n.phonenumbers.PhoneNumberUtil PHONES = com.google.i18n.phonenumbers.PhoneNumberUtil.getInstance();

    private static boolean valid(Range range, long digits) {
        String nsn = new String(range.lead(), java.nio.charset.StandardCharsets.US_ASCII)
                + String.format("%0" + range.randomDigits() + "d", digits);
        var n = new com.google.i18n.phonenumbers.Phonenumber.PhoneNumber()
                .setCountryCode(Integer.parseInt(new String(range.countryCode(), java.nio.charset.StandardCharsets.US_ASCII)))
                .setNationalNumber(Long.parseLong(nsn));
        return PHONES.isValidNumber(n);
    }

    private void outcome(Call c) {
        int r = rnd.nextInt(100);
        c.ring = 0;
        c.billsec = 0;
        if (r < 70) {
            c.disposition = Disposition.ANSWERED;
            c.ring = rnd.nextInt(10) < 9 ? 2 + rnd.nextInt(19) : rnd.nextInt(31);
            c.billsec = talkSeconds();
            c.duration = c.ring + c.billsec;
        } else if (r < 85) {
            c.disposition = Disposition.NO_ANSWER;
            c.duration = rnd.nextInt(10) < 8 ? 15 + rnd.nextInt(31) : rnd.nextInt(15);
        } else if (r < 93) {
            c.disposition = Disposition.BUSY;
            c.duration = rnd.nextInt(5);
        } else if (r < 99) {
            c.disposition = Disposition.FAILED;
            c.duration = rnd.nextInt(3);
        } else {
            c.disposition = Disposition.CONGESTION;
            c.duration = rnd.nextInt(2);
        }
        hangupCause(c);
    }

    /** 12% very short calls (1-9 s), 1% long ones (30 min to 2 h), otherwise log-normal around the median. */
    private int talkSeconds() {
        int r = rnd.nextInt(100);
        if (r < 12) {
            return 1 + rnd.nextInt(9);
        }
        if (r == 99) {
            return 1800 + rnd.nextInt(5401);
        }
        return TALK_QUANTILES[rnd.nextInt(TALK_QUANTILES.length)];
    }

    /**
     * The log-normal talk time at 16384 evenly spaced quantiles: one table look-up per call instead of a normal
     * deviate and an exponential. Built with StrictMath, so the same on every JVM.
     */
    private static int[] talkQuantiles() {
        int[] q = new int[1 << 14];
        for (int i = 0; i < q.length; i++) {
            double z = inverseNormal((i + 0.5) / q.length);
            long talk = Math.round(MEDIAN_TALK_SECONDS * StrictMath.exp(TALK_SIGMA * z));
            q[i] = (int) Math.max(1, Math.min(MAX_TALK_SECONDS, talk));
        }
        return q;
    }

    /** Acklam's rational approximation of the standard normal quantile (relative error below 1.2e-9). */
    static double inverseNormal(double p) {
        final double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
        final double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                6.680131188771972e+01, -1.328068155288572e+01};
        final double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
        final double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
        final double low = 0.02425;
        if (p < low || p > 1 - low) {
            double q = StrictMath.sqrt(-2 * StrictMath.log(p < low ? p : 1 - p));
            double x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                    / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
            return p < low ? x : -x;
        }
        double q = p - 0.5;
        double r = q * q;
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }

    /** FreeSWITCH's cause for the outcome; drawn for every format so the random sequence does not depend on it. */
    private void hangupCause(Call c) {
        int r = rnd.nextInt(100);
        c.hangupCause = switch (c.disposition) {
            case ANSWERED -> NORMAL_CLEARING;
            case NO_ANSWER -> r < 40 ? NORMAL_CLEARING : r < 85 ? NO_ANSWER : NO_USER_RESPONSE;
            case BUSY -> USER_BUSY;
            // CALL_REJECTED is the called user's refusal (REJECTED), which Asterisk has no word for: a failed call is a
            // network's failure in both formats, so that both give the same dispositions.
            case FAILED -> r < 60 ? UNALLOCATED_NUMBER : NORMAL_TEMPORARY_FAILURE;
            case CONGESTION, CANCEL -> NORMAL_CIRCUIT_CONGESTION;
            case REJECTED -> CALL_REJECTED;
        };
    }

    /** Half uniform, half concentrated on low indexes (density falling as 1/sqrt): heavy users and popular numbers. */
    private int skewed(int n) {
        return (int) skewed((long) n);
    }

    private long skewed(long n) {
        double u = rnd.nextDouble();
        if (rnd.nextBoolean()) {
            u *= u;
        }
        return Math.min(n - 1, (long) (u * n));
    }

    private static int totalWeight(Range[] ranges) {
        int total = 0;
        for (Range r : ranges) {
            total += r.weight();
        }
        return total;
    }
}
