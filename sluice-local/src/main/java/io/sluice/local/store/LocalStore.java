package io.sluice.local.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.duckdb.DuckDBConnection;

/**
 * The embedded store of one machine: a DuckDB database under the data dir for profiles, dedup marks,
 * aggregates, dead letters and file manifests, and Parquet files under {@code archive/} for the archive
 * (ARCHITECTURE.md, "Where state lives"). One process owns it at a time.
 *
 * <p>All adapters share this one connection, so that one batch's dedup claims, aggregates, pending archive
 * rows, dead letters and file progress commit in one transaction: a crash at any point leaves either all
 * or none of a batch (CDR-8).
 */
public final class LocalStore implements AutoCloseable {
    public static final int SCHEMA_VERSION = 8;
    public static final String DB_FILE = "sluice.duckdb";

    private final Path dataDir;
    private final Path archiveDir;
    private final DuckDBConnection connection;

    private DedupFilters dedupFilters;
    private boolean closed;

    private LocalStore(Path dataDir, DuckDBConnection connection) {
        this.dataDir = dataDir;
        this.archiveDir = dataDir.resolve("archive");
        this.connection = connection;
        this.dedupFilters = DedupFilters.acquire(dataDir.resolve(DB_FILE));
    }

    /** The filters over this store's dedup marks, shared by every open store of the same database in this process. */
    DedupFilters dedupFilters() {
        return dedupFilters;
    }

    /** Tests: filters of their own (a small memory bound). */
    void useDedupFilters(DedupFilters filters) {
        this.dedupFilters = filters;
    }

    /**
     * Opens the store of a command that only reads (report, dlq): a data dir without a store is a mistake (a typo
     * in --data-dir), not a reason to create an empty one and answer with nothing.
     */
    public static LocalStore openExisting(Path dataDir) {
        if (!Files.isRegularFile(dataDir.resolve(DB_FILE))) {
            throw new StoreException("No Sluice data in " + dataDir.toAbsolutePath() + " (no " + DB_FILE + "): check --data-dir "
                    + "(or SLUICE_DATA_DIR), or ingest something first");
        }
        return open(dataDir);
    }

