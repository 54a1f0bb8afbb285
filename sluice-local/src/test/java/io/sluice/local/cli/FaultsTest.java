package io.sluice.local.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.sluice.core.cdr.CdrFormat;
import io.sluice.core.pipeline.CdrPipelineConfig;
import io.sluice.local.generate.CdrGenerator;
import io.sluice.local.generate.GeneratorSpec;
import io.sluice.local.ingest.IngestJob;
import io.sluice.local.ingest.IngestListener;
import io.sluice.local.ingest.IngestSummary;
import io.sluice.local.ingest.LocalCdrPipeline;
import io.sluice.local.store.LocalStore;
import io.sluice.local.store.StoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 22 item 9: faults of the machine name their cause, where, and that a re-run is safe. */
class FaultsTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("a full disk mid-ingest (a real ENOSPC, from /dev/full) is said as such, with the file; the re-run counts every record once")
    void fullDiskMidIngest() throws Exception {
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/full")), "/dev/full (Linux) is needed to make a real ENOSPC");
        Path file = CdrGenerator.generate(new GeneratorSpec(2_000, 100, 2, CdrFormat.ASTERISK, 0, 0, 3, LocalDate.of(2026, 11, 20), 1, "US"),
                dir.resolve("in"), n -> { }).files().get(0);
        Path staged = dir.resolve("data").resolve("staging").resolve("usage.csv"); // the aggregates, staged by every chunk
        try (LocalStore store = LocalStore.open(dir.resolve("data"))) {
            LocalCdrPipeline pipeline = new LocalCdrPipeline(store, CdrPipelineConfig.defaults());
            IngestListener fillsTheDisk = new IngestListener() {
                @Override
                public void started(long totalBytes) {
                    try {
                        // From here on, the dedup staging file is a device that answers every write with ENOSPC.
                        Files.createDirectories(staged.getParent());
                        Files.createSymbolicLink(staged, Path.of("/dev/full"));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            };
            Throwable fault = catchThrowable(() -> new IngestJob(pipeline, Optional.empty(), 500, 0, fillsTheDisk).run(List.of(file)));
            assertThat(fault).isNotNull();
            String said = Faults.explain(fault).orElseThrow(() -> new AssertionError("not recognised", fault));
            assertThat(said).startsWith("no space left on device writing " + staged).contains("run the same command again")
                    .doesNotContain("Exception");
            Files.delete(staged);
            IngestSummary again = new IngestJob(pipeline, Optional.empty(), 500, 0, new IngestListener() { }).run(List.of(file));
            assertThat(again.recordsIn()).isEqualTo(2_000);
            assertThat(again.accepted()).isEqualTo(2_000);
        }
    }

    @Test
    @DisplayName("DuckDB's, the JDK's and Sluice's own wrappings of ENOSPC, EACCES and EROFS are all recognised; other faults are not")
    void causesInAnyWrapping() {
        SQLException duck = new SQLException("IO Error: Could not write file \"/srv/sluice/sluice.duckdb.wal\": No space left on device");
        assertThat(Faults.explain(new StoreException("Store transaction failed: " + duck.getMessage(), duck)))
                .hasValueSatisfying(s -> assertThat(s).startsWith("no space left on device writing /srv/sluice/sluice.duckdb.wal"));
        assertThat(Faults.explain(new StoreException("Cannot stage 5 archive rows", new AccessDeniedException("/srv/sluice/staging/a.csv"))))
                .hasValueSatisfying(s -> assertThat(s).startsWith("permission denied writing /srv/sluice/staging/a.csv: the data dir"));
        assertThat(Faults.explain(new UncheckedIOException(new FileSystemException("/mnt/ro/sluice.duckdb", null, "Read-only file system"))))
                .hasValueSatisfying(s -> assertThat(s).startsWith("the file system is read-only writing /mnt/ro/sluice.duckdb"));
        assertThat(Faults.explain(new IllegalStateException("Export the staged archive rows first"))).isEmpty();
        assertThat(Faults.explain(new StoreException("Cannot open the store: Catalog Error", new SQLException("Catalog Error")))).isEmpty();
    }
}
