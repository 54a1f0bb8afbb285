package io.sluice.core.cdr;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.zone.ZoneRules;

/**
 * Semantic checks that make parsed fields a call (CDR-3), and the move of its times to UTC (CDR-4).
 *
 * <p>CSV CDRs carry no zone: {@code yyyy-MM-dd HH:mm:ss} is read in the configured source zone (Asterisk
 * writes UTC only with {@code usegmtime=yes}; FreeSWITCH writes process local time). A time inside a DST gap
 * (spring forward) never happened and is rejected as impossible. A time inside a DST overlap (fall back) happened
 * twice; the record decides which (issue 16): of the offsets its start and end may each have, the pair whose
 * difference is the record's own duration is taken (and of the answer's, the one that makes end - answer its
 * billsec), so a call across the fall-back hour keeps its real times and duration. When the record cannot tell
 * (start and end both inside the overlap, an hour apart either way), the earlier offset is taken and the call is
 * flagged {@link CallTimes#ambiguous()}. JSON-lines timestamps may carry an offset or be epoch seconds.
 */
public final class CdrValidator {
    /** Years outside this range are taken as impossible rather than as old or future traffic. */
    static final int MIN_YEAR = 1990;
    static final int MAX_YEAR = 2199;
    /** No call lasts a week; a larger duration is a corrupt field. */
    static final int MAX_DURATION_SECONDS = 7 * 24 * 3600;

    private final ZoneId sourceZone;
    private final ZoneRules rules;
    private final boolean utc;

    public CdrValidator(ZoneId sourceZone) {
        this.sourceZone = sourceZone;
        this.rules = sourceZone.getRules();
        this.utc = rules.isFixedOffset() && rules.getOffset(java.time.Instant.EPOCH).equals(ZoneOffset.UTC);
    }

    public ZoneId sourceZone() {
        return sourceZone;
    }

    public Validated validate(RawRecord raw, CdrFields f) {
        if (f.callee().isBlank()) {
            return Rejection.of(raw, RejectReason.NO_DESTINATION, "the destination number is empty");
        }
        long start = epochSeconds(f.start());
        if (start < 0) {
            return timeRejection(raw, "start", f.start(), start);
        }
        long end = epochSeconds(f.end());
        if (end < 0) {
            return timeRejection(raw, "end", f.end(), end);
        }
        boolean ambiguous = false;
        long startLater = laterOffset(f.start(), start);
        long endLater = laterOffset(f.end(), end);
        if (startLater != start || endLater != end) {
            // A fall-back overlap: the pair of readings whose difference is the record's duration (see the class comment).
            int target = Math.max(0, seconds(f.duration()));
            long[][] pairs = {{start, end}, {start, endLater}, {startLater, end}, {startLater, endLater}};
            long[] best = null;
            long bestMiss = Long.MAX_VALUE;
            int ties = 0;
            for (long[] pair : pairs) {
                if (pair[1] < pair[0]) {
                    continue;
                }
                long miss = Math.abs(pair[1] - pair[0] - target);
                if (miss < bestMiss) {
                    best = pair;
                    bestMiss = miss;
                    ties = 1;
                } else if (miss == bestMiss && pair[0] != best[0]) {
                    ties++;
                }
            }
            if (best != null) {
                ambiguous = ties > 1;
                start = best[0];
                end = best[1];
            }
        }
        long answer = CallTimes.NOT_ANSWERED;
        if (!f.answer().isEmpty()) {
            answer = epochSeconds(f.answer());
            if (answer < 0) {
                return timeRejection(raw, "answer", f.answer(), answer);
            }
            long answerLater = laterOffset(f.answer(), answer);
            if (answerLater != answer) {
                int billed = Math.max(0, seconds(f.billsec()));
                boolean earlierFits = answer >= start && answer <= end;
                boolean laterFits = answerLater >= start && answerLater <= end;
                if (laterFits && (!earlierFits || Math.abs(end - answerLater - billed) < Math.abs(end - answer - billed))) {
                    answer = answerLater;
                }
            }
            if (answer < start || answer > end) {
                return Rejection.of(raw, RejectReason.IMPOSSIBLE_TIME,
                        "answer '" + f.answer() + "' is outside start '" + f.start() + "' .. end '" + f.end() + "'");
            }
        }
        if (end < start) {
            return Rejection.of(raw, RejectReason.IMPOSSIBLE_TIME, "end '" + f.end() + "' is before start '" + f.start() + "'");
        }
        int duration = seconds(f.duration());
        if (duration < 0) {
            return Rejection.of(raw, RejectReason.BAD_DURATION, "duration '" + f.duration() + "' is not a whole number of seconds from 0 to 604800");
        }
        int billsec = seconds(f.billsec());
        if (billsec < 0) {
            return Rejection.of(raw, RejectReason.BAD_DURATION, "billsec '" + f.billsec() + "' is not a whole number of seconds from 0 to 604800");
        }
        if (billsec > duration) {
            return Rejection.of(raw, RejectReason.BILLSEC_EXCEEDS_DURATION, "billsec " + billsec + " > duration " + duration);
        }
        return new CallTimes(start, answer, end, duration, billsec, ambiguous);
    }

