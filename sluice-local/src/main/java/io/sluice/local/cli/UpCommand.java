package io.sluice.local.cli;

import io.sluice.core.cdr.CdrFormat;
import io.sluice.local.runtime.LocalRuntime;
import io.sluice.local.runtime.RuntimeStatsView;
import io.sluice.local.runtime.UpConfig;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sluice up}: the always-on pipeline of one machine (issue 3; CDR-1, OBJ-1..4, SEC-5). */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = {
            "Run Sluice continuously: an HTTP ingest API and an inbox folder.",
            "Both go through the same core and store as 'sluice ingest'.",
            "",
            "HTTP (loopback by default; docs/local-runtime.md lists every endpoint):",
            "  POST /v1/cdrs          CDR lines; Content-Type text/csv (Asterisk or",
            "                         FreeSWITCH, or ?format=) or application/x-ndjson;",
            "                         202 + ingest id once durably logged",
            "  GET  /v1/ingests/{id}  queued, or done: accepted, rejected, duplicates",
            "  GET  /v1/status        queue, records/s, totals, last errors",
            "  GET  /healthz, /v1/files, /v1/reports/{name}, /v1/records, /v1/dead-letters",
            "",
            "Inbox: drop files into <data-dir>/inbox/ (write NAME.part, then rename;",
            "or let them settle). Each is processed once, then moved to processed/",
            "or failed/ (NAME.error.txt says why).",
            "",
            "Acknowledged requests survive kill -9. SIGTERM or Ctrl-C stops cleanly:",
            "no new requests, apply what is logged, write the archive, exit 0.",
            "While it runs it owns the data dir; report, dlq, ingest, profiles import",
            "and status go through it. Check first with 'sluice doctor'."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:Stopped cleanly (SIGTERM or Ctrl-C).", ExitCodes.HELP_FAILED, ExitCodes.HELP_USAGE})
final class UpCommand implements Callable<Integer> {

    enum FormatChoice { auto, asterisk, freeswitch, jsonl }

    @Mixin
    StoreOptions store;

    @Option(names = "--host", defaultValue = UpConfig.DEFAULT_HOST, paramLabel = "ADDR",
            description = "Address to listen on. Default: ${DEFAULT-VALUE} (this machine only; the API has no authentication).")
    String host;

    @Option(names = "--port", defaultValue = "" + UpConfig.DEFAULT_PORT, paramLabel = "P",
            description = "Port to listen on; 0 picks a free one (written to <data-dir>/sluice-up.json). Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--max-body", defaultValue = "" + UpConfig.DEFAULT_MAX_BODY, paramLabel = "BYTES",
            description = "Largest request body; larger ones get 413. Default: ${DEFAULT-VALUE}.")
    long maxBody;

    @Option(names = "--max-records", defaultValue = "" + UpConfig.DEFAULT_MAX_RECORDS, paramLabel = "N",
            description = "Most lines per request; more get 413. Default: ${DEFAULT-VALUE}.")
    int maxRecords;

    @Option(names = "--max-backlog", defaultValue = "" + UpConfig.DEFAULT_MAX_BACKLOG, paramLabel = "BYTES",
            description = "Logged bytes waiting to be applied above which requests get 429 + Retry-After. Default: ${DEFAULT-VALUE}.")
    long maxBacklog;

    @Option(names = "--inbox-format", defaultValue = "auto", paramLabel = "FORMAT",
            description = "Format of inbox files: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE} (detected per file).")
    FormatChoice inboxFormat;

    @Option(names = "--tls-cert", paramLabel = "CERT.pem", description = "Serve HTTPS with this certificate chain (PEM, leaf "
            + "first); with --tls-key. Needed to bind beyond loopback, unless --insecure.")
    java.nio.file.Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "KEY.pem", description = "The certificate's unencrypted PKCS#8 private key (PEM: "
            + "BEGIN PRIVATE KEY).")
    java.nio.file.Path tlsKey;

    @Option(names = "--insecure", description = "Bind beyond loopback over plain HTTP: the token and the data cross the network "
            + "in clear. Only for a network you trust entirely.")
    boolean insecure;

    @Option(names = "--allow-host", paramLabel = "NAME", description = "Another name clients may use in the Host header (the "
            + "machine's DNS name, a LAN address); repeatable. Loopback names and the bound address are always allowed.")
    java.util.List<String> allowHosts = new java.util.ArrayList<>();

    @Option(names = "--rotate-token", description = "Replace the API token (<data-dir>/api-token) with a new one before starting: "
            + "whoever held the old one is locked out.")
    boolean rotateToken;

    @Option(names = "--inbox-extensions", defaultValue = "csv,cdr,txt,jsonl,ndjson,json", paramLabel = "LIST",
            description = "File name extensions the inbox takes; others go to failed/. Default: ${DEFAULT-VALUE}.")
    String inboxExtensions;

    @Option(names = "--inbox-max-size", defaultValue = "" + UpConfig.DEFAULT_INBOX_MAX, paramLabel = "BYTES",
            description = "Largest inbox file; larger ones go to failed/. Default: ${DEFAULT-VALUE}.")
    long inboxMaxSize;

    @Option(names = "--inbox-settle", defaultValue = "1000", paramLabel = "MS",
            description = "A file is read once its size and time stayed unchanged this long. Default: ${DEFAULT-VALUE}.")
    long inboxSettleMillis;

    @Option(names = "--alarm-period", defaultValue = "60", paramLabel = "SECONDS",
            description = "How often the standing alarms of every function (error rate > 5 %% in 2 periods, p99 > 500 ms in 2, "
                    + ">= 5 throttles in 1) get a datapoint and are evaluated, as CloudWatch's period; 1 to 3600. Default: ${DEFAULT-VALUE}.")
    int alarmPeriodSeconds;

    @Option(names = "--telemetry-retention-days", defaultValue = "30", paramLabel = "DAYS",
            description = "How long device readings (POST /v1/telemetry) are kept; older ones are deleted. Default: ${DEFAULT-VALUE}.")
    long telemetryRetentionDays;

    @Option(names = "--drain-timeout", defaultValue = "30", paramLabel = "SECONDS",
            description = "On SIGTERM, how long to keep applying logged requests; the rest waits safely for the next start. Default: ${DEFAULT-VALUE}.")
    long drainSeconds;

    @Option(names = "--ingest-retention-days", defaultValue = "7", paramLabel = "DAYS",
            description = "How long GET /v1/ingests/{id} can tell an ingest's outcome; older outcomes are deleted (the data stays). Default: ${DEFAULT-VALUE}.")
    long retentionDays;

    /**
     * Who holds {@code port} when it is another {@code sluice up}: its /healthz says so, with its pid and data dir when
     * asked from this machine. Empty when nothing answers as Sluice within a second.
     */
    static java.util.Optional<String> portOwner(int port) {
        try {
            java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder().connectTimeout(java.time.Duration.ofSeconds(1)).build();
            java.net.http.HttpResponse<String> r = client.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + port + "/healthz")).timeout(java.time.Duration.ofSeconds(1)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            com.fasterxml.jackson.databind.JsonNode n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
            if (!"sluice up".equals(n.path("service").asText())) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of("another 'sluice up' holds it (pid " + n.path("pid").asText("?") + ", data dir "
                    + n.path("data_dir").asText("?") + "): stop it, or send it your CDRs instead.");
        } catch (java.io.IOException | RuntimeException e) {
            return java.util.Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return java.util.Optional.empty();
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintStream err = System.err;
        String bad = port < 0 || port > 65535 ? "--port must be 0..65535, not " + port
                : maxBody <= 0 ? "--max-body must be positive" : maxRecords <= 0 ? "--max-records must be positive"
                : maxBacklog <= 0 ? "--max-backlog must be positive" : inboxMaxSize <= 0 ? "--inbox-max-size must be positive"
                : retentionDays <= 0 ? "--ingest-retention-days must be positive"
                : alarmPeriodSeconds < 1 || alarmPeriodSeconds > 3_600 ? "--alarm-period is 1 to 3600 seconds"
                : telemetryRetentionDays <= 0 ? "--telemetry-retention-days must be positive" : null;
        if (bad == null && (tlsCert == null) != (tlsKey == null)) {
            bad = "--tls-cert and --tls-key go together";
        }
        if (bad == null && !UpConfig.loopback(host) && tlsCert == null && !insecure) {
            bad = "binding " + host + " exposes the API beyond this machine: give --tls-cert CERT.pem --tls-key KEY.pem for "
                    + "HTTPS, or --insecure to accept plain HTTP on a network you trust entirely";
        }
        if (bad != null) {
            err.println("sluice up: " + bad);
            return ExitCodes.USAGE;
        }
        if (port != 0) {
            // Before the store is opened or anything created: a taken port is the commonest failure to start.
            try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
                probe.setReuseAddress(true);
                probe.bind(new java.net.InetSocketAddress(host, port));
            } catch (java.io.IOException e) {
                err.println("sluice up: cannot listen on " + host + ":" + port + " (" + e.getMessage() + "): " + portOwner(port)
                        .orElse("is another program using it?") + " Start with --port N, or run 'sluice doctor'");
                return ExitCodes.FAILED;
            }
        }
        Set<String> extensions = new LinkedHashSet<>();
        Arrays.stream(inboxExtensions.split(",")).map(s -> s.trim().toLowerCase(Locale.ROOT).replaceFirst("^\\.", ""))
                .filter(s -> !s.isEmpty()).forEach(extensions::add);
        Optional<CdrFormat> fmt = inboxFormat == FormatChoice.auto ? Optional.empty()
                : Optional.of(CdrFormat.valueOf(inboxFormat.name().toUpperCase(Locale.ROOT)));
        UpConfig config = new UpConfig(store.data.dataDir, host, port, store.pipelineConfig(), maxBody, maxRecords, maxBacklog, fmt,
                Set.copyOf(extensions), inboxMaxSize, Duration.ofMillis(Math.min(500, Math.max(50, inboxSettleMillis / 2))),
                Duration.ofMillis(inboxSettleMillis), Duration.ofSeconds(drainSeconds), Duration.ofDays(retentionDays),
                new UpConfig.Exposure(Optional.ofNullable(tlsCert), Optional.ofNullable(tlsKey), insecure, Set.copyOf(allowHosts)), new UpConfig.Monitoring(alarmPeriodSeconds, UpConfig.Monitoring.DEFAULT.p99Millis()), Duration.ofDays(telemetryRetentionDays));

        if (rotateToken) {
            io.sluice.local.runtime.ApiToken.loadOrCreate(config.dataDir(), true);
        }
        CountDownLatch stop = new CountDownLatch(1);
        boolean signals = installSignalHandlers(stop);
        LocalRuntime rt = LocalRuntime.start(config, err::println, store.notifier(err::println));
        if (!signals) {
            Runtime.getRuntime().addShutdownHook(new Thread(rt::stop, "sluice-stop"));
        }
        err.printf("sluice up: listening on %s://%s:%d (POST /v1/cdrs, GET /v1/status); inbox %s; data %s%n",
                tlsCert != null ? "https" : "http", host, rt.port(),
                config.inboxDir().toAbsolutePath(), config.dataDir().toAbsolutePath());
        err.printf("sluice up: the API needs the token in %s ('Authorization: Bearer <token>'; the sluice commands send it); "
                + "the dashboard (metrics, alarms, errors) opens in a browser at %s://127.0.0.1:%d/?token=<token>%n", config.dataDir().resolve(io.sluice.local.runtime.ApiToken.FILE)
                .toAbsolutePath(), tlsCert != null ? "https" : "http", rt.port());
        err.printf("sluice up: devices post readings to POST /v1/telemetry with the header x-api-key: the key in %s (never logged)%n",
                config.dataDir().resolve(io.sluice.local.runtime.ApiToken.TELEMETRY_KEY_FILE).toAbsolutePath());
        if (!UpConfig.loopback(host) && tlsCert == null) {
            err.println("sluice up: warning: listening on " + host + ", beyond this machine, without TLS (--insecure): the token "
                    + "crosses the network in clear");
        }
        stop.await();
        err.println("sluice up: stopping: no new requests; applying what is logged (up to " + drainSeconds + " s)");
        rt.stop();
        RuntimeStatsView v = rt.view();
        err.printf("sluice up: stopped. %d requests accepted, %d throttled; %d records in = %d accepted + %d rejected + %d duplicates; "
                        + "files: %d processed, %d duplicate, %d failed%n",
                v.requestsAccepted(), v.requestsThrottled(), v.recordsIn(), v.accepted(), v.rejected(), v.duplicates(),
                v.filesProcessed(), v.filesDuplicate(), v.filesFailed());
        return ExitCodes.OK;
    }

    /** SIGTERM and SIGINT start the graceful stop, so the process can exit 0 after draining. */
    @SuppressWarnings("restriction")
    private static boolean installSignalHandlers(CountDownLatch stop) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("TERM"), s -> stop.countDown());
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), s -> stop.countDown());
            return true;
        } catch (IllegalArgumentException | LinkageError e) {
            return false; // no signal support here: a shutdown hook stops gracefully instead
        }
    }
}
