package io.sluice.local.migrate;

import io.sluice.core.cdr.SubscriberProfile;
import io.sluice.local.store.ProfileImporter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Profiles written to the store this process opened, through {@link ProfileImporter}: a page becomes a profiles CSV
 * and is imported by the rules of {@code sluice profiles import} (one transaction); deletes remove by number. The
 * migration's and the follower's way into the store when no {@code sluice up} owns it.
 */
public final class StoreTarget implements ProfileFollower.Target, ProfileMigration.Sink {
    private final ProfileImporter importer;
    private final Path dir;

    /** @param dir where the page files are written (and removed after their import) */
    public StoreTarget(ProfileImporter importer, Path dir) {
        this.importer = importer;
        this.dir = dir;
    }

    @Override
    public long write(List<SubscriberProfile> profiles) {
        Path csv = pageCsv(profiles, dir);
        try {
            ProfileImporter.Result r = importer.importCsv(csv);
            if (!r.problems().isEmpty()) {
                throw new IllegalStateException("the store refused profiles the migration accepted: " + r.problems().get(0));
            }
            return r.imported();
        } finally {
            deleteQuietly(csv);
        }
    }

    @Override
    public long delete(List<String> msisdns) {
        return importer.delete(msisdns);
    }

    /** The profiles as a profiles CSV file in {@code dir} (header {@code msisdn,plan,home_country,status}). */
    public static Path pageCsv(List<SubscriberProfile> page, Path dir) {
        StringBuilder b = new StringBuilder("msisdn,plan,home_country,status\n");
        for (SubscriberProfile p : page) {
            b.append(field(p.msisdn())).append(',').append(field(p.plan())).append(',').append(field(p.homeCountry()))
                    .append(',').append(field(p.status())).append('\n');
        }
        try {
            Files.createDirectories(dir);
            Path f = Files.createTempFile(dir, "page-", ".csv");
            Files.writeString(f, b, StandardCharsets.UTF_8);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a batch file in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String field(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }

    /** Removes a page file; one left behind in the migrate folder harms nothing. */
    public static void deleteQuietly(Path f) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException ignored) {
            // left for the next run's folder listing to show; nothing reads it
        }
    }
}
