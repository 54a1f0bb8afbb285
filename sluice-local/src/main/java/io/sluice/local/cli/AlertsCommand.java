package io.sluice.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.local.alerts.AlertJson;
import io.sluice.local.store.FraudAlertQueries;
import io.sluice.local.store.LocalStore;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sluice alerts}: the fraud alerts the rules raised (CDR-10). */
@Command(name = "alerts", mixinStandardHelpOptions = true,
        description = {"Inspect fraud alerts.", "The rules (international-burst, short-call-flood, usage-spike; see the README's "
            + "\"Fraud rules\") run on every accepted record of 'sluice ingest' and 'sluice up'; each alert is raised once per "
            + "subscriber and rule, stored, and sent to the console (and --alert-webhook)."},
        subcommands = {AlertsCommand.ListAlerts.class})
final class AlertsCommand implements Runnable {
    static final List<String> RULES = io.sluice.core.fraud.FraudRules.RULE_NAMES;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"List fraud alerts in the order they were first raised.",
                "Each shows its subscriber (E.164), rule, window (UTC) and evidence: counts, the top destinations, and the keys",
                "of the first and last record (look them up with 'sluice records')."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:Success (also when no alert matches).", ExitCodes.HELP_FAILED, ExitCodes.HELP_USAGE})
    static final class ListAlerts implements Callable<Integer> {
        @Mixin
        DataDirOption store;

        @Option(names = "--rule", paramLabel = "RULE", description = "Only this rule: international-burst, short-call-flood or usage-spike.")
        String rule;

        @Option(names = "--from", paramLabel = "YYYY-MM-DD", description = "Only alerts whose window reaches this day (UTC) or later.")
        LocalDate from;

        @Option(names = "--to", paramLabel = "YYYY-MM-DD", description = "Only alerts whose window starts on this day (UTC) or earlier.")
        LocalDate to;

        @Option(names = "--limit", defaultValue = "1000", paramLabel = "N", description = "At most N alerts (1..10000). Default: ${DEFAULT-VALUE}.")
        int limit;

        @Option(names = "--json", description = "One JSON array on stdout: subscriber, rule, window_start, window_end, evidence, id, state.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            if (rule != null && !RULES.contains(rule)) {
                System.err.println("sluice: --rule '" + rule + "' is no rule; the rules are " + String.join(", ", RULES));
                return ExitCodes.USAGE;
            }
            if (limit < 1 || limit > 10_000) {
                System.err.println("sluice: --limit must be 1..10000");
                return ExitCodes.USAGE;
            }
            ObjectMapper mapper = new ObjectMapper();
            JsonNode alerts;
            Optional<UpClient> up = UpClient.of(store.dataDir);
            if (up.isPresent()) {
                StringBuilder q = new StringBuilder("/v1/alerts?limit=" + limit);
                if (rule != null) {
                    q.append("&rule=").append(URLEncoder.encode(rule, StandardCharsets.UTF_8));
                }
                if (from != null) {
                    q.append("&from=").append(from);
                }
                if (to != null) {
                    q.append("&to=").append(to);
                }
                HttpResponse<byte[]> resp = up.get().get(q.toString());
                if (resp.statusCode() != 200) {
                    System.err.println("sluice: " + UpClient.error(resp));
                    return UpClient.exitCode(resp);
                }
                alerts = mapper.readTree(resp.body()).path("alerts");
            } else {
                long f = from == null ? Long.MIN_VALUE / 2 : from.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
                long t = to == null ? Long.MAX_VALUE / 2 : to.plusDays(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
                try (LocalStore s = LocalStore.openExisting(store.dataDir)) {
                    alerts = mapper.valueToTree(new FraudAlertQueries(s.connection()).list(rule, f, t, limit).stream()
                            .map(AlertJson::of).toList());
                }
            }
            if (json) {
                System.out.println(mapper.writeValueAsString(alerts));
                return ExitCodes.OK;
            }
            if (alerts.isEmpty()) {
                System.out.println("(no alert matches)");
                return ExitCodes.OK;
            }
            System.out.printf("%-20s %-16s %-20s %-20s %-7s %s%n", "RULE", "SUBSCRIBER", "WINDOW START", "WINDOW END", "STATE", "EVIDENCE");
            for (JsonNode a : alerts) {
                System.out.printf("%-20s %-16s %-20s %-20s %-7s %s%n", a.path("rule").asText(), a.path("subscriber").asText(),
                        a.path("window_start").asText(), a.path("window_end").asText(), a.path("state").asText(), evidence(a.path("evidence")));
            }
            return ExitCodes.OK;
        }

        private static String evidence(JsonNode e) {
            StringBuilder b = new StringBuilder(e.path("calls").asText()).append(" calls");
            if (e.has("destinations")) {
                b.append(" to ").append(e.path("destinations").asText()).append(" destinations (peak ")
                        .append(e.path("peak_calls").asText()).append(" calls)");
            }
            if (e.has("median_calls")) {
                b.append(", ").append(e.path("seconds").asText()).append(" s (median ").append(e.path("median_calls").asText())
                        .append(" calls over ").append(e.path("history_days").asText()).append(" days)");
            }
            if (!e.path("top_destinations").isEmpty()) {
                List<String> top = new java.util.ArrayList<>();
                e.path("top_destinations").forEach(n -> top.add(n.asText()));
                b.append("; top ").append(String.join(", ", top));
            }
            return b.toString();
        }
    }
}
