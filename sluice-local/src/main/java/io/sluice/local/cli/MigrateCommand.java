package io.sluice.local.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.core.cdr.PhoneNumberNormalizer;
import io.sluice.core.cdr.SubscriberProfile;
import io.sluice.local.migrate.MigrationSource;
import io.sluice.local.migrate.ProfileFollower;
import io.sluice.local.migrate.ProfileMigration;
import io.sluice.local.migrate.ProfileRows;
import io.sluice.local.migrate.ProfileVerification;
import io.sluice.local.store.DuckDbProfileStore;
import io.sluice.local.store.LocalStore;
import io.sluice.local.store.ProfileImporter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sluice migrate}: subscriber profiles from a MySQL-compatible database (MIG-1). */
@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = "Migrate subscriber profiles from a MySQL-compatible database (MariaDB, MySQL) into the profile store.",
        subcommands = {MigrateCommand.Profiles.class, MigrateCommand.Verify.class})
final class MigrateCommand implements Runnable {
    private static final ObjectMapper JSON = new ObjectMapper();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Where the source is and how its table maps onto a profile: the options both subcommands take. */
    static final class SourceOptions {
        @Mixin
        DataDirOption data = new DataDirOption();

        @Option(names = "--source", required = true, paramLabel = "JDBC_URL",
                description = "The database: jdbc:mariadb://HOST:PORT/DB (or jdbc:mysql://...). Put no password in it: use --password-file.")
        String url;

        @Option(names = "--user", paramLabel = "USER", description = "The database user (read access to the table is enough).")
        String user;

        @Option(names = "--password-file", paramLabel = "FILE",
                description = "A file holding the user's password (its first line); keep it mode 0600. Default: no password.")
        Path passwordFile;

        @Option(names = "--table", required = true, paramLabel = "TABLE", description = "The table of profiles (or DB.TABLE).")
        String table;

        @Option(names = "--columns", split = ",", paramLabel = "FIELD=COLUMN",
                description = "The table's column of each profile field when its name differs: msisdn=...,plan=...,home_country=...,status=... "
                        + "A missing status column is not allowed; map it to a column. Default: columns named as the fields.")
        Map<String, String> columns = new LinkedHashMap<>();

        @Option(names = "--key", paramLabel = "COLUMN",
                description = "A unique, non-null column the rows are read in order of and a run resumes after (an indexed one: "
                        + "the primary key). Default: the msisdn column.")
        String key;

        @Option(names = "--default-country", paramLabel = "CC", defaultValue = "US",
                description = "ISO 3166 country for numbers written without a country code, for E.164 normalization. Default: ${DEFAULT-VALUE}.")
        String defaultCountry;

        @Option(names = "--batch", paramLabel = "N", defaultValue = "5000",
                description = "Rows read and committed at a time (memory stays bounded by it). Default: ${DEFAULT-VALUE}.")
        int batch;

        MigrationSource source() throws IOException {
            String password = null;
            if (passwordFile != null) {
                if (!Files.isRegularFile(passwordFile)) {
                    throw new IllegalArgumentException("--password-file " + passwordFile + ": no such file");
                }
                List<String> lines = Files.readAllLines(passwordFile, StandardCharsets.UTF_8);
                password = lines.isEmpty() ? "" : lines.get(0);
            }
            return new MigrationSource(url, user, password, table, columns, key);
        }

        ProfileRows rows() {
            return new ProfileRows(new PhoneNumberNormalizer(defaultCountry, 100_000));
        }

        Path dir() {
            return data.dataDir.resolve("migrate");
        }
    }

