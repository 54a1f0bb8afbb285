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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
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
    @DisplayName("issue 16: asr-acd gives NER (answered + busy + no answer over attempts) and the answer delay, per route; a call "
            + "that failed before it dialed out is under '(not dialed out)', not a trunk")
    void asrNerAndAnswerDelayPerRoute() throws Exception {
        // Ten calls on one trunk, counted by hand: 4 answered (answer 5, 5, 10, 20 s after start), 2 busy, 1 no answer,
        // 2 congestion (no outgoing channel, the Dial target names the trunk), 1 failed before any Dial.
        StringBuilder b = new StringBuilder();
        int[] delays = {5, 5, 10, 20};
        int n = 0;
        for (int d : delays) {
            b.append(call(n++, "SIP/carrier-0000001" + n, "Dial", "SIP/carrier/0044" + n + ",30", d, "ANSWERED")).append('\n');
        }
        b.append(call(n++, "SIP/carrier-00000021", "Dial", "SIP/carrier/00441,30", -1, "BUSY")).append('\n');
        b.append(call(n++, "SIP/carrier-00000022", "Dial", "SIP/carrier/00442,30", -1, "BUSY")).append('\n');
        b.append(call(n++, "SIP/carrier-00000023", "Dial", "SIP/carrier/00443,30", -1, "NO ANSWER")).append('\n');
        b.append(call(n++, "", "Dial", "SIP/carrier/00444,30", -1, "CONGESTION")).append('\n');
        b.append(call(n++, "", "Dial", "SIP/carrier/00445,30", -1, "CONGESTION")).append('\n');
        b.append(call(n++, "", "Playback", "ss-noservice", -1, "FAILED")).append('\n');
        Path f = Files.writeString(dir.resolve("calls.csv"), b);
        try (LocalStore store = LocalStore.open(dir.resolve("data"))) {
            IngestSummary s = new IngestJob(new LocalCdrPipeline(store, CdrPipelineConfig.defaults()), Optional.empty(), 1000, 0,
                    new IngestListener() { }).run(List.of(f));
            assertThat(s.accepted()).isEqualTo(10);
            ReportResult r = new ReportRunner(store).run("asr-acd", LocalDate.of(2026, 11, 1), LocalDate.of(2026, 11, 30), 0);
            List<Object> trunk = r.rows().stream().filter(row -> "SIP/carrier".equals(row.get(1))).findFirst().orElseThrow();
            List<Object> none = r.rows().stream().filter(row -> "(not dialed out)".equals(row.get(1))).findFirst().orElseThrow();
            int attempts = r.columns().indexOf("attempts");
            assertThat(((Number) trunk.get(attempts)).longValue()).isEqualTo(9);
            assertThat(((Number) none.get(attempts)).longValue()).isEqualTo(1);
            assertThat(((Number) trunk.get(r.columns().indexOf("asr_pct"))).doubleValue()).isEqualTo(44.44); // 4 of 9
            assertThat(((Number) trunk.get(r.columns().indexOf("ner_pct"))).doubleValue()).isEqualTo(77.78); // 7 of 9
            assertThat(((Number) trunk.get(r.columns().indexOf("answer_delay_seconds"))).doubleValue()).isEqualTo(10.0); // 40/4
        }
    }

    /** An Asterisk cdr_csv line on 2026-11-20, 60 s long; {@code answerDelay} < 0 for an unanswered call. */
    private static String call(int i, String dstChannel, String lastApp, String lastData, int answerDelay, String disposition) {
        String start = "2026-11-20 10:00:00";
        String answer = answerDelay < 0 ? "" : "2026-11-20 10:00:" + String.format("%02d", answerDelay);
        int billsec = answerDelay < 0 ? 0 : 60 - answerDelay;
        return String.join(",", q("acme"), q("+1415555" + String.format("%04d", i)), q("+442079460" + String.format("%03d", i)),
                q("from-internal"), q("\"A\" <+14155550100>"), q("SIP/alice-0000000" + i), q(dstChannel), q(lastApp), q(lastData),
                q(start), answer.isEmpty() ? "" : q(answer), q("2026-11-20 10:01:00"), "60", Integer.toString(billsec),
                q(disposition), q("DOCUMENTATION"), q("1795860000." + i), q(""));
    }

    private static String q(String v) {
        return '"' + v.replace("\"", "\"\"") + '"';
    }

    @Test
    void unknownReportIsRefusedWithTheList() {
        try (LocalStore store = LocalStore.open(dir.resolve("data"))) {
            assertThatThrownBy(() -> new ReportRunner(store).run("nope", END, END, 0))
                    .hasMessageContaining("Unknown report 'nope'").hasMessageContaining("asr-acd");
        }
    }
}