    /** Opens (creating if needed) the store under {@code dataDir}. */
    public static LocalStore open(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
            Files.createDirectories(dataDir.resolve("archive"));
        } catch (IOException e) {
            throw new StoreException("Cannot create the data dir " + dataDir.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        Path db = dataDir.resolve(DB_FILE);
        Connection c;
        try {
            Properties props = new Properties();
            // Bounded memory whatever the input (CDR-11); DuckDB spills to temp_directory beyond it.
            props.setProperty("memory_limit", System.getProperty("sluice.duckdb.memory", "1GB"));
            props.setProperty("temp_directory", dataDir.resolve("tmp").toString());
            // Checkpoint rarely: each commit is already durable in the WAL, and frequent checkpoints rewrite data.
            props.setProperty("checkpoint_threshold", "1GB");
            String threads = System.getProperty("sluice.duckdb.threads");
            if (threads != null) {
                props.setProperty("threads", threads);
            }
            c = DriverManager.getConnection("jdbc:duckdb:" + db.toAbsolutePath(), props);
        } catch (SQLException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("lock")) {
                var up = io.sluice.local.runtime.RuntimeInfo.read(dataDir).filter(io.sluice.local.runtime.RuntimeInfo::processAlive);
                if (up.isPresent()) {
                    throw new StoreException("The data dir " + dataDir.toAbsolutePath() + " is owned by 'sluice up' (pid " + up.get().pid()
                            + ", " + up.get().baseUrl() + "): send CDRs to its API (POST /v1/cdrs) or drop files into "
                            + dataDir.resolve("inbox").toAbsolutePath() + ", see GET /v1/status, or stop it first", e);
                }
                throw new StoreException("The data dir " + dataDir.toAbsolutePath() + " is in use by another sluice process; "
                        + "stop it or use another --data-dir", e);
            }
            throw new StoreException("Cannot open the store " + db.toAbsolutePath() + ": " + firstLine(m), e);
        }
        LocalStore store = new LocalStore(dataDir, (DuckDBConnection) c);
        try {
            store.migrate();
        } catch (RuntimeException e) {
            try {
                store.close(); // the connection and the shared dedup filters are released
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return store;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path archiveDir() {
        return archiveDir;
    }

    public DuckDBConnection connection() {
        return connection;
    }

    private void migrate() {
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL)");
            int version = 0;
            try (ResultSet rs = s.executeQuery("SELECT max(version) FROM schema_version")) {
                if (rs.next()) {
                    version = rs.getInt(1);
                }
            }
            if (version > SCHEMA_VERSION) {
                throw new StoreException("The store in " + dataDir + " has schema version " + version
                        + ", newer than this sluice understands (" + SCHEMA_VERSION + "); upgrade sluice");
            }
            if (version < 1) {
                for (String ddl : SCHEMA_V1) {
                    s.execute(ddl);
                }
                s.execute("INSERT INTO schema_version VALUES (1)");
            }
            if (version < 2) {
                for (String ddl : SCHEMA_V2) {
                    s.execute(ddl);
                }
                s.execute("INSERT INTO schema_version VALUES (2)");
            }
            if (version < 3) {
                for (String ddl : SCHEMA_V3) {
                    s.execute(ddl);
                }
                s.execute("INSERT INTO schema_version VALUES (3)");
            }
            if (version < 4) {
                for (String ddl : SCHEMA_V4) {
                    s.execute(ddl);
                }
                s.execute("INSERT INTO schema_version VALUES (4)");
            }
            if (version < 5) {
                for (String ddl : SCHEMA_V5) {
                    s.execute(ddl);
                }
                s.execute("INSERT INTO schema_version VALUES (5)");
            }
            if (version < 6) {
                for (String ddl : SCHEMA_V6) {
                    s.execute(ddl);
                }
                s.execute("INSERT INTO schema_version VALUES (6)");
            }
            if (version < 7) {
                for (String ddl : SCHEMA_V7) {
                    s.execute(ddl);
                }
                s.execute("INSERT INTO schema_version VALUES (7)");
            }
            if (version < 8) {
                for (String ddl : SCHEMA_V8) {
                    s.execute(ddl);
                }
                s.execute("INSERT INTO schema_version VALUES (8)");
            }
        } catch (SQLException e) {
            throw new StoreException("Cannot create the store schema in " + dataDir + ": " + firstLine(e.getMessage()), e);
        }
    }

    private static final String[] SCHEMA_V1 = {
        """
        CREATE TABLE IF NOT EXISTS profiles(msisdn VARCHAR PRIMARY KEY, plan VARCHAR NOT NULL, home_country VARCHAR NOT NULL,
            status VARCHAR NOT NULL, updated_at TIMESTAMP NOT NULL)""",
        // No index: see DuckDbDedupStore. Keys arrive roughly in day order, so zone maps on k_hi do the work.
        "CREATE TABLE IF NOT EXISTS cdr_seen(k_hi BIGINT NOT NULL, k_lo BIGINT NOT NULL, batch_tag BIGINT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS rejected_seen(k_hi BIGINT NOT NULL, k_lo BIGINT NOT NULL, batch_tag BIGINT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS batch_marks(kind VARCHAR NOT NULL, batch_id VARCHAR NOT NULL, marked_at TIMESTAMP NOT NULL, PRIMARY KEY(kind, batch_id))",
        // Aggregates are log-structured (see DuckDbUsageStore): batches append to *_delta, compaction folds the
        // deltas into *_base, and the views usage_daily and route_hourly always show base + deltas.
        """
        CREATE TABLE IF NOT EXISTS usage_daily_base(msisdn VARCHAR NOT NULL, day DATE NOT NULL, calls BIGINT NOT NULL,
            answered BIGINT NOT NULL, seconds BIGINT NOT NULL, intl_calls BIGINT NOT NULL, intl_seconds BIGINT NOT NULL)""",
        "CREATE TABLE IF NOT EXISTS usage_daily_delta AS SELECT * FROM usage_daily_base LIMIT 0",
        """
        CREATE OR REPLACE VIEW usage_daily AS SELECT msisdn, day, sum(calls) AS calls, sum(answered) AS answered,
            sum(seconds) AS seconds, sum(intl_calls) AS intl_calls, sum(intl_seconds) AS intl_seconds
          FROM (SELECT * FROM usage_daily_base UNION ALL SELECT * FROM usage_daily_delta) GROUP BY msisdn, day""",
        """
        CREATE TABLE IF NOT EXISTS route_hourly_base(route VARCHAR NOT NULL, hour TIMESTAMP NOT NULL, attempts BIGINT NOT NULL,
            answered BIGINT NOT NULL, seconds BIGINT NOT NULL)""",
        "CREATE TABLE IF NOT EXISTS route_hourly_delta AS SELECT * FROM route_hourly_base LIMIT 0",
        """
        CREATE OR REPLACE VIEW route_hourly AS SELECT route, hour, sum(attempts) AS attempts, sum(answered) AS answered,
            sum(seconds) AS seconds
          FROM (SELECT * FROM route_hourly_base UNION ALL SELECT * FROM route_hourly_delta) GROUP BY route, hour""",
        "CREATE SEQUENCE IF NOT EXISTS dead_letter_ids START 1",
        """
        CREATE TABLE IF NOT EXISTS dead_letters(id BIGINT PRIMARY KEY DEFAULT nextval('dead_letter_ids'), batch_id VARCHAR NOT NULL,
            source VARCHAR NOT NULL, line BIGINT NOT NULL, reason VARCHAR NOT NULL, detail VARCHAR NOT NULL,
            original BLOB NOT NULL, received_at TIMESTAMP NOT NULL)""",
        """
        CREATE TABLE IF NOT EXISTS ingested_files(content_hash VARCHAR PRIMARY KEY, path VARCHAR NOT NULL, size BIGINT NOT NULL,
            format VARCHAR NOT NULL, status VARCHAR NOT NULL, chunks_done BIGINT NOT NULL, records_in BIGINT NOT NULL,
            accepted BIGINT NOT NULL, rejected BIGINT NOT NULL, duplicates BIGINT NOT NULL, unknown_subscribers BIGINT NOT NULL, error VARCHAR,
            started_at TIMESTAMP NOT NULL, finished_at TIMESTAMP)""",
        "CREATE TABLE IF NOT EXISTS archive_staged(batch_id VARCHAR NOT NULL, path VARCHAR NOT NULL, rows BIGINT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS archive_exports(export_id BIGINT PRIMARY KEY, rows BIGINT NOT NULL, exported_at TIMESTAMP NOT NULL, "
            + "status VARCHAR NOT NULL)"
    };

    /**
     * Version 4: a source can be taken again under other settings (issue 22, {@code sluice ingest --reprocess},
     * {@code sluice dlq replay}). Dead letters it supersedes move to a table of their own (kept, not listed); archive
     * rows it withdraws are listed until the Parquet partitions holding them are rewritten without them; aggregate
     * groups that a withdrawal brought to zero are no rows, as if never counted.
     */
    private static final String[] SCHEMA_V4 = {
        """
        CREATE TABLE IF NOT EXISTS dead_letters_superseded AS SELECT *, CAST(NULL AS TIMESTAMP) AS superseded_at,
            CAST(NULL AS VARCHAR) AS superseded_by FROM dead_letters LIMIT 0""",
        "CREATE TABLE IF NOT EXISTS archive_rewrites(rewrite_id BIGINT PRIMARY KEY, status VARCHAR NOT NULL, source VARCHAR NOT NULL, "
            + "created_at TIMESTAMP NOT NULL)",
        "CREATE TABLE IF NOT EXISTS archive_rewrite_partitions(rewrite_id BIGINT NOT NULL, dt VARCHAR NOT NULL)",
        "CREATE TABLE IF NOT EXISTS archive_retracted(rewrite_id BIGINT NOT NULL, record_key VARCHAR NOT NULL)",
        """
        CREATE OR REPLACE VIEW usage_daily AS SELECT msisdn, day, sum(calls) AS calls, sum(answered) AS answered,
            sum(seconds) AS seconds, sum(intl_calls) AS intl_calls, sum(intl_seconds) AS intl_seconds
          FROM (SELECT * FROM usage_daily_base UNION ALL SELECT * FROM usage_daily_delta) GROUP BY msisdn, day
          HAVING sum(calls) <> 0""",
        """
        CREATE OR REPLACE VIEW route_hourly AS SELECT route, hour, sum(attempts) AS attempts, sum(answered) AS answered,
            sum(seconds) AS seconds
          FROM (SELECT * FROM route_hourly_base UNION ALL SELECT * FROM route_hourly_delta) GROUP BY route, hour
          HAVING sum(attempts) <> 0"""
    };

    /**
     * Version 5: the state of the fraud rules (CDR-10, {@link DuckDbFraudState}): the calls a windowed rule may look
     * at, each batch's calls and seconds per subscriber-day, and the alerts. Calls and usage carry their batch so a
     * withdrawn source ({@link SourceRetraction}) takes them back; alerts stay (they were sent).
     */
    private static final String[] SCHEMA_V5 = {
        """
        CREATE TABLE IF NOT EXISTS fraud_calls(record_key VARCHAR NOT NULL, subscriber VARCHAR NOT NULL, start BIGINT NOT NULL,
            callee VARCHAR NOT NULL, billsec BIGINT NOT NULL, international BOOLEAN NOT NULL, batch_id VARCHAR NOT NULL)""",
        """
        CREATE TABLE IF NOT EXISTS fraud_usage(subscriber VARCHAR NOT NULL, day INTEGER NOT NULL, calls BIGINT NOT NULL,
            seconds BIGINT NOT NULL, first_start BIGINT NOT NULL, first_key VARCHAR NOT NULL, last_start BIGINT NOT NULL,
            last_key VARCHAR NOT NULL, batch_id VARCHAR NOT NULL)""",
        """
        CREATE TABLE IF NOT EXISTS fraud_alerts(id VARCHAR PRIMARY KEY, subscriber VARCHAR NOT NULL, rule VARCHAR NOT NULL,
            window_start BIGINT NOT NULL, window_end BIGINT NOT NULL, first_held BIGINT NOT NULL, held_until BIGINT NOT NULL,
            closes_at BIGINT NOT NULL, calls BIGINT NOT NULL, seconds BIGINT NOT NULL, destinations INTEGER NOT NULL,
            top_destinations VARCHAR NOT NULL, first_key VARCHAR NOT NULL, last_key VARCHAR NOT NULL, peak_calls BIGINT NOT NULL,
            baseline_calls DOUBLE NOT NULL, baseline_seconds DOUBLE NOT NULL, history_days INTEGER NOT NULL,
            cleared BOOLEAN NOT NULL, raise_sent BOOLEAN NOT NULL, clear_sent BOOLEAN NOT NULL)"""
    };

    /**
     * Version 7: telemetry (IOT-2..IOT-4; issue 18, {@link DuckDbTelemetryStore}, {@link DuckDbThresholdState}): the readings
     * (the time series, by device, metric and time), their minute and hour rollups, the rejected readings with their
     * original text and reason, the threshold rules' state, and the devices' credentials ({@link DeviceRegistry}: a hash of
 * each token, never the token). Times in epoch milliseconds.
     */
    private static final String[] SCHEMA_V7 = {
        """
        CREATE TABLE IF NOT EXISTS telemetry_readings(device_id VARCHAR NOT NULL, ts BIGINT NOT NULL, metric VARCHAR NOT NULL,
            value DOUBLE NOT NULL, unit VARCHAR NOT NULL, tags VARCHAR NOT NULL, batch_id VARCHAR NOT NULL)""",
        """
        CREATE TABLE IF NOT EXISTS telemetry_rollups(device_id VARCHAR NOT NULL, metric VARCHAR NOT NULL, resolution VARCHAR NOT NULL,
            bucket_start BIGINT NOT NULL, count BIGINT NOT NULL, min DOUBLE NOT NULL, max DOUBLE NOT NULL, sum DOUBLE NOT NULL,
            last_at BIGINT NOT NULL, last DOUBLE NOT NULL, PRIMARY KEY(device_id, metric, resolution, bucket_start))""",
        """
        CREATE TABLE IF NOT EXISTS telemetry_rejected(batch_id VARCHAR NOT NULL, idx INTEGER NOT NULL, reason VARCHAR NOT NULL,
            detail VARCHAR NOT NULL, original VARCHAR NOT NULL, received_at BIGINT NOT NULL)""",
        """
        CREATE TABLE IF NOT EXISTS threshold_state(device_id VARCHAR NOT NULL, rule VARCHAR NOT NULL, raised BOOLEAN NOT NULL,
            told BOOLEAN NOT NULL, last_raised_at BIGINT NOT NULL, last_seen_at BIGINT NOT NULL, PRIMARY KEY(device_id, rule))""",
        """
        CREATE TABLE IF NOT EXISTS devices(device_id VARCHAR PRIMARY KEY, token_sha256 VARCHAR NOT NULL, created_at BIGINT NOT NULL,
            revoked_at BIGINT)""",
        "CREATE INDEX IF NOT EXISTS devices_by_token ON devices(token_sha256)"
    };

    /**
     * Version 8: raw readings into the Parquet archive (IOT-5; {@link TelemetryArchive}): each export, and the batches it
     * took (a batch's readings are archived once, by the export that took it).
     */
    private static final String[] SCHEMA_V8 = {
        "CREATE TABLE IF NOT EXISTS telemetry_exports(export_id BIGINT PRIMARY KEY, status VARCHAR NOT NULL, started_at BIGINT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS telemetry_archived(batch_id VARCHAR PRIMARY KEY, export_id BIGINT NOT NULL)"
    };

    /**
     * Version 6: the monitoring of one machine (MON-1, MON-2; issue 19): the error log with the fields of the DynamoDB
     * error table and its by-function-time index ({@link DuckDbErrorLog}), and each function's counts per minute
     * ({@link DuckDbFunctionMinutes}). Times in epoch milliseconds.
     */
    private static final String[] SCHEMA_V6 = {
        """
        CREATE TABLE IF NOT EXISTS error_log(error_id VARCHAR PRIMARY KEY, function_name VARCHAR NOT NULL,
            occurred_at BIGINT NOT NULL, error_type VARCHAR NOT NULL, message VARCHAR NOT NULL, stack_trace VARCHAR NOT NULL,
            duration_ms BIGINT NOT NULL, event_snapshot VARCHAR NOT NULL)""",
        "CREATE INDEX IF NOT EXISTS error_log_by_function_time ON error_log(function_name, occurred_at)",
        """
        CREATE TABLE IF NOT EXISTS function_minutes(function_name VARCHAR NOT NULL, minute_start BIGINT NOT NULL,
            invocations BIGINT NOT NULL, errors BIGINT NOT NULL, throttles BIGINT NOT NULL, duration_sum_ms DOUBLE NOT NULL,
            duration_max_ms DOUBLE NOT NULL, duration_p99_ms DOUBLE NOT NULL, PRIMARY KEY(function_name, minute_start))"""
    };

    /** Version 3: the file manifest is the core's InputManifest port (issue 15): attempts and the attempt's lease. */
    private static final String[] SCHEMA_V3 = {
        "ALTER TABLE ingested_files ADD COLUMN attempts BIGINT DEFAULT 1",
        "ALTER TABLE ingested_files ADD COLUMN lease_from TIMESTAMP",
    };

    /** Version 2: the state of 'sluice up' (issue 3): its ingest log position, HTTP ingests, the inbox manifest. */
    private static final String[] SCHEMA_V2 = {
        "CREATE TABLE IF NOT EXISTS runtime_state(name VARCHAR PRIMARY KEY, value BIGINT NOT NULL)",
        """
        CREATE TABLE IF NOT EXISTS http_ingests(id BIGINT PRIMARY KEY, format VARCHAR NOT NULL, received_at TIMESTAMP NOT NULL,
            processed_at TIMESTAMP NOT NULL, records_in BIGINT NOT NULL, accepted BIGINT NOT NULL, rejected BIGINT NOT NULL,
            duplicates BIGINT NOT NULL, unknown_subscribers BIGINT NOT NULL)""",
        "CREATE SEQUENCE IF NOT EXISTS inbox_file_ids START 1",
        """
        CREATE TABLE IF NOT EXISTS inbox_files(id BIGINT PRIMARY KEY DEFAULT nextval('inbox_file_ids'), name VARCHAR NOT NULL,
            size BIGINT NOT NULL, content_hash VARCHAR, status VARCHAR NOT NULL, records_in BIGINT NOT NULL, accepted BIGINT NOT NULL,
            rejected BIGINT NOT NULL, duplicates BIGINT NOT NULL, unknown_subscribers BIGINT NOT NULL, detected_at TIMESTAMP NOT NULL,
            started_at TIMESTAMP NOT NULL, finished_at TIMESTAMP NOT NULL, error VARCHAR, moved_to VARCHAR NOT NULL)"""
    };

    /**
     * Runs {@code work} in one transaction: all of it commits, or none (a crash or exception rolls back). Called inside
     * another transaction (a {@link #rolledBack} dry run), it joins it: the outer one decides.
     */
    public <T> T inTransaction(SqlWork<T> work) {
        try {
            if (!connection.getAutoCommit()) {
                return work.run(connection);
            }
            connection.setAutoCommit(false);
            try {
                begin();
                T result = work.run(connection);
                long t0 = PortTimings.ON ? System.nanoTime() : 0;
                connection.commit();
                if (PortTimings.ON) {
                    PortTimings.add("transaction.commit", System.nanoTime() - t0);
                }
                return result;
            } catch (RuntimeException | SQLException | Error e) {
                // Any throwable: switching back to auto-commit below would commit what the work left half done.
                rollbackQuietly(e);
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException("Store transaction failed: " + firstLine(e.getMessage()), e);
        }
    }

    /**
     * Runs {@code work} in one transaction and rolls it back whatever happens: a dry run that goes through every
     * write of the real one and keeps none. Files written on the way (staging files) are orphans afterwards.
     */
    public <T> T rolledBack(SqlWork<T> work) {
        try {
            connection.setAutoCommit(false);
            try {
                begin();
                return work.run(connection);
            } finally {
                connection.rollback();
                clearDedupFilters();
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException("Store transaction failed: " + firstLine(e.getMessage()), e);
        }
    }

    /**
     * Opens the transaction with a statement. DuckDB's JDBC driver starts it lazily, at the first statement: an appender
     * used before any statement (a chunk whose keys the dedup filters all rule out writes its marks first, through the
     * appender) commits its rows on its own, outside the transaction, and a rollback or a crash before the commit keeps
     * them (measured on 2.0.0.1: LocalStoreTransactionTest; CrashRecoveryTest lost acknowledged readings so).
     */
    private void begin() throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("SELECT 1");
        }
    }

    /** Rolls back after {@code cause}; a failing rollback is added to it. The dedup filters are dropped either way. */
    private void rollbackQuietly(Throwable cause) {
        try {
            connection.rollback();
        } catch (SQLException | RuntimeException e) {
            cause.addSuppressed(e);
        } finally {
            clearDedupFilters();
        }
    }

    /** A rollback may bring back dedup marks that a filter was built without (DedupFilters): they are built again. */
    private void clearDedupFilters() {
        DedupFilters f = dedupFilters;
        synchronized (f) {
            f.clear();
        }
    }

    /** A unit of work on the store's connection. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    static String firstLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    @Override
    public synchronized void close() {
        try {
            if (!closed) {
                closed = true;
                DedupFilters.release(dataDir.resolve(DB_FILE));
            }
            connection.close();
        } catch (SQLException e) {
            throw new StoreException("Cannot close the store in " + dataDir + ": " + firstLine(e.getMessage()), e);
        }
    }
}