    @Command(name = "profiles", mixinStandardHelpOptions = true,
            description = {
                "Full load: reads the table in key order, a batch at a time, and writes its rows as subscriber profiles (numbers",
                "normalized to E.164 as in 'sluice profiles import'). Rows that cannot be profiles (no key, a number that is none,",
                "an empty plan, a home country that is no two-letter code, a status other than active, suspended, barred) are",
                "kept with their key and reason in <data-dir>/migrate/profiles-TABLE.rejected.jsonl. After each batch a",
                "checkpoint names the last key committed: an interrupted run started again resumes after it (--restart starts",
                "over). While 'sluice up' runs, the profiles go through its API, and enrichment uses them from its next batch on.",
                "Then verifies, as 'sluice migrate verify' does."
            },
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:Every row migrated, and the store matches the source.", ExitCodes.HELP_FAILED, ExitCodes.HELP_USAGE,
                "3:Done, but some rows were rejected or the verification found differences."})
    static final class Profiles implements Callable<Integer> {
        @Mixin
        SourceOptions options;

        @Option(names = "--restart", description = "Forget an earlier run's checkpoint and dead letters and load from the first row.")
        boolean restart;

        @Option(names = "--no-verify", description = "Skip the verification after the load.")
        boolean noVerify;

        @Option(names = "--follow", description = {"After the load, keep applying the table's inserts, updates and deletes from the",
            "source's binary log, in commit order, until Ctrl-C; a restart resumes after the last change applied (MIG-3). Needs",
            "binlog_format=ROW and a user with REPLICATION SLAVE and REPLICATION CLIENT."})
        boolean follow;

        @Option(names = "--json", description = "Print the outcome as one JSON object: source_rows, migrated, rejected, seconds, verify.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            PrintStream err = System.err;
            MigrationSource source;
            ProfileMigration migration;
            try {
                source = options.source();
                migration = new ProfileMigration(source, options.rows(), options.dir(), options.batch);
            } catch (IllegalArgumentException e) {
                err.println("sluice: " + e.getMessage());
                return ExitCodes.USAGE;
            }
            if (restart) {
                migration.restart();
            }
            ProgressListener progress = new ProgressListener(err, !json && System.console() != null);
            ProfileMigration.Summary summary;
            ProfileVerification.Result verified = null;
            try (Home home = Home.open(options)) {
                summary = migration.run(home, progress);
                if (!noVerify) {
                    verified = verify(source, options, home);
                }
                if (follow) {
                    progress.close();
                    report(summary, verified, source);
                    return follow(source, migration, home);
                }
            } catch (MigrationSource.SourceException | IllegalStateException e) {
                progress.close();
                err.println("sluice: " + e.getMessage());
                return ExitCodes.FAILED;
            } catch (IllegalArgumentException e) {
                progress.close();
                err.println("sluice: " + e.getMessage());
                return ExitCodes.USAGE;
            }
            progress.close();
            report(summary, verified, source);
            boolean clean = summary.rejected() == 0 && (verified == null || verified.matches());
            return clean ? ExitCodes.OK : ExitCodes.REJECTED;
        }

        /** Follows the binary log until Ctrl-C, then prints what it applied. */
        private int follow(MigrationSource source, ProfileMigration migration, ProfileFollower.Target target) throws IOException {
            ProfileFollower follower = new ProfileFollower(source, options.rows(), migration, options.dir());
            java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
            Thread hook = new Thread(() -> {
                follower.stop();
                try {
                    done.await(10, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "sluice-migrate-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                follower.run(target, line -> System.err.println("sluice: " + line + " (Ctrl-C stops)"));
            } finally {
                ProfileFollower.Totals t = follower.totals();
                if (json) {
                    ObjectNode n = JSON.createObjectNode();
                    n.put("follow_transactions", t.transactions()).put("follow_upserts", t.upserts()).put("follow_deletes", t.deletes())
                            .put("follow_rejected", t.rejected()).put("binlog_file", t.file()).put("binlog_position", t.position());
                    System.out.println(JSON.writeValueAsString(n));
                } else {
                    System.out.printf("followed: %d transactions applied (%d upserts, %d deletes, %d rows rejected), at %s:%d%n",
                            t.transactions(), t.upserts(), t.deletes(), t.rejected(), t.file(), t.position());
                }
                System.out.flush();
                done.countDown();
            }
            return ExitCodes.OK;
        }

        private void report(ProfileMigration.Summary summary, ProfileVerification.Result verified, MigrationSource source) throws IOException {
            if (verified != null) {
                save(options.dir(), source, verified);
            }
            if (json) {
                ObjectNode n = JSON.createObjectNode();
                n.put("source", source.displayUrl()).put("table", source.table()).put("source_rows", summary.sourceRows())
                        .put("migrated", summary.migrated()).put("rejected", summary.rejected())
                        .put("seconds", Math.round(summary.seconds() * 100) / 100.0).put("resumed_after", summary.resumedAfter())
                        .put("last_key", summary.lastKey()).put("dead_letters", summary.deadLetters().toString());
                if (verified != null) {
                    n.set("verify", verifyJson(verified));
                }
                System.out.println(JSON.writeValueAsString(n));
            } else {
                System.out.printf("profiles from %s: %d rows read, %d migrated, %d rejected in %.1f s%s%n", source.table(), summary.sourceRows(),
                        summary.migrated(), summary.rejected(), summary.seconds(),
                        summary.resumedAfter() == null ? "" : " (resumed after key " + summary.resumedAfter() + ")");
                if (summary.rejected() > 0) {
                    System.out.println("rejected rows, with their key and reason: " + summary.deadLetters());
                }
                if (verified != null) {
                    printVerify(verified);
                }
            }
            System.out.flush();
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {
                "Compares the table with the profile store: the row count and an order-independent checksum of the migrated",
                "columns (msisdn, plan, home_country, status) on each side, and the rows that differ, by key. Rows that are no",
                "profile are counted apart. The result is printed and saved in <data-dir>/migrate/profiles-TABLE.verify.json."
            },
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:The store matches the source.", ExitCodes.HELP_FAILED, ExitCodes.HELP_USAGE,
                "3:The verification found differences."})
    static final class Verify implements Callable<Integer> {
        @Mixin
        SourceOptions options;

        @Option(names = "--json", description = "Print the result as JSON.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            MigrationSource source;
            try {
                source = options.source();
            } catch (IllegalArgumentException e) {
                System.err.println("sluice: " + e.getMessage());
                return ExitCodes.USAGE;
            }
            ProfileVerification.Result r;
            try (Home home = Home.open(options)) {
                r = verify(source, options, home);
            } catch (MigrationSource.SourceException | IllegalStateException e) {
                System.err.println("sluice: " + e.getMessage());
                return ExitCodes.FAILED;
            }
            Path saved = save(options.dir(), source, r);
            if (json) {
                System.out.println(JSON.writeValueAsString(verifyJson(r)));
            } else {
                printVerify(r);
                System.out.println("saved in " + saved);
            }
            return r.matches() ? ExitCodes.OK : ExitCodes.REJECTED;
        }
    }

    /** The verification, a page of lookups at a time (at most what {@code POST /v1/profiles/lookup} takes). */
    private static ProfileVerification.Result verify(MigrationSource source, SourceOptions options, Home home) {
        return new ProfileVerification(source, options.rows(), Math.min(options.batch, 10_000)).run(home::lookup);
    }

    /**
     * Where the profiles go and are read from: the store this command opens, or the running 'sluice up' that owns it
     * (one owner of the store), through its API.
     */
    private abstract static class Home implements ProfileMigration.Sink, ProfileFollower.Target, AutoCloseable {
        abstract Map<String, SubscriberProfile> lookup(java.util.Collection<String> msisdns);

        @Override
        public void close() {
        }

        static Home open(SourceOptions options) {
            Optional<UpClient> up = UpClient.of(options.data.dataDir);
            if (up.isPresent()) {
                return new Home() {
                    @Override
                    public long write(List<SubscriberProfile> profiles) {
                        return postProfiles(up.get(), profiles, options.dir());
                    }

                    @Override
                    public long delete(List<String> msisdns) {
                        return postNumbers(up.get(), "/v1/profiles/delete", msisdns, "delete profiles").path("deleted").asLong();
                    }

                    @Override
                    Map<String, SubscriberProfile> lookup(java.util.Collection<String> msisdns) {
                        Map<String, SubscriberProfile> out = new LinkedHashMap<>();
                        postNumbers(up.get(), "/v1/profiles/lookup", msisdns, "look up profiles").path("profiles").fields()
                                .forEachRemaining(e -> out.put(e.getKey(), new SubscriberProfile(e.getKey(), e.getValue().path("plan").asText(),
                                        e.getValue().path("home_country").asText(), e.getValue().path("status").asText())));
                        return out;
                    }
                };
            }
            LocalStore store = LocalStore.open(options.data.dataDir);
            io.sluice.local.migrate.StoreTarget target = new io.sluice.local.migrate.StoreTarget(
                    new ProfileImporter(store, new PhoneNumberNormalizer(options.defaultCountry, 100_000)), options.dir());
            DuckDbProfileStore profiles = new DuckDbProfileStore(store);
            return new Home() {
                @Override
                public long write(List<SubscriberProfile> page) {
                    return target.write(page);
                }

                @Override
                public long delete(List<String> msisdns) {
                    return target.delete(msisdns);
                }

                @Override
                Map<String, SubscriberProfile> lookup(java.util.Collection<String> msisdns) {
                    return profiles.findAll(msisdns);
                }

                @Override
                public void close() {
                    store.close();
                }
            };
        }
    }

    /** {@code {"msisdns": [...]}} POSTed to the running 'sluice up'; its answer, or a failure saying what it did not do. */
    private static com.fasterxml.jackson.databind.JsonNode postNumbers(UpClient up, String path, java.util.Collection<String> msisdns,
                                                                       String what) {
        ObjectNode req = JSON.createObjectNode();
        ArrayNode list = req.putArray("msisdns");
        msisdns.forEach(list::add);
        try {
            var resp = up.post(path, "application/json", JSON.writeValueAsBytes(req));
            if (resp.statusCode() != 200) {
                throw new IllegalStateException("'sluice up' did not " + what + ": " + UpClient.error(resp));
            }
            return JSON.readTree(resp.body());
        } catch (IOException e) {
            throw new IllegalStateException("'sluice up' answered unreadably when asked to " + what + ": " + e.getMessage());
        }
    }

    private static long postProfiles(UpClient up, List<SubscriberProfile> page, Path dir) {
        Path csv = io.sluice.local.migrate.StoreTarget.pageCsv(page, dir);
        try {
            var resp = up.post("/v1/profiles?name=migration", "text/csv", csv);
            if (resp.statusCode() != 200) {
                throw new IllegalStateException("'sluice up' refused a batch of profiles: " + UpClient.error(resp));
            }
            var n = JSON.readTree(resp.body());
            if (n.path("rejected").asLong() != 0) {
                throw new IllegalStateException("'sluice up' refused profiles the migration accepted: " + n.path("problems").path(0).asText());
            }
            return n.path("imported").asLong();
        } catch (IOException e) {
            throw new IllegalStateException("'sluice up' answered a batch of profiles unreadably: " + e.getMessage());
        } finally {
            io.sluice.local.migrate.StoreTarget.deleteQuietly(csv);
        }
    }

    private static ObjectNode verifyJson(ProfileVerification.Result r) {
        ObjectNode n = JSON.createObjectNode();
        n.put("matches", r.matches()).put("source_rows", r.sourceRows()).put("source_profiles", r.sourceProfiles())
                .put("target_profiles", r.targetProfiles()).put("rejected_rows", r.rejectedRows())
                .put("source_checksum", r.sourceChecksum()).put("target_checksum", r.targetChecksum())
                .put("mismatches", r.mismatches()).put("seconds", Math.round(r.seconds() * 100) / 100.0);
        ArrayNode list = n.putArray("listed");
        for (ProfileVerification.Mismatch m : r.listed()) {
            list.addObject().put("key", m.key()).put("msisdn", m.msisdn()).put("source", m.expected()).put("store", m.found());
        }
        return n;
    }

    private static Path save(Path dir, MigrationSource source, ProfileVerification.Result r) throws IOException {
        Files.createDirectories(dir);
        Path f = dir.resolve("profiles-" + source.table().replaceAll("[^A-Za-z0-9_$.-]", "_") + ".verify.json");
        ObjectNode n = verifyJson(r);
        n.put("source", source.displayUrl()).put("table", source.table()).put("verified_at", java.time.Instant.now().toString());
        Files.write(f, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n));
        return f;
    }

    private static void printVerify(ProfileVerification.Result r) {
        System.out.printf("verify: source %d profiles (checksum %s), store %d (checksum %s), %d rows no profile: %s%n",
                r.sourceProfiles(), r.sourceChecksum(), r.targetProfiles(), r.targetChecksum(), r.rejectedRows(),
                r.matches() ? "they match" : r.mismatches() + " differ");
        for (ProfileVerification.Mismatch m : r.listed()) {
            System.out.println("  key " + m.key() + ": source " + m.expected() + ", store " + (m.found() == null ? "(none)" : m.found()));
        }
        if (r.mismatches() > r.listed().size()) {
            System.out.println("  ... and " + (r.mismatches() - r.listed().size()) + " more");
        }
    }

    /** A progress bar over the source's rows, on a terminal only, on stderr; the first rejected rows as lines. */
    private static final class ProgressListener implements ProfileMigration.Listener {
        private final PrintStream err;
        private final boolean show;
        private ProgressBar bar;
        private int shown;

        ProgressListener(PrintStream err, boolean show) {
            this.err = err;
            this.show = show;
        }

        @Override
        public void started(long sourceRows, long alreadyRead) {
            if (show) {
                bar = new ProgressBarBuilder().setTaskName("migrate").setInitialMax(Math.max(sourceRows, alreadyRead)).setUnit(" rows", 1)
                        .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250)
                        .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(err)).showSpeed().build();
                bar.stepTo(alreadyRead);
            }
        }

        @Override
        public void page(long rowsRead) {
            if (bar != null) {
                if (rowsRead > bar.getMax()) {
                    bar.maxHint(rowsRead);
                }
                bar.stepTo(rowsRead);
            }
        }

        @Override
        public void rejected(String key, String reason) {
            if (shown++ < 10) {
                if (bar != null) {
                    bar.pause();
                }
                err.println("rejected key " + key + ": " + reason);
                if (bar != null) {
                    bar.resume();
                }
            }
        }

        void close() {
            if (bar != null) {
                bar.close();
                bar = null;
            }
        }
    }
}
