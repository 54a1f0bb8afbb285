package io.sluice.local.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.monitoring.PeriodMetrics.Period;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MON-1, MON-2 on one machine: the minutes of the functions and the error log's fallback. */
class MonitoringStoreTest {
    private static final Instant T = Instant.parse("2026-12-04T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    @DisplayName("a minute saved twice adds up (p99 and max: the larger), minutes older than the cut are purged")
    void minutes() {
        try (LocalStore store = LocalStore.open(dir); DuckDbFunctionMinutes minutes = new DuckDbFunctionMinutes(store)) {
            minutes.add(List.of(new Period("fn", T, 10, 1, 0, 100, 30, 25), new Period("fn", T.plusSeconds(60), 5, 0, 2, 50, 12, 11)));
            minutes.add(List.of(new Period("fn", T, 4, 2, 1, 40, 50, 45)));
            List<Period> saved = minutes.since(T);
            assertThat(saved).containsExactly(new Period("fn", T, 14, 3, 1, 140, 50, 45),
                    new Period("fn", T.plusSeconds(60), 5, 0, 2, 50, 12, 11));
            assertThat(minutes.purge(T.plusSeconds(60))).isEqualTo(1);
            assertThat(minutes.since(Instant.EPOCH)).extracting(Period::start).containsExactly(T.plusSeconds(60));
        }
    }

    @Test
    @DisplayName("an error log that cannot write prints the entry on standard error and still answers its id")
    void errorLogFallback() {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (LocalStore store = LocalStore.open(dir)) {
            DuckDbErrorLog log = new DuckDbErrorLog(store, new Random(1));
            log.close(); // its connection gone: every write fails
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            String id = log.record("inbox", T, new IllegalStateException("disk full"), 3, "{}");
            assertThat(id).startsWith("20261204T100000.000Z-");
        } finally {
            System.setErr(err);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8)).contains("\"error_log\":\"unavailable").contains("\"function_name\":\"inbox\"")
                .contains("disk full");
    }
}
