package io.sluice.local.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.cdr.CdrFormat;
import io.sluice.core.cdr.Rejection;
import io.sluice.core.pipeline.CdrPipelineConfig;
import io.sluice.core.testing.Samples;
import io.sluice.local.store.LocalStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice ingest} end to end on the embedded store (CDR-1, CDR-3, CDR-5, CDR-8, CDR-9). */
class IngestJobTest {
    static final String ANSWERED = "\"acct\",\"2125550100\",\"4155550199\",\"default\",\"\"\"Ann\"\" <2125550100>\",\"SIP/alice-00000001\","
            + "\"SIP/carrier-a-0000000%d\",\"Dial\",\"SIP/carrier-a/4155550199\",\"2026-11-20 10:00:0%d\",\"2026-11-20 10:00:1%d\","
            + "\"2026-11-20 10:02:0%d\",120,110,\"ANSWERED\",\"DOCUMENTATION\",\"1700000000.%d\",\"\"";

    @TempDir
    Path dir;
    LocalStore store;
    LocalCdrPipeline pipeline;
    final List<String> failures = new ArrayList<>();
    final List<String> empties = new ArrayList<>();
    final List<Rejection> rejections = new ArrayList<>();

    @BeforeEach
    void open() {
        store = LocalStore.open(dir.resolve("data"));
        pipeline = new LocalCdrPipeline(store, CdrPipelineConfig.defaults());
    }

    @AfterEach
    void close() {
        store.close();
    }

    IngestSummary ingest(Path... paths) {
        return new IngestJob(pipeline, Optional.empty(), 3, 0, new IngestListener() {
            @Override
            public void fileFailed(String path, String reason) {
                failures.add(path + ": " + reason);
            }

            @Override
            public void rejected(Rejection r) {
                rejections.add(r);
            }

            @Override
            public void fileEmpty(String path) {
                empties.add(path);
            }
        }).run(List.of(paths));
    }

    /** Ingests in chunks of 3 records and fails on the third progress report: a crash after some chunks committed. */
    void runUntilCrash(Path file) {
        IngestListener crashing = new IngestListener() {
            int calls;

            @Override
            public void progress(long bytesDone) {
                if (++calls == 3) {
                    throw new IllegalStateException("simulated crash");
                }
            }
        };
        try {
            new IngestJob(pipeline, Optional.empty(), 3, 0, crashing).run(List.of(file));
        } catch (IllegalStateException expected) {
            assertThat(expected).hasMessage("simulated crash");
        }
    }

    static String line(int i) {
        return String.format(ANSWERED, i, i, i, i, i);
    }

