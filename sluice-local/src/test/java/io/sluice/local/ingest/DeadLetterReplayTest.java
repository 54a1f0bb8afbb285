package io.sluice.local.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.cdr.CdrFormat;
import io.sluice.core.cdr.RejectReason;
import io.sluice.core.pipeline.CdrPipelineConfig;
import io.sluice.local.generate.CdrGenerator;
import io.sluice.local.generate.GeneratorSpec;
import io.sluice.local.store.LocalStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 22 item 1: {@code sluice dlq replay}, the local twin of the AWS redrive (CDR-3, CDR-5, CDR-8). */
class DeadLetterReplayTest {
    @TempDir
    Path dir;
    Path file;
    Path copy;

    @BeforeEach
    void corpus() throws Exception {
        // One file of 3 days, 2 % invalid and 2 % repeated records; and the same records under another name.
        file = CdrGenerator.generate(new GeneratorSpec(3_000, 200, 3, CdrFormat.ASTERISK, 0.02, 0.02, 7, LocalDate.of(2026, 11, 20), 1,
                "US"), dir.resolve("cdrs"), n -> { }).files().get(0);
        copy = dir.resolve("again").resolve("copy.csv");
        Files.createDirectories(copy.getParent());
        Files.writeString(copy, Files.readString(file) + "\n");
    }

    static IngestSummary ingest(LocalCdrPipeline p, Optional<CdrFormat> format, Path f) {
        return new IngestJob(p, format, 500, 0, new IngestListener() { }).run(List.of(f));
    }

    static DeadLetterReplay.Result replay(LocalCdrPipeline p, Optional<CdrFormat> format, Optional<RejectReason> reason) {
        DeadLetterReplay.Result r = new DeadLetterReplay(p, format, 400).run(reason, Optional.empty());
        p.flush();
        return r;
    }

    /** What a replay must make equal to a fresh ingest: the records, their aggregates, the true dead letters, the keys. */
    static Map<String, List<String>> outcome(LocalStore s) throws Exception {
        Map<String, List<String>> m = ReprocessTest.snapshot(s);
        m.remove("manifest"); // the file's own entry still says what its ingest counted; the replay is counted on its own
        m.put("cdr_seen", ReprocessTest.rows(s, "SELECT k_hi, k_lo FROM cdr_seen ORDER BY ALL"));
        m.put("rejected_seen", ReprocessTest.rows(s, "SELECT k_hi, k_lo FROM rejected_seen ORDER BY ALL"));
        return m;
    }

    @Test
    @DisplayName("dead letters of a wrong --format, replayed as the right one (given or recognised), come out as a fresh ingest; "
            + "the truly invalid ones are rejected again, each once")
    void replayUndoesAWrongFormat() throws Exception {
        Map<String, List<String>> expected;
        long invalid;
        try (LocalStore fresh = LocalStore.open(dir.resolve("fresh"))) {
            LocalCdrPipeline p = new LocalCdrPipeline(fresh, CdrPipelineConfig.defaults());
            invalid = ingest(p, Optional.empty(), file).rejected();
            expected = outcome(fresh);
        }
        for (Optional<CdrFormat> given : List.of(Optional.of(CdrFormat.ASTERISK), Optional.<CdrFormat>empty())) {
            try (LocalStore s = LocalStore.open(dir.resolve("data-" + given.map(CdrFormat::cliName).orElse("auto")))) {
                LocalCdrPipeline p = new LocalCdrPipeline(s, CdrPipelineConfig.defaults());
                IngestSummary wrong = ingest(p, Optional.of(CdrFormat.FREESWITCH), file);
                long letters = ReprocessTest.LocalStoreRows.count(s, "SELECT count(*) FROM dead_letters");
                assertThat(letters).isEqualTo(wrong.rejected());

                DeadLetterReplay.Result r = replay(p, given, Optional.empty());
                assertThat(r.selected()).isEqualTo(letters);
                assertThat(r.replayed()).isEqualTo(letters);
                assertThat(r.recordsIn()).isEqualTo(r.accepted() + r.rejected() + r.duplicates()).isEqualTo(letters);
                assertThat(r.rejected()).as("the generator's invalid records, rejected again").isEqualTo(invalid).isPositive();
                assertThat(outcome(s)).as(given.toString()).isEqualTo(expected);
                assertThat(ReprocessTest.LocalStoreRows.count(s, "SELECT count(*) FROM dead_letters_superseded")).isEqualTo(letters);

                // Again: only the invalid ones are left, and they stay, once each.
                DeadLetterReplay.Result again = replay(p, given, Optional.empty());
                assertThat(again.replayed()).isEqualTo(invalid);
                assertThat(again.rejected()).isEqualTo(invalid);
                assertThat(outcome(s)).isEqualTo(expected);
            }
        }
    }

