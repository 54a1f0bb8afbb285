package io.sluice.local.report;

import io.sluice.core.cdr.Disposition;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which archived records {@code sluice records} shows (issue 22): a period of UTC days and, each optional, the caller,
 * the callee (exact, or a prefix ending in {@code *}), the route, the disposition and the source file. Written once for
 * the command and for {@code GET /v1/records}; values reach the SQL as parameters, never as text.
 */
public record RecordFilter(LocalDate from, LocalDate to, Optional<String> caller, Optional<String> callee, Optional<String> route,
                           Optional<String> disposition, Optional<String> source) {
    public static final LocalDate FIRST = LocalDate.of(1990, 1, 1);
    public static final LocalDate LAST = LocalDate.of(2199, 12, 31);

    /** A filter from what a user typed; an {@link IllegalArgumentException} says what is wrong and how to write it. */
    public static RecordFilter of(String from, String to, String caller, String callee, String route, String disposition, String source) {
        LocalDate f = day(from, "--from", FIRST);
        LocalDate t = day(to, "--to", LAST);
        if (t.isBefore(f)) {
            throw new IllegalArgumentException("--to " + t + " is before --from " + f);
        }
        Optional<String> d = Optional.ofNullable(blank(disposition)).map(s -> s.trim().toUpperCase(Locale.ROOT).replace(' ', '_'));
        if (d.isPresent() && java.util.Arrays.stream(Disposition.values()).noneMatch(x -> x.name().equals(d.get()))) {
            throw new IllegalArgumentException("unknown --disposition '" + disposition + "': one of "
                    + String.join(", ", java.util.Arrays.stream(Disposition.values()).map(Enum::name).toList()));
        }
        return new RecordFilter(f, t, Optional.ofNullable(blank(caller)), Optional.ofNullable(blank(callee)),
                Optional.ofNullable(blank(route)), d, Optional.ofNullable(blank(source)));
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static LocalDate day(String s, String option, LocalDate otherwise) {
        if (blank(s) == null) {
            return otherwise;
        }
        try {
            return LocalDate.parse(s.trim());
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException(option + " '" + s + "' is not a day: write YYYY-MM-DD");
        }
    }

    /** The WHERE clause over the archive view {@code cdr}, with {@code ?} for each of {@link #parameters()}. */
    String where() {
        StringBuilder w = new StringBuilder("dt BETWEEN ? AND ?");
        caller.ifPresent(c -> w.append(c.endsWith("*") ? " AND caller LIKE ? ESCAPE '\\'" : " AND caller = ?"));
        callee.ifPresent(c -> w.append(c.endsWith("*") ? " AND callee LIKE ? ESCAPE '\\'" : " AND callee = ?"));
        route.ifPresent(r -> w.append(" AND route = ?"));
        disposition.ifPresent(d -> w.append(" AND disposition = ?"));
        source.ifPresent(s -> w.append(" AND source = ?"));
        return w.toString();
    }

    List<String> parameters() {
        List<String> p = new ArrayList<>();
        p.add(from.toString());
        p.add(to.toString());
        caller.ifPresent(c -> p.add(pattern(c)));
        callee.ifPresent(c -> p.add(pattern(c)));
        route.ifPresent(p::add);
        disposition.ifPresent(p::add);
        source.ifPresent(p::add);
        return p;
    }

    /** An exact value as it is; {@code +4930*} as the LIKE prefix {@code +4930%}, its own % and _ escaped. */
    private static String pattern(String value) {
        if (!value.endsWith("*")) {
            return value;
        }
        String prefix = value.substring(0, value.length() - 1);
        return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }
}