    Path write(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    long query(String sql) throws SQLException {
        try (Statement s = store.connection().createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void ingestsAggregatesAndArchivesAsParquetPartitions() throws Exception {
        Path f = write("a.csv", line(1) + "\n" + line(2) + "\n" + line(3) + "\n" + line(4) + "\n");
        IngestSummary s = ingest(f);
        assertThat(s.recordsIn()).isEqualTo(4);
        assertThat(s.accepted()).isEqualTo(4);
        assertThat(query("SELECT sum(calls) FROM usage_daily")).isEqualTo(4);
        assertThat(query("SELECT sum(attempts) FROM route_hourly WHERE route = 'SIP/carrier-a'")).isEqualTo(4);
        assertThat(pipeline.archive().pendingRows()).isZero();
        assertThat(dir.resolve("data/archive/dt=2026-11-20")).isDirectory();
        assertThat(query("SELECT count(*) FROM " + pipeline.archive().readExpression() + " WHERE dt = '2026-11-20'")).isEqualTo(4);
    }

    @Test
    void ingestingTheSameFileTwiceChangesNothing() throws Exception {
        Path f = write("a.csv", line(1) + "\n" + line(2) + "\n");
        ingest(f);
        IngestSummary again = ingest(f);
        assertThat(again.filesSkipped()).isEqualTo(1);
        assertThat(again.recordsIn()).isEqualTo(2);
        assertThat(again.duplicates()).isEqualTo(2);
        assertThat(again.accepted()).isZero();
        assertThat(query("SELECT sum(calls) FROM usage_daily")).isEqualTo(2);
        try (Stream<Path> files = Files.walk(dir.resolve("data/archive"))) {
            assertThat(files.filter(p -> p.toString().endsWith(".parquet")).count()).isEqualTo(1);
        }
    }

    @Test
    void overlappingFilesCountSharedRecordsOnceAsDuplicates() throws Exception {
        Path a = write("a.csv", line(1) + "\n" + line(2) + "\n" + line(3) + "\n");
        Path b = write("b.csv", line(3) + "\n" + line(4) + "\n");
        IngestSummary s = ingest(a, b);
        assertThat(s.recordsIn()).isEqualTo(5);
        assertThat(s.accepted()).isEqualTo(4);
        assertThat(s.duplicates()).isEqualTo(1);
        assertThat(query("SELECT sum(calls) FROM usage_daily")).isEqualTo(4);
    }

    @Test
    void badInputsBecomeDeadLettersOrFileErrorsAndTheRunGoesOn() throws Exception {
        Path missing = dir.resolve("nope.csv");
        Path empty = write("empty.csv", "");
        Path binary = dir.resolve("blob.bin");
        Files.write(binary, new byte[] {'P', 'K', 3, 4, 0, 0, 1, 2});
        byte[] latin1 = (line(5).replace("Ann", "Jos\u00e9")).getBytes(StandardCharsets.ISO_8859_1);
        Path mixed = dir.resolve("mixed.csv");
        try (var out = Files.newOutputStream(mixed)) {
            out.write((line(1) + "\n").getBytes(StandardCharsets.UTF_8));
            out.write(latin1);
            out.write('\n');
            out.write(("\"x\"," + "9".repeat(70_000) + "\n").getBytes(StandardCharsets.UTF_8));
            out.write((line(2).replace(",120,110,", ",120,130,") + "\n").getBytes(StandardCharsets.UTF_8));
            out.write((line(3) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        IngestSummary s = ingest(missing, empty, binary, mixed);
        // Issue 22: an empty file is not a failure (a freshly rotated Master.csv is empty): 0 records, said once.
        assertThat(s.filesFailed()).isEqualTo(2);
        assertThat(failures).anySatisfy(m -> assertThat(m).contains("nope.csv").contains("no such file"))
                .anySatisfy(m -> assertThat(m).contains("blob.bin").contains("not a text file"))
                .noneSatisfy(m -> assertThat(m).contains("empty.csv"));
        assertThat(empties).singleElement().asString().endsWith("empty.csv");
        assertThat(s.recordsIn()).isEqualTo(5);
        assertThat(s.accepted()).isEqualTo(2);
        assertThat(s.rejected()).isEqualTo(3);
        assertThat(s.recordsIn()).isEqualTo(s.accepted() + s.rejected() + s.duplicates());
        assertThat(rejections).extracting(r -> r.line() + ":" + r.reason())
                .containsExactly("2:NOT_TEXT", "3:LINE_TOO_LONG", "4:BILLSEC_EXCEEDS_DURATION");
        assertThat(rejections.get(0).original()).isEqualTo(latin1);
        assertThat(query("SELECT count(*) FROM dead_letters")).isEqualTo(3);
    }

    @Test
    void aRunStoppedMidFileResumesAndCountsEveryRecordExactlyOnce() throws Exception {
        StringBuilder content = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            content.append(line(i)).append('\n');
        }
        content.append(line(3)).append('\n'); // a duplicate
        content.append(line(4).replace(",120,110,", ",120,130,")).append('\n'); // a rejection
        Path f = write("big.csv", content.toString());
        runUntilCrash(f);
        long committedBefore = query("SELECT chunks_done FROM ingested_files");
        assertThat(committedBefore).isBetween(1L, 3L);

        IngestSummary resumed = ingest(f);

        assertThat(resumed.recordsIn()).isEqualTo(12);
        assertThat(resumed.accepted()).isEqualTo(10);
        assertThat(resumed.duplicates()).isEqualTo(1);
        assertThat(resumed.rejected()).isEqualTo(1);
        assertThat(query("SELECT sum(calls) FROM usage_daily")).isEqualTo(10);
        assertThat(query("SELECT count(*) FROM dead_letters")).isEqualTo(1);
        assertThat(query("SELECT count(*) FROM " + pipeline.archive().readExpression())).isEqualTo(10);
        assertThat(query("SELECT count(DISTINCT record_key) FROM " + pipeline.archive().readExpression())).isEqualTo(10);
    }

    @Test
    void aStrayQuoteCostsOneLineNotTheRecordsAfterIt() throws Exception {
        StringBuilder content = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            String l = String.format(ANSWERED, i % 10, i % 10, i % 10, i % 10, i).replace("1700000000.", "1700000000." + i + "-");
            content.append(i == 1 ? l.replace("\"Dial\"", "\"Di\"al\"") : l).append('\n');
        }
        IngestSummary s = ingest(write("stray.csv", content.toString()));
        assertThat(s.recordsIn()).isEqualTo(200);
        assertThat(s.rejected()).isEqualTo(1);
        assertThat(s.accepted()).isEqualTo(199);
        assertThat(rejections).singleElement().satisfies(r -> {
            assertThat(r.line()).isEqualTo(2);
            assertThat(r.reason()).isEqualTo(io.sluice.core.cdr.RejectReason.BROKEN_QUOTING);
        });
    }

    @Test
    void aFileThatGrewIsReadAgainWithoutRejectingOrCountingAnythingTwice() throws Exception {
        String bad = line(2).replace(",120,110,", ",120,130,");
        Path f = write("Master.csv", line(1) + "\n" + bad + "\n");
        ingest(f);
        Files.writeString(f, line(1) + "\n" + bad + "\n" + line(3) + "\n");

        IngestSummary grown = ingest(f);

        assertThat(grown.recordsIn()).isEqualTo(3);
        assertThat(grown.accepted()).isEqualTo(1);
        assertThat(grown.rejected()).isZero();
        assertThat(grown.duplicates()).isEqualTo(2);
        assertThat(query("SELECT count(*) FROM dead_letters")).isEqualTo(1);
        assertThat(query("SELECT sum(calls) FROM usage_daily")).isEqualTo(2);
    }

    @Test
    void anExportInterruptedByACrashIsFinishedWhenTheStoreOpensAndNothingIsReportedTwice() throws Exception {
        StringBuilder content = new StringBuilder();
        for (int i = 0; i < 9; i++) {
            content.append(line(i)).append('\n');
        }
        runUntilCrash(write("c.csv", content.toString()));
        long staged = pipeline.archive().pendingRows();
        assertThat(staged).isPositive();
        // The crash happened after an export was recorded as started and before it finished.
        try (Statement st = store.connection().createStatement()) {
            st.execute("INSERT INTO archive_exports VALUES (1, " + staged + ", now(), 'started')");
        }

        LocalCdrPipeline reopened = new LocalCdrPipeline(store, CdrPipelineConfig.defaults());

        assertThat(reopened.archive().pendingRows()).isZero();
        assertThat(query("SELECT count(*) FROM " + reopened.archive().readExpression())).isEqualTo(staged);
        assertThat(query("SELECT count(*) FROM archive_exports WHERE status = 'done'")).isEqualTo(1);
        io.sluice.local.report.ReportResult asr = new io.sluice.local.report.ReportRunner(store)
                .run("asr-acd", java.time.LocalDate.of(2026, 11, 1), java.time.LocalDate.of(2026, 11, 30), 0);
        assertThat(asr.rows()).singleElement().satisfies(row -> assertThat(((Number) row.get(2)).longValue()).isEqualTo(staged));
    }

    @Test
    void explicitFormatOverridesDetection() throws Exception {
        Path f = write("fs.csv", "\"Ann\",\"2125550100\",\"4155550199\",\"public\",\"2026-11-20 10:00:00\",\"2026-11-20 10:00:05\","
                + "\"2026-11-20 10:01:05\",\"65\",\"60\",\"NORMAL_CLEARING\",\"u-1\",\"\",\"\",\"PCMU\",\"PCMU\"\n");
        IngestSummary s = new IngestJob(pipeline, Optional.of(CdrFormat.FREESWITCH), 10, 0, new IngestListener() { }).run(List.of(f));
        assertThat(s.accepted()).isEqualTo(1);
    }

    @Test
    void ingestsTheSharedSampleFiles() throws Exception {
        IngestSummary s = ingest(Samples.file("asterisk-testsuite_cdrlib_good.csv"), Samples.file("fafeitsch_asterisk_smallcdr.csv"),
                Samples.file("freeswitch-docs_example-template_Master.csv"));
        assertThat(s.recordsIn()).isEqualTo(55);
        assertThat(s.recordsIn()).isEqualTo(s.accepted() + s.rejected() + s.duplicates());
        assertThat(s.rejected()).isEqualTo(1); // good.csv record 2: billsec 7 > duration 5
        assertThat(query("SELECT sum(calls) FROM usage_daily")).isEqualTo(s.accepted());
    }
}