    @Test
    @DisplayName("a dead letter whose record was accepted since (from another file) is a duplicate, not a second copy")
    void acceptedSinceIsADuplicate() throws Exception {
        try (LocalStore s = LocalStore.open(dir.resolve("data"))) {
            LocalCdrPipeline p = new LocalCdrPipeline(s, CdrPipelineConfig.defaults());
            IngestSummary wrong = ingest(p, Optional.of(CdrFormat.FREESWITCH), file);
            IngestSummary right = ingest(p, Optional.empty(), copy);
            long archived = ReprocessTest.rows(s, "SELECT record_key FROM read_parquet('" + s.archiveDir() + "/dt=*/*.parquet')").size();
            DeadLetterReplay.Result r = replay(p, Optional.of(CdrFormat.ASTERISK), Optional.empty());
            assertThat(r.accepted()).isZero();
            // The valid ones were accepted from the copy; the invalid ones were the copy's duplicates and are rejected now.
            assertThat(r.duplicates()).isEqualTo(right.accepted()).isPositive();
            assertThat(r.recordsIn()).isEqualTo(r.duplicates() + r.rejected());
            assertThat(ReprocessTest.LocalStoreRows.count(s, "SELECT count(*) FROM dead_letters")).isEqualTo(r.rejected());
            assertThat(ReprocessTest.rows(s, "SELECT record_key FROM read_parquet('" + s.archiveDir() + "/dt=*/*.parquet')"))
                    .hasSize((int) archived).doesNotHaveDuplicates();
            assertThat(right.accepted()).isEqualTo(archived);
            assertThat(wrong.rejected()).isGreaterThanOrEqualTo(r.selected());
        }
    }

    @Test
    @DisplayName("dead letters a replay left in the queue (no format recognised) are replayed later with --format, archived and "
            + "counted: a later replay is a batch of its own")
    void leftBehindThenReplayedIsArchived() throws Exception {
        // Asterisk records whose times are written with a 'T': the format vote cannot place them, --format asterisk reads them.
        java.util.function.IntFunction<String> tStamped = i -> String.join(",", "\"\"", "\"+14155550" + (100 + i) + "\"",
                "\"+14155550199\"", "\"default\"", "\"\"", "\"SIP/a-" + i + "\"", "\"SIP/carrier-" + i + "\"", "\"Dial\"",
                "\"SIP/carrier/+14155550199\"", "\"2026-11-20T10:0" + i + ":00\"", "\"2026-11-20T10:0" + i + ":05\"",
                "\"2026-11-20T10:0" + i + ":40\"", "40", "35", "\"ANSWERED\"", "\"DOCUMENTATION\"", "\"1795860000." + i + "\"", "\"\"");
        Path a = Files.writeString(dir.resolve("a.csv"), tStamped.apply(1) + "\n" + tStamped.apply(2) + "\n");
        Path c = Files.writeString(dir.resolve("c.csv"), tStamped.apply(3) + "\n");
        try (LocalStore s = LocalStore.open(dir.resolve("data"))) {
            LocalCdrPipeline p = new LocalCdrPipeline(s, CdrPipelineConfig.defaults());
            // Dead letter ids in the order X, Y..., X: a, then the generated file, then c, all under the wrong format.
            ingest(p, Optional.of(CdrFormat.FREESWITCH), a);
            // Y: two ordinary Asterisk records (the format vote places them), no invalid one, so the first replay adds no
            // dead letter and the second replay's page spans the same ids as the first's.
            Path yFile = Files.writeString(dir.resolve("y.csv"), tStamped.apply(4).replace('T', ' ').replace("SIP/a-4", "SIP/aT-4") + "\n"
                    + tStamped.apply(5).replace('T', ' ') + "\n");
            IngestSummary y = ingest(p, Optional.of(CdrFormat.FREESWITCH), yFile);
            ingest(p, Optional.of(CdrFormat.FREESWITCH), c);
            DeadLetterReplay.Result first = new DeadLetterReplay(p, Optional.empty(), 100_000).run(Optional.empty(), Optional.empty());
            p.flush();
            assertThat(first.leftUnknownFormat()).as(first.toString()).isEqualTo(3);
            DeadLetterReplay.Result second = new DeadLetterReplay(p, Optional.of(CdrFormat.ASTERISK), 100_000)
                    .run(Optional.empty(), Optional.empty());
            p.flush();
            assertThat(first.accepted()).isEqualTo(2);
            assertThat(second.replayed()).isEqualTo(3);
            assertThat(second.accepted()).isEqualTo(3);
            long archived = ReprocessTest.rows(s, "SELECT record_key FROM read_parquet('" + s.archiveDir() + "/dt=*/*.parquet')").size();
            assertThat(archived).as("every accepted record archived, the late three too").isEqualTo(first.accepted() + 3);
            assertThat(ReprocessTest.LocalStoreRows.count(s, "SELECT sum(calls) FROM usage_daily")).isEqualTo(first.accepted() + 3);
            assertThat(y.rejected()).isEqualTo(2);
        }
    }

    @Test
    @DisplayName("--dry-run counts what the replay will count and keeps nothing")
    void dryRunKeepsNothing() throws Exception {
        try (LocalStore s = LocalStore.open(dir.resolve("data"))) {
            LocalCdrPipeline p = new LocalCdrPipeline(s, CdrPipelineConfig.defaults());
            ingest(p, Optional.of(CdrFormat.FREESWITCH), file);
            Map<String, List<String>> before = ReprocessTest.snapshot(s);
            DeadLetterReplay.Result would = s.rolledBack(c -> new DeadLetterReplay(p, Optional.empty(), 400).run(Optional.empty(), Optional.empty()));
            p.archive().deleteOrphans();
            assertThat(ReprocessTest.snapshot(s)).isEqualTo(before);
            assertThat(replay(p, Optional.empty(), Optional.empty())).isEqualTo(would);
        }
    }
}
