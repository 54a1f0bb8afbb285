package io.sluice.local.runtime;

import io.sluice.core.cdr.CdrFormat;
import io.sluice.core.pipeline.CdrPipelineConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Everything 'sluice up' is told (issue 3; SEC-5 limits).
 *
 * @param dataDir              the store, the archive, the ingest log, inbox/, processed/, failed/
 * @param host                 the address the HTTP API binds (loopback by default)
 * @param port                 its port (0: any free port, written to sluice-up.json)
 * @param pipeline             source zone, default country, record size limit
 * @param maxBodyBytes         an HTTP body above this is refused with 413
 * @param maxRecordsPerRequest an HTTP body with more lines than this is refused with 413
 * @param maxBacklogBytes      logged but not yet applied bytes above which requests get 429
 * @param inboxFormat          the inbox files' format, or empty to detect it per file
 * @param inboxExtensions      allowed file name extensions in the inbox, lower case, without the dot
 * @param inboxMaxBytes        an inbox file above this goes to failed/
 * @param inboxPoll            how often the inbox is listed
 * @param inboxSettle          how long a file's size and time must stay unchanged before it is read
 * @param drainTimeout         on SIGTERM, how long to keep applying logged requests before exiting
 * @param ingestRetention      how long the outcome of an HTTP ingest can be asked for (GET /v1/ingests/{id})
 * @param exposure             TLS, and the other names clients may use for this server (issue 17)
 * @param monitoring           how often the alarms are evaluated and the p99 limit (issue 19)
 * @param telemetryRetention   how long device readings are kept in the store (issue 18, IOT-3)
 */
