package io.sluice.local.cli;

import io.sluice.core.pipeline.CdrPipelineConfig;
import java.nio.file.Path;
import java.time.ZoneId;
import picocli.CommandLine.Option;

/** Options shared by every command that opens the store (OPS-4: every setting has a flag, a default and a description). */
public final class StoreOptions {
    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "${env:SLUICE_DATA_DIR:-sluice-data}",
            description = "Where Sluice keeps its state: the DuckDB store and the Parquet archive (default: ${DEFAULT-VALUE}; env SLUICE_DATA_DIR).")
    Path dataDir;

    @Option(names = "--source-zone", paramLabel = "ZONE", defaultValue = "UTC",
            description = "Time zone the CSV timestamps were written in; CDR files carry none (Asterisk usegmtime=yes means UTC). Default: ${DEFAULT-VALUE}.")
    ZoneId sourceZone;

    @Option(names = "--default-country", paramLabel = "CC", defaultValue = "US",
            description = "ISO 3166 country for numbers written without a country code, for E.164 normalization. Default: ${DEFAULT-VALUE}.")
    String defaultCountry;

    CdrPipelineConfig pipelineConfig() {
        return CdrPipelineConfig.defaults().withSourceZone(sourceZone).withDefaultCountry(defaultCountry);
    }
}
