package io.sluice.local.generate;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneRules;
import java.util.SplittableRandom;

/**
 * How busy each minute of the traffic window is: busy hours 10-12 and 16-18, quiet at night, weekends lighter,
 * in the subscribers' local time (US Eastern, with its DST), over the UTC days ending at the end date.
 */
final class DiurnalProfile {
    static final ZoneId LOCAL_ZONE = ZoneId.of("America/New_York");
    /** Relative call volume by local hour of day. */
    private static final double[] HOUR_WEIGHT = {
            0.15, 0.08, 0.05, 0.04, 0.05, 0.10, 0.30, 0.60, 1.00, 1.40, 1.90, 2.00,
            1.50, 1.40, 1.50, 1.60, 1.90, 1.90, 1.40, 1.00, 0.80, 0.60, 0.40, 0.25};
    private static final double WEEKEND_FACTOR = 0.65;

    final long firstEpochSecond;
    private final double[] hourWeight;
    private final byte[] localHour;

    DiurnalProfile(LocalDate endDate, int days) {
        this.firstEpochSecond = endDate.minusDays(days - 1L).toEpochDay() * 86_400L;
        int hours = days * 24;
        this.hourWeight = new double[hours];
        this.localHour = new byte[hours];
        ZoneRules rules = LOCAL_ZONE.getRules();
        for (int h = 0; h < hours; h++) {
            long epoch = firstEpochSecond + h * 3_600L;
            ZoneOffset offset = rules.getOffset(java.time.Instant.ofEpochSecond(epoch));
            LocalDateTime local = LocalDateTime.ofEpochSecond(epoch, 0, offset);
            DayOfWeek day = local.getDayOfWeek();
            boolean weekend = day == DayOfWeek.SATURDAY || day == DayOfWeek.SUNDAY;
            localHour[h] = (byte) local.getHour();
            hourWeight[h] = HOUR_WEIGHT[local.getHour()] * (weekend ? WEEKEND_FACTOR : 1.0);
        }
    }

    long minutes() {
        return hourWeight.length * 60L;
    }

    double minuteWeight(long minute) {
        return hourWeight[(int) (minute / 60)];
    }

    /** The sum of {@link #minuteWeight} over all minutes, added in the same order as the generator adds them. */
    double totalWeight() {
        double total = 0;
        for (long m = 0, n = minutes(); m < n; m++) {
            total += minuteWeight(m);
        }
        return total;
    }

    /** A random minute in a local night hour (01:00-04:59), from which a one-hour burst still fits the window. */
    long nightMinute(SplittableRandom rnd) {
        int nights = 0;
        for (byte h : localHour) {
            nights += h >= 1 && h <= 4 ? 1 : 0;
        }
        long minute;
        if (nights == 0) {
            minute = rnd.nextLong(minutes());
        } else {
            int pick = rnd.nextInt(nights);
            int hour = 0;
            for (int h = 0; h < localHour.length; h++) {
                if (localHour[h] >= 1 && localHour[h] <= 4 && pick-- == 0) {
                    hour = h;
                    break;
                }
            }
            minute = hour * 60L + rnd.nextInt(60);
        }
        return Math.min(minute, minutes() - 60);
    }
}