public record UpConfig(Path dataDir, String host, int port, CdrPipelineConfig pipeline, long maxBodyBytes,
                       int maxRecordsPerRequest, long maxBacklogBytes, Optional<CdrFormat> inboxFormat,
                       Set<String> inboxExtensions, long inboxMaxBytes, Duration inboxPoll, Duration inboxSettle,
                       Duration drainTimeout, Duration ingestRetention, Exposure exposure, Monitoring monitoring,
                       Duration telemetryRetention) {

    public static final Duration DEFAULT_TELEMETRY_RETENTION = Duration.ofDays(30);

    /**
     * The standing alarms of every function (MON-3): a datapoint every {@code periodSeconds} (CloudWatch's 60 s by
     * default; down to 1 s for tests and demos) and the p99 duration limit.
     */
    public record Monitoring(int periodSeconds, double p99Millis) {
        public static final Monitoring DEFAULT = new Monitoring(60, 500);

        public Monitoring {
            if (periodSeconds < 1 || periodSeconds > 3_600) {
                throw new IllegalArgumentException("the alarm period is 1 to 3600 seconds, was " + periodSeconds);
            }
        }
    }


    /**
     * How the API is exposed beyond loopback (issue 17, IOT-1): TLS from PEM files (both or neither), or an explicit
     * choice of plain HTTP; and the host names clients may use besides the loopback names and the bound address.
     */
    public record Exposure(Optional<Path> tlsCert, Optional<Path> tlsKey, boolean insecure, Set<String> extraHosts) {
        public static final Exposure LOOPBACK = new Exposure(Optional.empty(), Optional.empty(), false, Set.of());

        public Exposure {
            if (tlsCert.isPresent() != tlsKey.isPresent()) {
                throw new IllegalArgumentException("--tls-cert and --tls-key go together");
            }
            extraHosts = Set.copyOf(extraHosts);
        }

        public boolean tls() {
            return tlsCert.isPresent();
        }
    }

    /** Whether {@code host} is a loopback address or name: binding it needs neither TLS nor --insecure. */
    public static boolean loopback(String host) {
        return host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1") || host.equals("[::1]")
                || host.startsWith("127.");
    }
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8787;
    public static final long DEFAULT_MAX_BODY = 16L << 20;
    public static final int DEFAULT_MAX_RECORDS = 10_000;
    public static final long DEFAULT_MAX_BACKLOG = 512L << 20;
    public static final Set<String> DEFAULT_EXTENSIONS = io.sluice.core.intake.EntryRules.EXTENSIONS;
    public static final long DEFAULT_INBOX_MAX = 8L << 30;

    public static UpConfig defaults(Path dataDir) {
        return new UpConfig(dataDir, DEFAULT_HOST, DEFAULT_PORT, CdrPipelineConfig.defaults(), DEFAULT_MAX_BODY, DEFAULT_MAX_RECORDS,
                DEFAULT_MAX_BACKLOG, Optional.empty(), DEFAULT_EXTENSIONS, DEFAULT_INBOX_MAX, Duration.ofMillis(500),
                Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofDays(7), Exposure.LOOPBACK, Monitoring.DEFAULT, DEFAULT_TELEMETRY_RETENTION);
    }

    public UpConfig withMonitoring(Monitoring m) {
        return new UpConfig(dataDir, host, port, pipeline, maxBodyBytes, maxRecordsPerRequest, maxBacklogBytes, inboxFormat,
                inboxExtensions, inboxMaxBytes, inboxPoll, inboxSettle, drainTimeout, ingestRetention, exposure, m, telemetryRetention);
    }

    public UpConfig withTelemetryRetention(Duration retention) {
        return new UpConfig(dataDir, host, port, pipeline, maxBodyBytes, maxRecordsPerRequest, maxBacklogBytes, inboxFormat,
                inboxExtensions, inboxMaxBytes, inboxPoll, inboxSettle, drainTimeout, ingestRetention, exposure, monitoring, retention);
    }

    public UpConfig withExposure(Exposure e) {
        return new UpConfig(dataDir, host, port, pipeline, maxBodyBytes, maxRecordsPerRequest, maxBacklogBytes, inboxFormat,
                inboxExtensions, inboxMaxBytes, inboxPoll, inboxSettle, drainTimeout, ingestRetention, e, monitoring, telemetryRetention);
    }

    public UpConfig withHost(String h) {
        return new UpConfig(dataDir, h, port, pipeline, maxBodyBytes, maxRecordsPerRequest, maxBacklogBytes, inboxFormat,
                inboxExtensions, inboxMaxBytes, inboxPoll, inboxSettle, drainTimeout, ingestRetention, exposure, monitoring, telemetryRetention);
    }

    public UpConfig withPort(int p) {
        return new UpConfig(dataDir, host, p, pipeline, maxBodyBytes, maxRecordsPerRequest, maxBacklogBytes, inboxFormat,
                inboxExtensions, inboxMaxBytes, inboxPoll, inboxSettle, drainTimeout, ingestRetention, exposure, monitoring, telemetryRetention);
    }

    public UpConfig withInbox(Duration poll, Duration settle) {
        return new UpConfig(dataDir, host, port, pipeline, maxBodyBytes, maxRecordsPerRequest, maxBacklogBytes, inboxFormat,
                inboxExtensions, inboxMaxBytes, poll, settle, drainTimeout, ingestRetention, exposure, monitoring, telemetryRetention);
    }

    public UpConfig withLimits(long body, int records, long backlog) {
        return new UpConfig(dataDir, host, port, pipeline, body, records, backlog, inboxFormat,
                inboxExtensions, inboxMaxBytes, inboxPoll, inboxSettle, drainTimeout, ingestRetention, exposure, monitoring, telemetryRetention);
    }

    public UpConfig withDrainTimeout(Duration timeout) {
        return new UpConfig(dataDir, host, port, pipeline, maxBodyBytes, maxRecordsPerRequest, maxBacklogBytes, inboxFormat,
                inboxExtensions, inboxMaxBytes, inboxPoll, inboxSettle, timeout, ingestRetention, exposure, monitoring, telemetryRetention);
    }

    public UpConfig withIngestRetention(Duration retention) {
        return new UpConfig(dataDir, host, port, pipeline, maxBodyBytes, maxRecordsPerRequest, maxBacklogBytes, inboxFormat,
                inboxExtensions, inboxMaxBytes, inboxPoll, inboxSettle, drainTimeout, retention, exposure, monitoring, telemetryRetention);
    }

    public Path inboxDir() {
        return dataDir.resolve("inbox");
    }

    public Path processedDir() {
        return dataDir.resolve("processed");
    }

    public Path failedDir() {
        return dataDir.resolve("failed");
    }

    public Path logDir() {
        return dataDir.resolve("ingest-log");
    }
}
