package io.sluice.bench;

import io.sluice.core.report.ReportCatalog;
import io.sluice.local.report.ReportResult;
import io.sluice.local.report.ReportRunner;
import io.sluice.local.store.LocalStore;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;

/**
 * Times every standard report over an ingested data dir (ANA-2): each report runs 5 times over the whole
 * archive, once with {@code sluice report}'s default limit of 100 rows and once fetching every row into Java
 * (skipped when there are more than 100 rows);
 * prints one JSON line per report and limit with the best and median time.
 * Usage: {@code ReportTimer DATA_DIR}.
 */
public final class ReportTimer {
    public static void main(String[] args) {
        try (LocalStore store = LocalStore.open(Path.of(args[0]))) {
            ReportRunner runner = new ReportRunner(store);
            for (String name : ReportCatalog.NAMES) {
                int shown = 0;
                for (int limit : new int[] {100, 0}) {
                    if (limit == 0 && shown == 100) {
                        // Millions of rows into Java measure JDBC, not the report: say so instead of timing it.
                        System.out.printf("{\"report\":\"%s\",\"limit\":0,\"skipped\":\"more than 100 rows\"}%n", name);
                        continue;
                    }
                    double[] t = new double[5];
                    int rows = 0;
                    for (int i = 0; i < t.length; i++) {
                        long t0 = System.nanoTime();
                        ReportResult r = runner.run(name, LocalDate.of(1990, 1, 1), LocalDate.of(2199, 12, 31), limit);
                        t[i] = (System.nanoTime() - t0) / 1e9;
                        rows = r.rows().size();
                    }
                    Arrays.sort(t);
                    shown = rows;
                    System.out.printf("{\"report\":\"%s\",\"limit\":%d,\"rows\":%d,\"best_s\":%.3f,\"median_s\":%.3f}%n",
                            name, limit, rows, t[0], t[2]);
                }
            }
        }
    }
}
