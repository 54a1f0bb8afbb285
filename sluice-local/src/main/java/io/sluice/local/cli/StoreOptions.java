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

    @Option(names = "--rules", paramLabel = "FILE",
            description = "Fraud rules file (CDR-10): 'key = value' lines, e.g. international-burst.calls = 20 or "
                    + "usage-spike.enabled = false; what it leaves out keeps its default (README, \"Fraud rules\"). "
                    + "Default: the built-in rules.")
    io.sluice.core.fraud.FraudRules rules;

    @Option(names = "--no-fraud-rules", description = "Run no fraud rule at all: nothing is kept for them, no alert is raised.")
    boolean noFraudRules;

    @Option(names = "--alert-webhook", paramLabel = "URL", defaultValue = "${env:SLUICE_ALERT_WEBHOOK}",
            description = "Also POST each alert as JSON ({subject, message, attributes}) to this http(s) URL; a failed POST is "
                    + "tried again with the next delivery. Default: none, or SLUICE_ALERT_WEBHOOK.")
    java.net.URI alertWebhook;

    /**
     * Where alerts go: {@code console} (one line each), and the webhook when {@code --alert-webhook} names one.
     */
    public io.sluice.core.pipeline.Notifier notifier(java.util.function.Consumer<String> console) {
        io.sluice.core.pipeline.Notifier c = new io.sluice.local.alerts.ConsoleNotifier(console);
        if (alertWebhook == null) {
            return c;
        }
        return new io.sluice.local.alerts.Notifiers(java.util.List.of(c,
                new io.sluice.local.alerts.WebhookNotifier(alertWebhook, java.time.Duration.ofSeconds(5))));
    }

    /** The data dir, as {@code --data-dir} (or {@code SLUICE_DATA_DIR}) gives it. */
    public java.nio.file.Path dataDir() {
        return data.dataDir;
    }

    /** The pipeline's settings from {@code --source-zone}, {@code --default-country}, the template and the rules. */
    public CdrPipelineConfig pipelineConfig() {
        CdrPipelineConfig c = CdrPipelineConfig.defaults().withSourceZone(sourceZone).withDefaultCountry(defaultCountry)
                .withFraudRules(noFraudRules ? io.sluice.core.fraud.FraudRules.none()
                        : rules != null ? rules : io.sluice.core.fraud.FraudRules.defaults());
        return freeSwitchTemplate == null ? c : c.withFreeSwitchTemplate(freeSwitchTemplate);
    }
}
