package io.sluice.core.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The standard reports (ANA-2): each one SQL file under {@code sluice/reports/} in this module's resources,
 * written once for both engines (DuckDB locally, Athena named queries on AWS) over the archive table
 * {@code cdr} ({@code telemetry-rollup}: the raw readings' table {@code telemetry}), with two positional parameters: first
 * and last day, {@code YYYY-MM-DD}.
 */
public final class ReportCatalog {
    public static final List<String> NAMES = List.of("asr-acd", "top-talkers", "busy-hour", "international-minutes", "daily-usage",
            "telemetry-rollup");

    private ReportCatalog() {
    }

    /** The SQL text of a report, exactly as the file holds it. */
    public static Optional<String> sql(String name) {
        if (!NAMES.contains(name)) {
            return Optional.empty();
        }
        try (InputStream in = ReportCatalog.class.getResourceAsStream("/sluice/reports/" + name + ".sql")) {
            if (in == null) {
                throw new IllegalStateException("Report " + name + " is listed but its SQL file is missing from the jar");
            }
            return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the SQL of report " + name, e);
        }
    }

    /**
     * The first comment line of the report's SQL, used as its description in {@code --help} and listings, without the
     * requirement ids and issue numbers the comment cites for developers ("(ANA-2, CDR-7)"): users read it.
     */
    public static String description(String name) {
        return sql(name).map(s -> s.lines().findFirst().orElse("").replaceFirst("^--\\s*", "")
                .replaceAll("\\s*\\((?:[A-Z]{2,4}-\\d+|issue \\d+)(?:,\\s*(?:[A-Z]{2,4}-\\d+|issue \\d+))*\\)", "")).orElse("");
    }
}
