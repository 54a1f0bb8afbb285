package io.sluice.local.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.cdr.CdrFormat;
import io.sluice.core.pipeline.BatchId;
import io.sluice.core.pipeline.CdrPipelineConfig;
import io.sluice.local.generate.CdrGenerator;
import io.sluice.local.generate.GeneratorSpec;
import io.sluice.local.store.LocalStore;
import io.sluice.local.store.SourceRetraction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22 item 1: {@code sluice ingest --reprocess} takes a file again under other settings. The yardstick: a store
 * where a file went in wrong and was reprocessed is, table by table, the store where it went in right the first time:
 * archive rows, aggregates, dead letters, dedup marks and the manifest (CDR-3, CDR-5, CDR-7, CDR-8, CDR-9).
 */
class ReprocessTest {
    static final LocalDate END = LocalDate.of(2026, 11, 20);
    static final CdrPipelineConfig UTC = CdrPipelineConfig.defaults();
    static final CdrPipelineConfig TOKYO = CdrPipelineConfig.defaults().withSourceZone(ZoneId.of("Asia/Tokyo"));

    @TempDir
    Path dir;
    List<Path> files;
    final List<String> hints = new ArrayList<>();

    @BeforeEach
    void corpus() throws Exception {
        // Two files of one exchange: 3 days, 2 % invalid, 2 % duplicates (some repeated across the files).
        files = List.copyOf(CdrGenerator.generate(new GeneratorSpec(6_000, 300, 3, CdrFormat.ASTERISK, 0.02, 0.02, 5, END, 2, "US"),
                dir.resolve("cdrs"), n -> { }).files());
    }

    IngestJob job(LocalCdrPipeline pipeline, Optional<CdrFormat> format) {
        return new IngestJob(pipeline, format, 700, 0, new IngestListener() {
            @Override
            public void hint(String path, String text) {
                hints.add(text);
            }
        });
    }

    /** The store as its readers see it, after the run's final export: every table that a reprocess must leave as fresh. */
    static Map<String, List<String>> snapshot(LocalStore store) throws SQLException {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("usage_daily", rows(store, "SELECT * FROM usage_daily ORDER BY ALL"));
        m.put("route_hourly", rows(store, "SELECT * FROM route_hourly ORDER BY ALL"));
        boolean archived;
        try (var files = Files.walk(store.archiveDir())) {
            archived = files.anyMatch(f -> f.toString().endsWith(".parquet"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        m.put("archive", !archived ? List.of() : rows(store, "SELECT * EXCLUDE (dt) FROM read_parquet('" + store.archiveDir().toAbsolutePath()
                + "/dt=*/*.parquet', hive_partitioning = true) ORDER BY record_key"));
        m.put("archive partitions", !archived ? List.of() : rows(store, "SELECT dt, count(*) FROM read_parquet('" + store.archiveDir().toAbsolutePath()
                + "/dt=*/*.parquet', hive_partitioning = true) GROUP BY dt ORDER BY dt"));
        m.put("dead_letters", rows(store, "SELECT source, line, reason, detail, hex(original) FROM dead_letters ORDER BY ALL"));
        m.put("cdr_seen", rows(store, "SELECT * FROM cdr_seen ORDER BY ALL"));
        m.put("rejected_seen", rows(store, "SELECT * FROM rejected_seen ORDER BY ALL"));
        m.put("manifest", rows(store, "SELECT path, format, status, chunks_done, records_in, accepted, rejected, duplicates, "
                + "unknown_subscribers FROM ingested_files ORDER BY path"));
        return m;
    }

    static List<String> rows(LocalStore store, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = store.connection().createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder b = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    b.append(i > 1 ? "|" : "").append(rs.getString(i));
                }
                out.add(b.toString());
            }
        }
        return out;
    }

    /** The store where both files went in with {@code config} and their own format, the first time. */
    Map<String, List<String>> fresh(CdrPipelineConfig config) throws SQLException {
        try (LocalStore store = LocalStore.open(dir.resolve("fresh-" + config.sourceZone().getId().replace('/', '-')))) {
            job(new LocalCdrPipeline(store, config), Optional.empty()).run(files);
            return snapshot(store);
        }
    }

