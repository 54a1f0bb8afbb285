package io.sluice.local.runtime;

import io.sluice.local.ingest.LocalCdrPipeline;
import io.sluice.local.store.LocalStore;
import io.sluice.local.store.StoreException;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * 'sluice up': one long-running process that plays, on one machine, the part Kinesis, Lambda and S3 events
 * play on AWS (issue 3). It owns the store; one worker thread is its only writer and alternates between the
 * HTTP ingests waiting in the {@link IngestLog} and the files of the {@link Inbox}; the HTTP API
 * ({@link HttpApi}) logs requests and reads status through a second connection.
 *
 * <p>Crash safety: a request is acknowledged only once it is in the fsynced log; the store records the log
 * position it applied in the same transaction as the effects; inbox files resume by chunk. So kill -9 at any
 * moment loses nothing acknowledged and counts nothing twice. {@link #stop} is the graceful path (SIGTERM):
 * stop accepting, apply what is logged (up to the drain timeout), export the archive, close.
 */
public final class LocalRuntime implements AutoCloseable {
    /** How long the worker stays idle before writing pending archive rows as Parquet. */
    private static final long IDLE_FLUSH_NANOS = TimeUnit.SECONDS.toNanos(3);
    /** While idle, how often fraud alerts still owed (a webhook that was down, a restart) are sent again (CDR-10). */
    static final long ALERT_RETRY_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
    private static final long FLUSH_ROWS = 2_000_000;
    private static final long APPLY_BATCH_BYTES = 8L << 20;
    private static final long PURGE_EVERY_NANOS = TimeUnit.MINUTES.toNanos(10);
    /** Committed readings go to the Parquet archive at most this often, when the worker is idle (IOT-5). */
    private static final long TELEMETRY_EXPORT_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final UpConfig config;
    private final LocalStore store;
    private final LocalCdrPipeline pipeline;
    private final IngestLog log;
    private final LogApplier applier;
    private final Inbox inbox;
    private final RuntimeStats stats = new RuntimeStats();
    private final Connection reader;
    private final Object readLock = new Object();
    private final Thread worker;
    private final CountDownLatch workerDone = new CountDownLatch(1);
    private final Consumer<String> say;
    private final io.sluice.local.monitoring.LocalMonitoring monitoring;
    private final java.util.concurrent.ScheduledExecutorService monitor = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
            r -> {
                Thread t = new Thread(r, "sluice-monitor");
                t.setDaemon(true);
                return t;
            });
    private HttpApi http;
    private volatile boolean stopping;
    private final WorkerHooks hooks;
    private final String token;
    private final String telemetryKey;
    private final io.sluice.core.pipeline.Notifier notifier;
    private final io.sluice.core.telemetry.TelemetryConfig telemetryConfig = io.sluice.core.telemetry.TelemetryConfig.defaults();
    private final io.sluice.local.store.TelemetryArchive telemetryArchive;
    /** Readings were committed since the last export to the archive. */
    private volatile boolean telemetryWritten;

    /** The default threshold rules (IOT-4), the core's. */
    private final io.sluice.core.telemetry.ThresholdEvaluator thresholds =
            new io.sluice.core.telemetry.ThresholdEvaluator(io.sluice.core.telemetry.ThresholdRule.DEFAULTS);
    /** Writes other than CDRs (a profile import) run on the worker, the store's one writer, between batches. */
    private final java.util.concurrent.LinkedBlockingQueue<java.util.concurrent.FutureTask<?>> writes =
            new java.util.concurrent.LinkedBlockingQueue<>();
    private volatile boolean healthy = true;
    private volatile String state = "starting";
    private boolean dirty;
    private long lastWork = System.nanoTime();

    private LocalRuntime(UpConfig config, Consumer<String> say, WorkerHooks hooks, io.sluice.core.pipeline.Notifier notifier)
            throws IOException, SQLException {
        this.config = config;
        this.say = say;
        this.hooks = hooks;
        this.token = ApiToken.loadOrCreate(config.dataDir(), false);
        this.telemetryKey = ApiToken.loadOrCreate(config.dataDir(), ApiToken.TELEMETRY_KEY_FILE, false);
        this.store = LocalStore.open(config.dataDir());
        io.sluice.core.pipeline.Notifier alerts = notifier != null ? notifier : new io.sluice.local.alerts.ConsoleNotifier(say);
        this.notifier = alerts;
        io.sluice.local.monitoring.LocalMonitoring monitors = null;
        try {
            monitors = new io.sluice.local.monitoring.LocalMonitoring(store, config.monitoring().periodSeconds(),
                    config.monitoring().p99Millis(), alerts, say);
            this.monitoring = monitors;
            this.pipeline = new LocalCdrPipeline(store, config.pipeline(), alerts);
            this.telemetryArchive = new io.sluice.local.store.TelemetryArchive(store);
            telemetryArchive.recover();
            long consumed = LogApplier.consumedPosition(store);
            this.log = IngestLog.open(config.logDir(), consumed, IngestLog.DEFAULT_SEGMENT_BYTES);
            this.applier = new LogApplier(pipeline, log, stats, consumed, APPLY_BATCH_BYTES, 2);
            this.inbox = new Inbox(config, pipeline, stats, this::applyBetweenChunks, monitoring.instrumentation());
            this.reader = store.connection().duplicate();
        } catch (IOException | SQLException | RuntimeException e) {
            if (monitors != null) {
                monitors.close();
            }
            store.close();
            throw e;
        }
        this.worker = new Thread(this::work, "sluice-worker");
    }

    /** Opens the store, recovers, starts the worker and the HTTP API, and writes sluice-up.json. */
    public static LocalRuntime start(UpConfig config, Consumer<String> say) throws IOException, SQLException {
        return start(config, say, WorkerHooks.NONE, null);
    }

    /** As above, with fraud alerts (CDR-10) sent to {@code notifier} (null: one line each through {@code say}). */
    public static LocalRuntime start(UpConfig config, Consumer<String> say, io.sluice.core.pipeline.Notifier notifier)
            throws IOException, SQLException {
        return start(config, say, WorkerHooks.NONE, notifier);
    }

    static LocalRuntime start(UpConfig config, Consumer<String> say, WorkerHooks hooks) throws IOException, SQLException {
        return start(config, say, hooks, null);
    }

    static LocalRuntime start(UpConfig config, Consumer<String> say, WorkerHooks hooks, io.sluice.core.pipeline.Notifier notifier)
            throws IOException, SQLException {
        LocalRuntime rt = new LocalRuntime(config, say, hooks, notifier);
        try {
            rt.http = HttpApi.start(rt); // first: a port in use fails the start before any work begins
            rt.worker.start();
            rt.startMonitor();
            // The address this machine's sluice commands use: the API itself, or with TLS its plain loopback port.
            boolean tls = config.exposure().tls();
            new RuntimeInfo(ProcessHandle.current().pid(), tls ? "127.0.0.1" : config.host(), rt.http.localPort(), rt.stats.startedAt)
                    .write(config.dataDir());
            rt.state = "running";
            return rt;
        } catch (RuntimeException | IOException e) {
            rt.close();
            throw e;
        }
    }

    public int port() {
        return http.port();
    }

    /** Evaluates the alarms once a period, just after each period's end (MON-3). */
    private void startMonitor() {
        long periodMillis = monitoring.periodSeconds() * 1000L;
        long now = System.currentTimeMillis();
        long first = periodMillis - now % periodMillis + 100;
        monitor.scheduleAtFixedRate(() -> {
            try {
                monitoring.tick(Instant.now());
            } catch (RuntimeException e) {
                stats.error("monitoring", String.valueOf(e.getMessage()));
            }
        }, first, periodMillis, TimeUnit.MILLISECONDS);
    }

    io.sluice.local.monitoring.LocalMonitoring monitoring() {
        return monitoring;
    }

    UpConfig config() {
        return config;
    }

    RuntimeStats stats() {
        return stats;
    }

    IngestLog log() {
        return log;
    }

    LogApplier applier() {
        return applier;
    }

    Inbox inbox() {
        return inbox;
    }

    /** The key devices send as x-api-key (IOT-1). */
    String telemetryKey() {
        return telemetryKey;
    }

    io.sluice.core.telemetry.TelemetryConfig telemetryConfig() {
        return telemetryConfig;
    }

    /** The readings committed since the last export into the Parquet archive, while no report reads it. */
    private void exportTelemetry() {
        try {
            pipeline.archive().whileExporting(telemetryArchive::export);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** TelemetryWriter: readings were committed (the idle worker exports them to the archive). */
    void telemetryWritten() {
        telemetryWritten = true;
    }

    /** The telemetry archive (tests export on demand). */
    io.sluice.local.store.TelemetryArchive telemetryArchive() {
        return telemetryArchive;
    }

    io.sluice.core.telemetry.ThresholdEvaluator thresholds() {
        return thresholds;
    }

    /** Where alerts go: fraud, alarms, telemetry thresholds. */
    io.sluice.core.pipeline.Notifier notifier() {
        return notifier;
    }

    /** The API token every request but /healthz must carry (ApiToken). */
    String token() {
        return token;
    }

    String state() {
        return state;
    }

    boolean healthy() {
        return healthy && worker.isAlive() && !log.failed();
    }

    boolean stopping() {
        return stopping;
    }

    /** A new connection for a long read (a report), so that it does not hold the shared read connection. */
    Connection newReader() throws SQLException {
        synchronized (readLock) {
            return ((org.duckdb.DuckDBConnection) reader).duplicate();
        }
    }

    io.sluice.local.store.ParquetArchive archive() {
        return pipeline.archive();
    }

    /**
     * Runs {@code work} on the read connection (the writer's connection belongs to the worker thread). Its own
     * lock, not this object's: {@link #stop} holds that while draining, and reads must go on meanwhile.
     */
    <T> T read(LocalStore.SqlWork<T> work) throws SQLException {
        synchronized (readLock) {
            return work.run(reader);
        }
    }

    private void work() {
        try {
            loop();
            runWrites();
            drain();
        } catch (Throwable t) {
            // An Error (out of memory, a bug): stop taking requests rather than acknowledge what is never applied.
            healthy = false;
            stopping = true;
            stats.error("worker", "stopped: " + t);
            say.accept("sluice up: the worker stopped: " + t + "; logged requests are applied at the next start");
            throw t;
        } finally {
            for (java.util.concurrent.FutureTask<?> task; (task = writes.poll()) != null; ) {
                task.cancel(false); // its caller gets an answer instead of waiting
            }
            workerDone.countDown();
        }
    }

    private void loop() {
        long lastPoll = 0;
        long lastPurge = System.nanoTime();
        long lastTelemetryExport = System.nanoTime();
        long lastAlertRetry = System.nanoTime() - ALERT_RETRY_NANOS; // at the first idle moment: what a restart left owed
        long backoff = 0;
        while (!stopping) {
            try {
                if (hooks.hold()) {
                    Thread.sleep(10);
                    continue;
                }
                runWrites();
                // Applying logged requests is a function of its own (MON-1): a failed batch is an error with a record.
                boolean worked = applier.backlogBytes() > 0
                        ? monitoring.instrumentation().invoke("apply", () -> "{\"consumed\":" + applier.consumed() + "}", call -> applier.applyOnce())
                        : applier.applyOnce();
                if (!stopping && System.nanoTime() - lastPoll >= config.inboxPoll().toNanos()) {
                    lastPoll = System.nanoTime();
                    worked |= inbox.pollOnce();
                }
                if (worked) {
                    dirty = true;
                    lastWork = System.nanoTime();
                    if (pipeline.archive().pendingRows() >= FLUSH_ROWS) {
                        pipeline.flush();
                    }
                } else {
                    if (dirty && System.nanoTime() - lastWork >= IDLE_FLUSH_NANOS) {
                        pipeline.flush();
                        dirty = false;
                    }
                    if (System.nanoTime() - lastAlertRetry >= ALERT_RETRY_NANOS) {
                        lastAlertRetry = System.nanoTime();
                        var delivery = pipeline.deliverAlerts();
                        if (delivery.failure() != null) {
                            stats.error("alerts", "fraud alerts not sent: " + delivery.failure().getMessage());
                        }
                    }
                    if (telemetryWritten && System.nanoTime() - lastTelemetryExport >= TELEMETRY_EXPORT_NANOS) {
                        lastTelemetryExport = System.nanoTime();
                        telemetryWritten = false;
                        try {
                            exportTelemetry();
                        } catch (RuntimeException e) {
                            telemetryWritten = true; // tried again at the next idle moment; what it took stays in the store
                            throw e;
                        }
                    }
                    if (System.nanoTime() - lastPurge >= Math.min(PURGE_EVERY_NANOS, config.ingestRetention().toNanos())) {
                        lastPurge = System.nanoTime();
                        purgeOldIngests();
                    }
                    log.awaitBeyond(applier.consumed(), Math.min(200, config.inboxPoll().toMillis()));
                }
                healthy = true;
                backoff = 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Inbox.Interrupted e) {
                return; // stopping in the middle of a file: it resumes after its last committed chunk at the next start
            } catch (RuntimeException e) {
                // A failed transaction changed nothing: record it, wait, and retry the same work.
                healthy = false;
                stats.error("worker", String.valueOf(e.getMessage()));
                say.accept("sluice up: " + e.getMessage() + " (retrying)");
                backoff = Math.min(5_000, Math.max(100, backoff * 2));
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * Runs {@code task} on the worker thread (between batches, in no transaction) and waits for its result: how
     * the API changes the store other than by CDRs.
     */
    <T> T onWorker(java.util.concurrent.Callable<T> task) throws Exception {
        if (stopping) {
            throw new IllegalStateException("sluice up is stopping");
        }
        java.util.concurrent.FutureTask<T> f = new java.util.concurrent.FutureTask<>(task);
        writes.add(f);
        // Wake the worker if it waits for log entries: a write (telemetry answers when it committed) should not wait
        // for the idle poll.
        Object signal = log.appendSignal();
        synchronized (signal) {
            signal.notifyAll();
        }
        try {
            return f.get(30, TimeUnit.MINUTES);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof Exception x ? x : e;
        }
    }

    private void runWrites() {
        for (java.util.concurrent.FutureTask<?> task; (task = writes.poll()) != null; ) {
            task.run();
        }
    }

    LocalCdrPipeline pipeline() {
        return pipeline;
    }

    /**
     * Deletes HTTP ingest outcomes older than the retention (and device readings older than theirs) (one row per request would grow without end), and the
     * batch marks of HTTP batches as old: a batch of the log is never replayed once the position moved past it,
     * since the position commits with the marks. File chunk marks stay: a file can be ingested again any time.
     */
    void purgeOldIngests() {
        long cutoffMicros = (System.currentTimeMillis() - config.ingestRetention().toMillis()) * 1000;
        pipeline.store().inTransaction(c -> {
            try (java.sql.PreparedStatement p = c.prepareStatement("DELETE FROM http_ingests WHERE processed_at < make_timestamp(?)");
                 java.sql.PreparedStatement m = c.prepareStatement(
                         "DELETE FROM batch_marks WHERE batch_id LIKE 'http:%' AND marked_at < make_timestamp(?)")) {
                p.setLong(1, cutoffMicros);
                m.setLong(1, cutoffMicros);
                // Device readings past their retention (IOT-3), and their rollups (by their bucket's start).
                long readingsCutoff = System.currentTimeMillis() - config.telemetryRetention().toMillis();
                // Only readings already in the Parquet archive leave the store (TelemetryArchive).
                try (java.sql.PreparedStatement r = c.prepareStatement("DELETE FROM telemetry_readings WHERE ts < ? AND batch_id IN ("
                        + io.sluice.local.store.TelemetryArchive.ARCHIVED + ")");
                     java.sql.PreparedStatement u = c.prepareStatement("DELETE FROM telemetry_rollups WHERE bucket_start < ?")) {
                    r.setLong(1, readingsCutoff);
                    u.setLong(1, readingsCutoff);
                    r.executeUpdate();
                    u.executeUpdate();
                }
                return p.executeUpdate() + m.executeUpdate();
            }
        });
    }

    /**
     * Between chunks of a large inbox file: apply waiting HTTP ingests so they are not held back, and give up the
     * file when stopping (it resumes after this chunk at the next start), so a stop is not held by a large file.
     */
    private void applyBetweenChunks() {
        for (int i = 0; i < 4 && applier.applyOnce(); i++) {
            dirty = true;
        }
        runWrites();
        hooks.afterChunk(this);
        if (stopping) {
            throw new Inbox.Interrupted();
        }
    }

    /** On stop: apply what is logged, up to the drain timeout, then export the archive. */
    private void drain() {
        long deadline = System.nanoTime() + config.drainTimeout().toNanos();
        try {
            while (System.nanoTime() < deadline && applier.applyOnce()) {
                dirty = true;
            }
            if (applier.backlogBytes() > 0) {
                say.accept("sluice up: drain timeout reached; " + applier.backlogBytes()
                        + " logged bytes are applied at the next start");
            }
            pipeline.flush();
            exportTelemetry();
        } catch (RuntimeException e) {
            stats.error("worker", "while draining: " + e.getMessage());
            say.accept("sluice up: while draining: " + e.getMessage() + " (the log keeps it for the next start)");
        }
    }

    /** Graceful stop: refuse new requests, let the worker drain, export, close. Idempotent. */
    public synchronized void stop() {
        if (state.equals("stopped")) {
            return;
        }
        state = "stopping";
        stopping = true; // from here POST answers 503 and /healthz 503; /v1/status still answers while draining
        try {
            workerDone.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
    }

    @Override
    public synchronized void close() {
        stopping = true;
        state = "stopped";
        if (http != null) {
            http.stop();
        }
        if (worker.isAlive()) {
            try {
                workerDone.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        applier.close();
        monitor.shutdownNow();
        try {
            monitor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        monitoring.close();
        try {
            log.close();
        } catch (IOException e) {
            say.accept("sluice up: closing the ingest log: " + e.getMessage());
        }
        synchronized (readLock) {
            try {
                reader.close();
            } catch (SQLException e) {
                // closing anyway
            }
        }
        try {
            store.close();
        } catch (StoreException e) {
            say.accept("sluice up: " + e.getMessage());
        }
        RuntimeInfo.read(config.dataDir()).filter(i -> i.pid() == ProcessHandle.current().pid())
                .ifPresent(i -> RuntimeInfo.delete(config.dataDir()));
    }

    /** The counters so far. */
    public RuntimeStatsView view() {
        return new RuntimeStatsView(stats.requestsAccepted.get(), stats.requestsThrottled.get(), stats.recordsIn.get(),
                stats.accepted.get(), stats.rejected.get(), stats.duplicates.get(), stats.filesProcessed.get(),
                stats.filesDuplicate.get(), stats.filesFailed.get());
    }
}
