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
    @DisplayName("issue 18 (IOT-3): telemetry-rollup per device, metric and hour equals the hour rollups the store folded as it wrote")
    void telemetryRollupMatchesTheStoredRollups() throws Exception {
        long hour = java.time.Instant.parse("2026-11-20T10:00:00Z").toEpochMilli();
        List<io.sluice.core.telemetry.Reading> readings = new java.util.ArrayList<>();
        java.util.Random random = new java.util.Random(18);
        for (int i = 0; i < 500; i++) {
            readings.add(new io.sluice.core.telemetry.Reading("pump-" + (i % 3), hour + random.nextInt(3 * 3_600_000),
                    i % 2 == 0 ? "temperature" : "humidity", Math.round(random.nextDouble() * 1000) / 10.0, "", java.util.Map.of()));
        }
        try (LocalStore store = LocalStore.open(dir.resolve("data"))) {
            var telemetry = new io.sluice.local.store.DuckDbTelemetryStore(store, hour);
            // Two batches, so that a rollup folded across batches is compared too.
            for (List<io.sluice.core.telemetry.Reading> part : List.of(readings.subList(0, 250), readings.subList(250, 500))) {
                store.inTransaction(c -> {
                    telemetry.write(new io.sluice.core.pipeline.BatchId("telemetry:" + part.size() + part.get(0).timestampMillis()), part,
                            List.of(), io.sluice.core.telemetry.Rollups.of(part));
                    return null;
                });
            }
            ReportResult r = new ReportRunner(store).run("telemetry-rollup", END, END, 0);
            List<String> fromReport = new java.util.ArrayList<>();
            int device = r.columns().indexOf("device_id");
            int metric = r.columns().indexOf("metric");
            int count = r.columns().indexOf("readings");
            int min = r.columns().indexOf("min_value");
            int max = r.columns().indexOf("max_value");
            int avg = r.columns().indexOf("avg_value");
            int last = r.columns().indexOf("last_value");
            for (List<Object> row : r.rows()) {
                fromReport.add(row.get(device) + "|" + row.get(metric) + "|" + ((Number) row.get(count)).longValue() + "|" + row.get(min) + "|" + row.get(max)
                        + "|" + String.format("%.6f", ((Number) row.get(avg)).doubleValue()) + "|" + row.get(last));
            }
            List<String> stored = new java.util.ArrayList<>();
            try (var s = store.connection().createStatement(); var rs = s.executeQuery("SELECT device_id, metric, count, min, max, sum, last "
                    + "FROM telemetry_rollups WHERE resolution = 'HOUR' ORDER BY device_id, metric, bucket_start")) {
                while (rs.next()) {
                    stored.add(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getLong(3) + "|" + rs.getDouble(4) + "|" + rs.getDouble(5)
                            + "|" + String.format("%.6f", rs.getDouble(6) / rs.getLong(3)) + "|" + rs.getDouble(7));
                }
            }
            assertThat(fromReport).hasSize(3 * 2 * 3).isEqualTo(stored);
            assertThat(r.rows().stream().mapToLong(row -> ((Number) row.get(count)).longValue()).sum()).isEqualTo(500);
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

    @Test
    @DisplayName("issue 16: a FreeSWITCH call the called user refused (CALL_REJECTED) counts as delivered in NER, not in ASR")
    void userRefusedCountsInNer() throws Exception {
        // Four calls from one context: answered, busy, refused, a network failure: ASR 1/4, NER 3/4.
        String[] causes = {"NORMAL_CLEARING", "USER_BUSY", "CALL_REJECTED", "NORMAL_TEMPORARY_FAILURE"};
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < causes.length; i++) {
            boolean answered = i == 0;
            b.append(String.join(",", q("Ann"), q("+14155550101"), q("+14155550199"), q("public"), q("2026-11-20 10:0" + i + ":00"),
                    q(answered ? "2026-11-20 10:0" + i + ":05" : ""), q("2026-11-20 10:0" + i + ":30"), q("30"), q(answered ? "25" : "0"),
                    q(causes[i]), q("uuid-" + i), q(""), q(""), q("PCMU"), q("PCMU"))).append('\n');
        }
        Path f = Files.writeString(dir.resolve("Master.csv"), b);
        try (LocalStore store = LocalStore.open(dir.resolve("data"))) {
            IngestSummary s = new IngestJob(new LocalCdrPipeline(store, CdrPipelineConfig.defaults()), Optional.of(CdrFormat.FREESWITCH),
                    1000, 0, new IngestListener() { }).run(List.of(f));
            assertThat(s.accepted()).isEqualTo(4);
            ReportResult r = new ReportRunner(store).run("asr-acd", LocalDate.of(2026, 11, 20), LocalDate.of(2026, 11, 20), 0);
            assertThat(r.rows()).hasSize(1);
            assertThat(((Number) r.rows().get(0).get(r.columns().indexOf("asr_pct"))).doubleValue()).isEqualTo(25.0);
            assertThat(((Number) r.rows().get(0).get(r.columns().indexOf("ner_pct"))).doubleValue()).isEqualTo(75.0);
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
    @DisplayName("issue 16: callers without an E.164 number (extension, name, unallocated area code, withheld) are one row, "
            + "'(not E.164)', in every per-subscriber report, and every report's rows add up to every call")
    void nonE164CallersAreTreatedAlikeInEveryReport() throws Exception {
        // Counted by hand: 4 calls from two E.164 subscribers (1 international), 4 from callers that are not (2 international).
        String[][] calls = {
            {"+14155550101", "+14155550199"}, {"+14155550101", "+442079460123"}, {"+14155550101", "+14155550198"},
            {"+14155550102", "+14155550197"},
            {"9007", "+442079460124"}, {"test", "+14155550196"}, {"+11905900260", "+442079460125"}, {"", "+14155550195"}};
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < calls.length; i++) {
            b.append(String.join(",", q(""), q(calls[i][0]), q(calls[i][1]), q("default"), q(""), q("SIP/a-" + i), q("SIP/carrier-" + i),
                    q("Dial"), q("SIP/carrier/" + calls[i][1]), q("2026-11-20 10:0" + i + ":00"), q("2026-11-20 10:0" + i + ":10"),
                    q("2026-11-20 10:0" + i + ":40"), "40", "30", q("ANSWERED"), q("DOCUMENTATION"), q("1795860000." + i), q(""))).append('\n');
        }
        Path f = Files.writeString(dir.resolve("mixed.csv"), b);
        try (LocalStore store = LocalStore.open(dir.resolve("data"))) {
            IngestSummary s = new IngestJob(new LocalCdrPipeline(store, CdrPipelineConfig.defaults()), Optional.empty(), 1000, 0,
                    new IngestListener() { }).run(List.of(f));
            assertThat(s.accepted()).isEqualTo(8);
            ReportRunner runner = new ReportRunner(store);
            LocalDate day = LocalDate.of(2026, 11, 20);
            ReportResult daily = runner.run("daily-usage", day, day, 0);
            ReportResult top = runner.run("top-talkers", day, day, 0);
            for (ReportResult perSubscriber : List.of(daily, top)) {
                int who = perSubscriber.columns().indexOf("subscriber");
                assertThat(perSubscriber.rows()).extracting(r -> r.get(who)).as(perSubscriber.name())
                        .containsExactlyInAnyOrder("+14155550101", "+14155550102", "(not E.164)");
                List<Object> bucket = perSubscriber.rows().stream().filter(r -> "(not E.164)".equals(r.get(who))).findFirst().orElseThrow();
                assertThat(((Number) bucket.get(perSubscriber.columns().indexOf("calls"))).longValue()).as(perSubscriber.name()).isEqualTo(4);
                assertThat(sum(perSubscriber, "calls")).as(perSubscriber.name()).isEqualTo(8);
            }
            assertThat(sum(runner.run("asr-acd", day, day, 0), "attempts")).isEqualTo(8);
            assertThat(sum(runner.run("busy-hour", day, day, 0), "attempts")).isEqualTo(8);
            ReportResult intl = runner.run("international-minutes", day, day, 0);
            assertThat(sum(intl, "calls")).isEqualTo(3);
            assertThat(sum(intl, "callers")).as("+14155550101 and the '(not E.164)' callers").isEqualTo(2);
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
