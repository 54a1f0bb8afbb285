package io.sluice.local.store;

import io.sluice.core.cdr.SubscriberProfile;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.NamedCsvRecord;
import io.sluice.core.cdr.NormalizedNumber;
import io.sluice.core.cdr.PhoneNumberNormalizer;
import io.sluice.core.cdr.SubscriberProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.duckdb.DuckDBAppender;

/**
 * Loads subscriber profiles from CSV with a header {@code msisdn,plan,home_country[,status]} (CDR-6).
 * Numbers are normalized like CDR numbers, so a profile matches the calls it belongs to; a row that cannot
 * be a profile is reported with its line and skipped; a number imported again replaces its profile (within one
 * file, its last row wins).
 */
public final class ProfileImporter {
    private static final Set<String> REQUIRED = Set.of("msisdn", "plan", "home_country");

    /** Outcome of an import. */
    public record Result(long rows, long imported, List<String> problems) {
    }

    private final LocalStore store;
    private final PhoneNumberNormalizer numbers;

    public ProfileImporter(LocalStore store, PhoneNumberNormalizer numbers) {
        this.store = store;
        this.numbers = numbers;
    }

    public Result importCsv(Path file) {
        List<String> problems = new ArrayList<>();
        long rows = 0;
        long imported = 0;
        LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC);
        // Rows with a wrong field count are read and reported as problems rather than aborting the import.
        try (CsvReader<NamedCsvRecord> csv = CsvReader.builder().allowExtraFields(true).allowMissingFields(true)
                .ofNamedCsvRecord(file)) {
            store.inTransaction(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE OR REPLACE TEMP TABLE profiles_in(msisdn VARCHAR, plan VARCHAR, home_country VARCHAR, status VARCHAR, "
                            + "updated_at TIMESTAMP, line BIGINT)");
                    s.execute("DELETE FROM profiles_in");
                }
                return null;
            });
            try (DuckDBAppender a = store.connection().createAppender("temp", "main", "profiles_in")) {
                boolean headerChecked = false;
                for (NamedCsvRecord r : csv) {
                    if (!headerChecked) {
                        List<String> missing = REQUIRED.stream().filter(h -> !r.getHeader().contains(h)).sorted().toList();
                        if (!missing.isEmpty()) {
                            throw new IllegalArgumentException(file + ": the header lacks " + String.join(", ", missing)
                                    + " (expected msisdn,plan,home_country[,status])");
                        }
                        headerChecked = true;
                    }
                    rows++;
                    long line = r.getStartingLineNumber();
                    if (r.getFieldCount() != r.getHeader().size()) {
                        problems.add(file + ":" + line + ": " + r.getFieldCount() + " fields, the header has " + r.getHeader().size());
                        continue;
                    }
                    String raw = r.findField("msisdn").orElse("").strip();
                    NormalizedNumber n = numbers.normalize(raw);
                    if (!n.e164()) {
                        problems.add(file + ":" + line + ": msisdn '" + raw + "' is not a phone number");
                        continue;
                    }
                    String plan = r.findField("plan").orElse("").strip();
                    String home = r.findField("home_country").orElse("").strip().toUpperCase();
                    String status = r.findField("status").orElse("active").strip();
                    if (plan.isEmpty() || !home.matches("[A-Z]{2}")) {
                        problems.add(file + ":" + line + ": plan is empty or home_country '" + home + "' is not a two-letter country");
                        continue;
                    }
                    status = status.isEmpty() ? SubscriberProfile.ACTIVE : status.toLowerCase(java.util.Locale.ROOT);
                    if (!SubscriberProfile.STATUSES.contains(status)) {
                        problems.add(file + ":" + line + ": unknown status '" + status + "' ("
                                + String.join(", ", SubscriberProfile.STATUSES) + ")");
                        continue;
                    }
                    a.beginRow().append(n.text()).append(plan).append(home).append(status)
                            .append(now).append(line).endRow();
                    imported++;
                }
            }
            store.inTransaction(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("""
                            INSERT INTO profiles SELECT msisdn, plan, home_country, status, updated_at FROM profiles_in
                            QUALIFY row_number() OVER (PARTITION BY msisdn ORDER BY line DESC) = 1
                            ON CONFLICT (msisdn) DO UPDATE SET
                              plan = excluded.plan, home_country = excluded.home_country, status = excluded.status,
                              updated_at = excluded.updated_at""");
                    s.execute("DELETE FROM profiles_in");
                }
                return null;
            });
            if (rows == 0 && java.nio.file.Files.size(file) == 0) {
                throw new IllegalArgumentException(file + ": the file is empty (expected the header msisdn,plan,home_country[,status])");
            }
        } catch (de.siegmar.fastcsv.reader.CsvParseException e) {
            throw new IllegalArgumentException(file + ": not a readable CSV file (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read profiles from " + file + ": " + e.getMessage(), e);
        } catch (SQLException e) {
            throw new StoreException("Cannot import profiles from " + file + ": " + LocalStore.firstLine(e.getMessage()), e);
        }
        return new Result(rows, imported, problems);
    }

    /** Removes the profiles of these numbers (E.164) in one transaction; answers how many there were (MIG-3: a deleted source row). */
    public long delete(java.util.Collection<String> msisdns) {
        if (msisdns.isEmpty()) {
            return 0;
        }
        return store.inTransaction(c -> {
            try (java.sql.PreparedStatement p = c.prepareStatement("DELETE FROM profiles WHERE msisdn IN (SELECT unnest(?))")) {
                p.setArray(1, c.createArrayOf("VARCHAR", msisdns.toArray()));
                return (long) p.executeUpdate();
            }
        });
    }
}
