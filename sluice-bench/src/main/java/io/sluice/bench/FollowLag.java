package io.sluice.bench;

import io.sluice.core.cdr.PhoneNumberNormalizer;
import io.sluice.core.cdr.SubscriberProfile;
import io.sluice.local.migrate.MigrationSource;
import io.sluice.local.migrate.ProfileFollower;
import io.sluice.local.migrate.ProfileMigration;
import io.sluice.local.migrate.ProfileRows;
import io.sluice.local.migrate.StoreTarget;
import io.sluice.local.store.LocalStore;
import io.sluice.local.store.ProfileImporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * CDC lag of {@code sluice migrate profiles --follow} (issue 20, MIG-3) under a steady, open-loop stream of updates:
 * {@code RATE} single-row UPDATE transactions a second for {@code SECONDS}, each sent at its intended time
 * (start + i / RATE) whatever the ones before did, the intended time written into the row's plan; the lag of a change
 * is from its intended send time to the moment the follower's write of it into the store returned. Baseline in the
 * same run: the source's own commit latency (each UPDATE's round trip, from the same intended time).
 * {@code java -cp ... io.sluice.bench.FollowLag JDBC_URL USER PASSWORD TABLE ROWS DATA_DIR RATE SECONDS}; the table's
 * columns as run-migrate.sh makes them, loaded into DATA_DIR before.
 */
public final class FollowLag {
    public static void main(String[] a) throws Exception {
        String url = a[0];
        String user = a[1];
        String password = a[2];
        String table = a[3];
        int rows = Integer.parseInt(a[4]);
        Path dataDir = Path.of(a[5]);
        int rate = Integer.parseInt(a[6]);
        int seconds = Integer.parseInt(a[7]);
        MigrationSource source = new MigrationSource(url, user, password, table,
                Map.of("msisdn", "phone", "plan", "tariff", "home_country", "country", "status", "state"), "id");
        ProfileRows profileRows = new ProfileRows(new PhoneNumberNormalizer("US", 100_000));
        Path dir = dataDir.resolve("migrate");
        ProfileMigration migration = new ProfileMigration(source, profileRows, dir, 5_000);
        Files.deleteIfExists(dir.resolve("profiles-" + table + ".follow.json"));
        long total = (long) rate * seconds;
        long[] lag = new long[(int) total];
        Arrays.fill(lag, -1);
        AtomicLong applied = new AtomicLong();
        try (LocalStore store = LocalStore.open(dataDir)) {
            StoreTarget into = new StoreTarget(new ProfileImporter(store, new PhoneNumberNormalizer("US", 100_000)), dir);
            ProfileFollower follower = new ProfileFollower(source, profileRows, migration, dir);
            Thread following = new Thread(() -> follower.run(new ProfileFollower.Target() {
                @Override
                public long write(List<SubscriberProfile> profiles) {
                    long n = into.write(profiles);
                    long now = System.nanoTime();
                    for (SubscriberProfile p : profiles) {
                        if (p.plan().startsWith("t")) {
                            int i = Integer.parseInt(p.plan().substring(1, p.plan().indexOf('-')));
                            long intended = Long.parseLong(p.plan().substring(p.plan().indexOf('-') + 1));
                            lag[i] = now - intended;
                            applied.incrementAndGet();
                        }
                    }
                    return n;
                }

                @Override
                public long delete(List<String> msisdns) {
                    return into.delete(msisdns);
                }
            }, line -> System.err.println(line)), "follow");
            following.start();
            Thread.sleep(2_000); // connected and at the end of the log
            int senders = 4;
            long start = System.nanoTime() + 100_000_000L;
            long[] commitLatency = new long[(int) total];
            List<Thread> threads = new ArrayList<>();
            for (int s = 0; s < senders; s++) {
                int mine = s;
                Thread t = new Thread(() -> {
                    try (Connection c = DriverManager.getConnection(url, user, password);
                         PreparedStatement p = c.prepareStatement("UPDATE " + table + " SET tariff = ? WHERE id = ?")) {
                        for (int i = mine; i < total; i += senders) {
                            long intended = start + (long) (i * (1e9 / rate));
                            long wait = intended - System.nanoTime();
                            if (wait > 0) {
                                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                            }
                            p.setString(1, "t" + i + "-" + intended);
                            p.setInt(2, 1 + (i % rows));
                            p.executeUpdate();
                            commitLatency[i] = System.nanoTime() - intended;
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, "sender-" + s);
                t.start();
                threads.add(t);
            }
            for (Thread t : threads) {
                t.join();
            }
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (applied.get() < total && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            follower.stop();
            following.join(10_000);
            long[] done = Arrays.stream(lag).filter(v -> v >= 0).sorted().toArray();
            long[] commit = Arrays.stream(commitLatency).sorted().toArray();
            System.out.printf("{\"engine\":\"sluice migrate --follow\",\"rate\":%d,\"seconds\":%d,\"sent\":%d,\"applied\":%d,"
                            + "\"lag_p50_ms\":%.1f,\"lag_p99_ms\":%.1f,\"lag_max_ms\":%.1f,\"transactions\":%d}%n",
                    rate, seconds, total, done.length, pct(done, 0.50), pct(done, 0.99), pct(done, 1.0), follower.totals().transactions());
            System.out.printf("{\"engine\":\"baseline: the source's commit (UPDATE round trip)\",\"rate\":%d,\"sent\":%d,"
                            + "\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"max_ms\":%.2f}%n", rate, total, pct(commit, 0.50), pct(commit, 0.99), pct(commit, 1.0));
        }
    }

    private static double pct(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1e6;
    }
}