    @Test
    @DisplayName("a file dead-lettered under a wrong --format, reprocessed with the right one, leaves the store as if it had gone in right")
    void wrongFormatIsUndone() throws Exception {
        Map<String, List<String>> expected = fresh(UTC);
        try (LocalStore store = LocalStore.open(dir.resolve("data"))) {
            LocalCdrPipeline pipeline = new LocalCdrPipeline(store, UTC);
            job(pipeline, Optional.empty()).run(List.of(files.get(0)));
            IngestSummary wrong = job(pipeline, Optional.of(CdrFormat.FREESWITCH)).run(List.of(files.get(1)));
            assertThat(wrong.rejected()).as("every record of an Asterisk file fails as FreeSWITCH").isEqualTo(wrong.recordsIn() - wrong.duplicates());
            assertThat(hints).singleElement().asString().contains("looks like asterisk", "--reprocess --format asterisk");

            IngestSummary again = job(pipeline, Optional.empty()).run(List.of(files.get(1)));
            assertThat(again.filesSkipped()).as("without --reprocess the file stays done").isEqualTo(1);

            IngestJob redo = job(pipeline, Optional.of(CdrFormat.ASTERISK)).reprocess();
            IngestSummary right = redo.run(List.of(files.get(1)));
            assertThat(right.recordsIn()).isEqualTo(right.accepted() + right.rejected() + right.duplicates());
            IngestJob.Reprocessed r = redo.reprocessed().get(0);
            assertThat(r.before().rejected()).isEqualTo(wrong.rejected());
            assertThat(r.withdrawn().deadLetters()).as("the wrong run's dead letters are superseded").isEqualTo(wrong.rejected());
            assertThat(r.after().accepted()).isEqualTo(right.accepted()).isPositive();
            assertThat(snapshot(store)).isEqualTo(expected);
            assertThat(LocalStoreRows.count(store, "SELECT count(*) FROM dead_letters_superseded")).isEqualTo(wrong.rejected());
        }
    }

    @Test
    @DisplayName("accepted rows under a wrong --source-zone are withdrawn from the Parquet partitions and the aggregates, "
            + "and a second reprocess changes nothing more")
    void wrongZoneIsUndoneTwice() throws Exception {
        Map<String, List<String>> expected = fresh(UTC);
        try (LocalStore store = LocalStore.open(dir.resolve("data"))) {
            job(new LocalCdrPipeline(store, TOKYO), Optional.empty()).run(files);
            assertThat(snapshot(store).get("usage_daily")).as("the zone moves calls to other days").isNotEqualTo(expected.get("usage_daily"));
            LocalCdrPipeline right = new LocalCdrPipeline(store, UTC);
            IngestJob redo = job(right, Optional.empty()).reprocess();
            redo.run(files);
            assertThat(redo.reprocessed()).hasSize(2).allSatisfy(r -> assertThat(r.withdrawn().archiveRows()).isPositive());
            assertThat(snapshot(store)).isEqualTo(expected);
            job(right, Optional.empty()).reprocess().run(files);
            assertThat(snapshot(store)).isEqualTo(expected);
        }
    }

    @Test
    @DisplayName("--dry-run goes through every step, counts what the real run will count, and keeps nothing")
    void dryRunKeepsNothing() throws Exception {
        try (LocalStore store = LocalStore.open(dir.resolve("data"))) {
            job(new LocalCdrPipeline(store, TOKYO), Optional.of(CdrFormat.FREESWITCH)).run(List.of(files.get(1)));
            job(new LocalCdrPipeline(store, TOKYO), Optional.empty()).run(List.of(files.get(0)));
            Map<String, List<String>> before = snapshot(store);
            LocalCdrPipeline right = new LocalCdrPipeline(store, UTC);
            IngestJob dry = job(right, Optional.empty()).reprocess().dryRun();
            IngestSummary would = store.rolledBack(c -> dry.run(files));
            right.archive().deleteOrphans();
            assertThat(snapshot(store)).isEqualTo(before);
            assertThat(Files.list(store.dataDir().resolve("staging")).toList()).as("no staging file outlives the dry run").isEmpty();

            IngestJob real = job(right, Optional.empty()).reprocess();
            IngestSummary did = real.run(files);
            assertThat(would).usingRecursiveComparison().ignoringFields("seconds").isEqualTo(did);
            assertThat(dry.reprocessed()).usingRecursiveComparison().ignoringFields("withdrawn.rewriteId").isEqualTo(real.reprocessed());
            assertThat(snapshot(store)).isEqualTo(fresh(UTC));
        }
    }

