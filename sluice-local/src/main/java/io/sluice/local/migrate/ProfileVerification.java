package io.sluice.local.migrate;

import io.sluice.core.cdr.SubscriberProfile;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Compares a migrated table with the profile store (MIG-1), the idea of DMS data validation and pt-table-checksum:
 * each side's row count and an order-independent checksum of the migrated columns (msisdn, plan, home_country,
 * status), and the rows that differ, by key. The source is read a page at a time in key order, each page's profiles
 * looked up in the store, so memory stays bounded. Source rows that cannot be profiles (the migration's dead letters)
 * are counted apart and compared with nothing.
 */
public final class ProfileVerification {
    /** How many differences are listed; all are counted. */
    public static final int LISTED = 100;

    /** One row that differs: the source's profile and what the store has (null: nothing). */
    public record Mismatch(String key, String msisdn, String expected, String found) {
    }

    /**
     * @param sourceRows     rows read from the source
     * @param sourceProfiles those of them that are profiles, each compared
     * @param targetProfiles of those, how many the store holds
     * @param rejectedRows   source rows that are no profile (not compared)
     * @param sourceChecksum the checksum of the source's profiles; {@code targetChecksum} of what the store holds for them
     * @param mismatches     rows whose profile is missing or different in the store; {@code listed} the first of them
     */
    public record Result(long sourceRows, long sourceProfiles, long targetProfiles, long rejectedRows, String sourceChecksum,
                         String targetChecksum, long mismatches, List<Mismatch> listed, double seconds) {
        public boolean matches() {
            return mismatches == 0 && sourceProfiles == targetProfiles && sourceChecksum.equals(targetChecksum);
        }
    }

    private final MigrationSource source;
    private final ProfileRows rows;
    private final int pageSize;

    public ProfileVerification(MigrationSource source, ProfileRows rows, int pageSize) {
        this.source = source;
        this.rows = rows;
        this.pageSize = pageSize;
    }

    /** @param lookup the store's profiles of some numbers (E.164), as {@code ProfileStore.findAll} answers */
    public Result run(Function<Collection<String>, Map<String, SubscriberProfile>> lookup) {
        long started = System.nanoTime();
        long read = 0;
        long profiles = 0;
        long found = 0;
        long rejected = 0;
        long mismatches = 0;
        long sourceSum = 0;
        long targetSum = 0;
        List<Mismatch> listed = new ArrayList<>();
        MessageDigest sha = sha256();
        try (Connection c = source.connect()) {
            String last = null;
            while (true) {
                List<MigrationSource.Row> page = source.page(c, last, pageSize);
                if (page.isEmpty()) {
                    break;
                }
                read += page.size();
                Map<String, String> keyOf = new LinkedHashMap<>();
                Map<String, SubscriberProfile> expected = new LinkedHashMap<>();
                for (MigrationSource.Row r : page) {
                    ProfileRows.Outcome o = rows.of(r);
                    if (o.profile() == null) {
                        rejected++;
                        continue;
                    }
                    // Two rows with the same number: the later one (in key order) is what the migration left.
                    expected.remove(o.profile().msisdn());
                    expected.put(o.profile().msisdn(), o.profile());
                    keyOf.put(o.profile().msisdn(), r.key());
                }
                Map<String, SubscriberProfile> target = lookup.apply(expected.keySet());
                for (SubscriberProfile want : expected.values()) {
                    profiles++;
                    String a = canonical(want);
                    sourceSum += hash(sha, a);
                    SubscriberProfile have = target.get(want.msisdn());
                    String b = have == null ? null : canonical(have);
                    if (b != null) {
                        found++;
                        targetSum += hash(sha, b);
                    }
                    if (!a.equals(b)) {
                        mismatches++;
                        if (listed.size() < LISTED) {
                            listed.add(new Mismatch(keyOf.get(want.msisdn()), want.msisdn(), a, b));
                        }
                    }
                }
                last = page.get(page.size() - 1).key();
                if (page.size() < pageSize || last == null) {
                    break;
                }
            }
        } catch (SQLException e) {
            throw new MigrationSource.SourceException("cannot read " + source.displayUrl() + ": " + MigrationSource.firstLine(e.getMessage()), e);
        }
        return new Result(read, profiles, found, rejected, hex(sourceSum), hex(targetSum), mismatches, listed,
                (System.nanoTime() - started) / 1e9);
    }

    /** The migrated columns of a profile, one line: what both sides are compared on. */
    static String canonical(SubscriberProfile p) {
        return p.msisdn() + "|" + p.plan() + "|" + p.homeCountry() + "|" + p.status();
    }

    /** The first 8 bytes of the SHA-256 of {@code s}; a side's checksum is the sum of its rows' (mod 2^64): order-free. */
    private static long hash(MessageDigest sha, String s) {
        byte[] d = sha.digest(s.getBytes(StandardCharsets.UTF_8));
        long h = 0;
        for (int i = 0; i < 8; i++) {
            h = (h << 8) | (d[i] & 0xff);
        }
        return h;
    }

    private static String hex(long v) {
        return String.format("%016x", v);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
