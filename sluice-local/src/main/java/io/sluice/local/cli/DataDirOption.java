package io.sluice.local.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The one option every command that opens the store takes. */
public final class DataDirOption {
    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "${env:SLUICE_DATA_DIR:-sluice-data}",
            description = "Where Sluice keeps its state: the DuckDB store and the Parquet archive (default: ${DEFAULT-VALUE}; env SLUICE_DATA_DIR).")
    Path dataDir;
}
