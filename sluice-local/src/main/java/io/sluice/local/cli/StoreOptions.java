package io.sluice.local.cli;

import io.sluice.core.pipeline.CdrPipelineConfig;
import java.time.ZoneId;
import picocli.CommandLine.Option;

/**
 * Options of the commands that process CDRs (OPS-4: every setting has a flag, a default and a description).
 * The data dir comes from {@link DataDirOption}.
 */
public final class StoreOptions {
    @picocli.CommandLine.Mixin
    DataDirOption data = new DataDirOption();

    @Option(names = "--source-zone", paramLabel = "ZONE", defaultValue = "UTC",
            description = "Time zone the CSV timestamps were written in; CDR files carry none (Asterisk usegmtime=yes means UTC). Default: ${DEFAULT-VALUE}.")
    ZoneId sourceZone;

    @Option(names = "--default-country", paramLabel = "CC", defaultValue = "US",
            description = "ISO 3166 country for numbers written without a country code, for E.164 normalization. Default: ${DEFAULT-VALUE}.")
    String defaultCountry;

    @Option(names = "--freeswitch-template", paramLabel = "TEMPLATE",
            description = "The columns of FreeSWITCH's mod_cdr_csv template when it is not a stock one (default, example): the template "
                    + "as in cdr_csv.conf.xml (\"${caller_id_name}\",...) or variable names separated by commas. With "
                    + "${sip_gateway_name} or ${sip_gateway} in it, a call's route is its gateway.")
    io.sluice.core.cdr.FreeSwitchTemplate freeSwitchTemplate;

    /** The data dir, as {@code --data-dir} (or {@code SLUICE_DATA_DIR}) gives it. */
    public java.nio.file.Path dataDir() {
        return data.dataDir;
    }

    /** The pipeline's settings from {@code --source-zone} and {@code --default-country}. */
    public CdrPipelineConfig pipelineConfig() {
        CdrPipelineConfig c = CdrPipelineConfig.defaults().withSourceZone(sourceZone).withDefaultCountry(defaultCountry);
        return freeSwitchTemplate == null ? c : c.withFreeSwitchTemplate(freeSwitchTemplate);
    }
}