    @Test
    @DisplayName("killed after the withdrawal committed and before the Parquet rewrite: the next open finishes it, and the "
            + "file then goes in as new")
    void crashBetweenWithdrawalAndRewrite() throws Exception {
        Map<String, List<String>> expected = fresh(UTC);
        Path data = dir.resolve("data");
        String hash = IngestJob.contentHash(files.get(1));
        String name = files.get(1).toAbsolutePath().normalize().toString();
        try (LocalStore store = LocalStore.open(data)) {
            job(new LocalCdrPipeline(store, UTC), Optional.empty()).run(List.of(files.get(0)));
            LocalCdrPipeline wrong = new LocalCdrPipeline(store, TOKYO);
            job(wrong, Optional.empty()).run(List.of(files.get(1)));
            long chunks = wrong.manifest().find(hash).orElseThrow().progress().chunks();
            List<BatchId> batches = new ArrayList<>();
            for (long c = 1; c <= chunks; c++) {
                batches.add(BatchId.ofFileChunk(hash, c));
            }
            // What withdraw() commits, and then no rewrite: the process dies here.
            SourceRetraction.Withdrawn w = store.inTransaction(c -> {
                SourceRetraction.Withdrawn done = new SourceRetraction(store, wrong.archive()).retract(name, batches, "test", Instant.now());
                wrong.manifest().forget(hash);
                return done;
            });
            assertThat(w.archiveRows()).isPositive();
            // A half-written scratch folder, as a crash during the rewrite leaves it.
            Files.createDirectories(data.resolve("archive-rewrite-" + w.rewriteId()).resolve("dt=2026-11-19"));
            Files.writeString(data.resolve("archive-rewrite-" + w.rewriteId()).resolve("dt=2026-11-19").resolve("part-r000001-0.parquet"), "torn");
        }
        try (LocalStore store = LocalStore.open(data)) {
            LocalCdrPipeline right = new LocalCdrPipeline(store, UTC);
            assertThat(LocalStoreRows.count(store, "SELECT count(*) FROM archive_rewrites WHERE status <> 'done'")).isZero();
            assertThat(Files.exists(data.resolve("archive-rewrite-1"))).isFalse();
            job(right, Optional.empty()).run(List.of(files.get(1)));
            assertThat(snapshot(store)).isEqualTo(expected);
        }
    }

    @Test
    @DisplayName("reprocess without --format takes a file in the format it went in with when the vote cannot place it (before, it "
            + "withdrew the file and then refused it); the same content twice in one run is taken once (dry run too)")
    void reprocessKeepsWhatItCannotRetake() throws Exception {
        // Asterisk records with 'T' in their times: --format asterisk reads them, the format vote cannot place them.
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= 3; i++) {
            b.append(String.join(",", "\"\"", "\"+14155550" + (100 + i) + "\"", "\"+14155550199\"", "\"default\"", "\"\"",
                    "\"SIP/a-" + i + "\"", "\"SIP/carrier-" + i + "\"", "\"Dial\"", "\"SIP/carrier/+14155550199\"",
                    "\"2026-11-20T10:0" + i + ":00\"", "\"2026-11-20T10:0" + i + ":05\"", "\"2026-11-20T10:0" + i + ":40\"", "40", "35",
                    "\"ANSWERED\"", "\"DOCUMENTATION\"", "\"1795860000." + i + "\"", "\"\"")).append('\n');
        }
        Path t = Files.writeString(dir.resolve("t.csv"), b);
        try (LocalStore store = LocalStore.open(dir.resolve("data"))) {
            assertThat(job(new LocalCdrPipeline(store, UTC), Optional.of(CdrFormat.ASTERISK)).run(List.of(t)).accepted()).isEqualTo(3);
            IngestJob redo = job(new LocalCdrPipeline(store, TOKYO), Optional.empty()).reprocess();
            IngestSummary again = redo.run(List.of(t));
            assertThat(again.accepted()).as("taken again as asterisk, its earlier format").isEqualTo(3);
            assertThat(snapshot(store).get("archive")).hasSize(3);
            assertThat(snapshot(store).get("archive").get(0)).contains("2026-11-20 01:0"); // 10:0x Tokyo is 01:0x UTC

            // The same content twice in one run, for real and as a dry run: taken once, the second skipped.
            Path twin = Files.copy(files.get(0), dir.resolve("twin.csv"));
            job(new LocalCdrPipeline(store, UTC), Optional.empty()).run(List.of(files.get(0)));
            Map<String, List<String>> before = snapshot(store);
            IngestJob dry = job(new LocalCdrPipeline(store, UTC), Optional.empty()).reprocess().dryRun();
            IngestSummary would = store.rolledBack(c -> dry.run(List.of(files.get(0), twin)));
            assertThat(would.filesSkipped()).isEqualTo(1);
            assertThat(snapshot(store)).isEqualTo(before);
            IngestSummary did = job(new LocalCdrPipeline(store, UTC), Optional.empty()).reprocess().run(List.of(files.get(0), twin));
            assertThat(did.filesSkipped()).isEqualTo(1);
            assertThat(snapshot(store).get("archive")).isEqualTo(before.get("archive"));
        }
    }

    /** Small queries on a store. */
    static final class LocalStoreRows {
        static long count(LocalStore store, String sql) throws SQLException {
            try (Statement s = store.connection().createStatement(); ResultSet rs = s.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
