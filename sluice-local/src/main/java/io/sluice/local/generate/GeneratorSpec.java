package io.sluice.local.generate;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import io.sluice.core.cdr.CdrFormat;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@code sluice generate} writes: synthetic CDR files for demos, tests and benchmarks (CDR-1, CDR-11).
 * Every problem is reported at once, each as "The 'X' value 'Y' is invalid: why".
 *
 * @param records        lines to write in total, including invalid lines and duplicates; 0 or more
 * @param subscribers    subscribers making calls, 1 to {@value #MAX_SUBSCRIBERS}
 * @param days           days of traffic ending at {@code endDate}, 1 to {@value #MAX_DAYS}
 * @param format         file format; null means {@link CdrFormat#ASTERISK}
 * @param invalidRate    share of lines the core must reject, 0 to 1
 * @param duplicateRate  share of lines that repeat an earlier valid line byte for byte, 0 to 1
 * @param seed           the same spec and seed give byte-identical files
 * @param endDate        last UTC day of traffic; null means yesterday (UTC): generated calls never lie in the future
 * @param files          number of CDR files the lines are split over (like rotated logs), 1 to {@value #MAX_FILES}
 * @param defaultCountry ISO 3166 region the switch dials from; null means {@value #DEFAULT_COUNTRY}. Subscribers are
 *                       always North American (+1) numbers; they are written in national form only when this is a
 *                       +1 region, otherwise in E.164
 * @param fraudRate      share of subscribers made fraudsters of one of the three kinds the rules of CDR-10 look for
 *                       (international burst, short-call flood, usage spike), each kind at least one subscriber when
 *                       above 0; as many steady heavy users and steady international callers join as decoys; the labels
 *                       go to a side file ({@link CdrGenerator#labelsFile}). 0 to {@value #MAX_FRAUD_RATE}; above 0 it
 *                       needs {@value #MIN_FRAUD_DAYS} days (a week of history before a spike)
 */
public record GeneratorSpec(long records, int subscribers, int days, CdrFormat format, double invalidRate,
                            double duplicateRate, long seed, LocalDate endDate, int files, String defaultCountry,
                            double fraudRate) {

    public static final double MAX_FRAUD_RATE = 0.1;
    public static final int MIN_FRAUD_DAYS = 8;

    public GeneratorSpec(long records, int subscribers, int days, CdrFormat format, double invalidRate, double duplicateRate,
                         long seed, LocalDate endDate, int files, String defaultCountry) {
        this(records, subscribers, days, format, invalidRate, duplicateRate, seed, endDate, files, defaultCountry, 0);
    }

    public static final int MAX_SUBSCRIBERS = 10_000_000;
    public static final int MAX_DAYS = 3660;
    public static final int MAX_FILES = 9999;
    /** At least half of the lines stay valid, so that duplicates have valid lines to repeat. */
    public static final double MAX_INVALID_PLUS_DUPLICATE = 0.5;
    public static final long DEFAULT_SEED = 1L;
    public static final String DEFAULT_COUNTRY = "US";
    /** The core's validator takes years outside 1990..2199 as impossible (CdrValidator). */
    static final LocalDate FIRST_DAY = LocalDate.of(1990, 1, 1);
    static final LocalDate LAST_DAY = LocalDate.of(2199, 12, 30);

    public GeneratorSpec {
        if (format == null) {
            format = CdrFormat.ASTERISK;
        }
        if (endDate == null) {
            endDate = LocalDate.now(ZoneOffset.UTC).minusDays(1);
        }
        if (defaultCountry == null) {
            defaultCountry = DEFAULT_COUNTRY;
        }
        List<String> problems = new ArrayList<>();
        if (records < 0) {
            problems.add(problem("records", records, "it must be 0 or more"));
        }
        if (subscribers < 1 || subscribers > MAX_SUBSCRIBERS) {
            problems.add(problem("subscribers", subscribers, "it must be between 1 and " + MAX_SUBSCRIBERS));
        }
        boolean daysOk = days >= 1 && days <= MAX_DAYS;
        if (!daysOk) {
            problems.add(problem("days", days, "it must be between 1 and " + MAX_DAYS));
        }
        boolean ratesOk = true;
        if (!(invalidRate >= 0 && invalidRate <= 1)) {
            problems.add(problem("invalidRate", invalidRate, "it must be a fraction between 0 and 1"));
            ratesOk = false;
        }
        if (!(duplicateRate >= 0 && duplicateRate <= 1)) {
            problems.add(problem("duplicateRate", duplicateRate, "it must be a fraction between 0 and 1"));
            ratesOk = false;
        }
        if (ratesOk && invalidRate + duplicateRate > MAX_INVALID_PLUS_DUPLICATE) {
            problems.add(problem("invalidRate + duplicateRate", invalidRate + duplicateRate, "at most "
                    + MAX_INVALID_PLUS_DUPLICATE + " of the lines may be invalid or duplicates, so that valid lines remain"));
        }
        if (daysOk && (endDate.minusDays(days - 1L).isBefore(FIRST_DAY) || endDate.isAfter(LAST_DAY))) {
            problems.add(problem("endDate", endDate, "with " + days + " day(s) of traffic, all calls must fall between "
                    + FIRST_DAY + " and " + LAST_DAY + ", the years the validator accepts"));
        }
        if (files < 1 || files > MAX_FILES) {
            problems.add(problem("files", files, "it must be between 1 and " + MAX_FILES));
        }
        if (!defaultCountry.matches("[A-Za-z]{2}")
                || PhoneNumberUtil.getInstance().getCountryCodeForRegion(defaultCountry.toUpperCase(Locale.ROOT)) == 0) {
            problems.add(problem("defaultCountry", defaultCountry, "use an ISO 3166 two-letter region such as US or CA"));
        } else {
            defaultCountry = defaultCountry.toUpperCase(Locale.ROOT);
        }
        if (!(fraudRate >= 0 && fraudRate <= MAX_FRAUD_RATE)) {
            problems.add(problem("fraudRate", fraudRate, "it must be a fraction between 0 and " + MAX_FRAUD_RATE));
        } else if (fraudRate > 0 && subscribers < 10) {
            problems.add(problem("fraudRate", fraudRate, "labelled fraud needs at least 10 subscribers (fraudsters and decoys "
                    + "are distinct subscribers)"));
        } else if (fraudRate > 0 && daysOk && days < MIN_FRAUD_DAYS) {
            problems.add(problem("fraudRate", fraudRate, "labelled fraud needs at least " + MIN_FRAUD_DAYS
                    + " days of traffic (a usage spike is judged against the subscriber's previous week); give --days "
                    + MIN_FRAUD_DAYS + " or more"));
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    /** A spec with the defaults: Asterisk, no invalid lines or duplicates, seed 1, ending today, one file, US. */
    public static GeneratorSpec of(long records, int subscribers, int days) {
        return new GeneratorSpec(records, subscribers, days, CdrFormat.ASTERISK, 0, 0, DEFAULT_SEED, null, 1, DEFAULT_COUNTRY, 0);
    }

    public GeneratorSpec withFormat(CdrFormat f) {
        return new GeneratorSpec(records, subscribers, days, f, invalidRate, duplicateRate, seed, endDate, files, defaultCountry, fraudRate);
    }

    public GeneratorSpec withRates(double invalid, double duplicate) {
        return new GeneratorSpec(records, subscribers, days, format, invalid, duplicate, seed, endDate, files, defaultCountry, fraudRate);
    }

    public GeneratorSpec withSeed(long s) {
        return new GeneratorSpec(records, subscribers, days, format, invalidRate, duplicateRate, s, endDate, files, defaultCountry, fraudRate);
    }

    public GeneratorSpec withEndDate(LocalDate d) {
        return new GeneratorSpec(records, subscribers, days, format, invalidRate, duplicateRate, seed, d, files, defaultCountry, fraudRate);
    }

    public GeneratorSpec withFiles(int n) {
        return new GeneratorSpec(records, subscribers, days, format, invalidRate, duplicateRate, seed, endDate, n, defaultCountry, fraudRate);
    }

    public GeneratorSpec withDefaultCountry(String c) {
        return new GeneratorSpec(records, subscribers, days, format, invalidRate, duplicateRate, seed, endDate, files, c, fraudRate);
    }

    public GeneratorSpec withFraudRate(double rate) {
        return new GeneratorSpec(records, subscribers, days, format, invalidRate, duplicateRate, seed, endDate, files, defaultCountry, rate);
    }

    /** {@code .jsonl} for JSON lines, {@code .csv} otherwise. */
    public String fileExtension() {
        return format == CdrFormat.JSONL ? ".jsonl" : ".csv";
    }

    /** Whether the switch dials with North American rules: national 10-digit numbers and 011 for abroad. */
    boolean northAmerican() {
        return PhoneNumberUtil.getInstance().getCountryCodeForRegion(defaultCountry) == 1;
    }

    private static String problem(String name, Object value, String why) {
        return "The '" + name + "' value '" + value + "' is invalid: " + why;
    }
}
