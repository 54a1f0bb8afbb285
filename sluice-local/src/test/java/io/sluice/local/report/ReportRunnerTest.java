package io.sluice.local.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.cdr.CdrFormat;
import io.sluice.core.pipeline.CdrPipelineConfig;
import io.sluice.core.report.ReportCatalog;
import io.sluice.local.generate.CdrGenerator;
import io.sluice.local.generate.GeneratorSpec;
import io.sluice.local.ingest.IngestJob;
import io.sluice.local.ingest.IngestListener;
import io.sluice.local.ingest.IngestSummary;
import io.sluice.local.ingest.LocalCdrPipeline;
import io.sluice.local.store.LocalStore;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ANA-2: the report SQL files run unchanged over the local archive and agree with what was ingested. */
class ReportRunnerTest {
    static final LocalDate END = LocalDate.of(2026, 11, 20);

    @TempDir
    Path dir;

    static long sum(ReportResult r, String column) {
        int i = r.columns().indexOf(column);
        return r.rows().stream().mapToLong(row -> ((Number) row.get(i)).longValue()).sum();
    }

    @Test
    void everyReportRunsOnAnEmptyStore() {
        try (LocalStore store = LocalStore.open(dir.resolve("data"))) {
            ReportRunner runner = new ReportRunner(store);
            for (String name : ReportCatalog.NAMES) {
                assertThat(runner.run(name, END.minusDays(7), END, 0).rows()).as(name).isEmpty();
            }
        }
    }

    @Test
    void reportsCountEveryAcceptedRecordOnce() throws Exception {
        var gen = CdrGenerator.generate(new GeneratorSpec(20_000, 500, 3, CdrFormat.ASTERISK, 0.02, 0.02, 9, END, 2, "US"),
                dir.resolve("in"), n -> { });
        try (LocalStore store = LocalStore.open(dir.resolve("data"))) {
            IngestSummary s = new IngestJob(new LocalCdrPipeline(store, CdrPipelineConfig.defaults()), Optional.empty(), 3_000, 0,
                    new IngestListener() { }).run(List.copyOf(gen.files()));
            ReportRunner runner = new ReportRunner(store);
            ReportResult asr = runner.run("asr-acd", END.minusDays(10), END, 0);
            assertThat(sum(asr, "attempts")).isEqualTo(s.accepted());
            assertThat(sum(runner.run("busy-hour", END.minusDays(10), END, 0), "attempts")).isEqualTo(s.accepted());
            assertThat(sum(runner.run("daily-usage", END.minusDays(10), END, 0), "calls")).isEqualTo(s.accepted());
            assertThat(runner.run("top-talkers", END.minusDays(10), END, 0).rows()).hasSize(20);
            assertThat(sum(runner.run("international-minutes", END.minusDays(10), END, 0), "calls")).isPositive();
            assertThat(runner.run("asr-acd", END.minusDays(10), END, 5).rows()).hasSize(5);
            assertThat(runner.run("asr-acd", END.plusDays(1), END.plusDays(2), 0).rows()).isEmpty();
        }
    }

    @Test
    void unknownReportIsRefusedWithTheList() {
        try (LocalStore store = LocalStore.open(dir.resolve("data"))) {
            assertThatThrownBy(() -> new ReportRunner(store).run("nope", END, END, 0))
                    .hasMessageContaining("Unknown report 'nope'").hasMessageContaining("asr-acd");
        }
    }
}