    /**
     * The reading of a {@code yyyy-MM-dd HH:mm:ss} time with the later offset when the source zone passed that wall-clock
     * time twice (a fall-back overlap); {@code earlier} (what {@link #epochSeconds} gave) otherwise.
     */
    private long laterOffset(String s, long earlier) {
        // Only the wall-clock shape yyyy-MM-dd HH:mm:ss has two readings: 2024-11-03T01:30-04 is 19 long too, with its offset.
        if (utc || s.length() != 19 || s.charAt(10) != ' ' && s.charAt(10) != 'T' || s.charAt(13) != ':' || s.charAt(16) != ':') {
            return earlier;
        }
        LocalDateTime local = LocalDateTime.ofEpochSecond(earlier, 0, rules.getOffset(java.time.Instant.ofEpochSecond(earlier)));
        java.time.zone.ZoneOffsetTransition t = rules.getTransition(local);
        if (t == null || !t.isOverlap()) {
            return earlier;
        }
        return local.toEpochSecond(t.getOffsetAfter());
    }

    private static Rejection timeRejection(RawRecord raw, String field, String text, long code) {
        if (code == IMPOSSIBLE) {
            return Rejection.of(raw, RejectReason.IMPOSSIBLE_TIME, field + " '" + text + "' is not a real date and time");
        }
        if (text.isEmpty()) {
            return Rejection.of(raw, RejectReason.MISSING_FIELD, field + " time is empty");
        }
        return Rejection.of(raw, RejectReason.BAD_TIMESTAMP, field + " '" + text + "' is not yyyy-MM-dd HH:mm:ss, ISO-8601 or epoch seconds");
    }

    static final long UNPARSEABLE = -1;
    static final long IMPOSSIBLE = -2;

    /** UTC epoch seconds of a timestamp, or {@link #UNPARSEABLE} / {@link #IMPOSSIBLE}. Times before 1990 are impossible. */
    long epochSeconds(String s) {
        int n = s.length();
        if (n == 19 && s.charAt(4) == '-' && s.charAt(7) == '-' && (s.charAt(10) == ' ' || s.charAt(10) == 'T')
                && s.charAt(13) == ':' && s.charAt(16) == ':') {
            int year = digits(s, 0, 4), month = digits(s, 5, 2), day = digits(s, 8, 2);
            int hour = digits(s, 11, 2), minute = digits(s, 14, 2), second = digits(s, 17, 2);
            if ((year | month | day | hour | minute | second) < 0) {
                return UNPARSEABLE;
            }
            if (year < MIN_YEAR || year > MAX_YEAR) {
                return IMPOSSIBLE;
            }
            LocalDateTime local;
            try {
                local = LocalDateTime.of(year, month, day, hour, minute, second);
            } catch (DateTimeException e) {
                return IMPOSSIBLE;
            }
            if (utc) {
                return local.toEpochSecond(ZoneOffset.UTC);
            }
            java.time.zone.ZoneOffsetTransition transition = rules.getTransition(local);
            if (transition != null && transition.isGap()) {
                return IMPOSSIBLE; // a wall-clock time the source zone skipped (spring forward) never happened
            }
            return local.atZone(sourceZone).toEpochSecond();
        }
        if (n == 0) {
            return UNPARSEABLE;
        }
        if (isDigits(s)) {
            if (n > 12) {
                return IMPOSSIBLE;
            }
            long epoch = Long.parseLong(s);
            return yearOk(epoch) ? epoch : IMPOSSIBLE;
        }
        try {
            long epoch;
            if (s.endsWith("Z") || s.lastIndexOf('+') > 10 || s.lastIndexOf('-') > 10) {
                epoch = OffsetDateTime.parse(s).toEpochSecond();
            } else {
                epoch = LocalDateTime.parse(s).atZone(sourceZone).toEpochSecond();
            }
            return yearOk(epoch) ? epoch : IMPOSSIBLE;
        } catch (DateTimeParseException e) {
            // java.time reports "Invalid date 'FEBRUARY 30'" as a parse error; tell the two apart.
            return e.getMessage() != null && e.getMessage().contains("Invalid") ? IMPOSSIBLE : UNPARSEABLE;
        }
    }

    private static boolean yearOk(long epoch) {
        int year = LocalDateTime.ofEpochSecond(Math.max(Math.min(epoch, 7_000_000_000L), -7_000_000_000L), 0, ZoneOffset.UTC).getYear();
        return year >= MIN_YEAR && year <= MAX_YEAR;
    }

    private static int seconds(String s) {
        if (s.isEmpty() || s.length() > 7 || !isDigits(s)) {
            return -1;
        }
        int v = Integer.parseInt(s);
        return v > MAX_DURATION_SECONDS ? -1 : v;
    }

    private static boolean isDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return !s.isEmpty();
    }

    private static int digits(String s, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            int d = s.charAt(i) - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }
}
