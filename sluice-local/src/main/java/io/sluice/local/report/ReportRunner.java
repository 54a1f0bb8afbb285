package io.sluice.local.report;

import io.sluice.core.report.ReportCatalog;
import io.sluice.local.store.LocalStore;
import io.sluice.local.store.ParquetArchive;
import io.sluice.local.store.StoreException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a standard report's SQL, unchanged, on DuckDB over the local archive (ANA-2). The table {@code cdr}
 * is a view over the Parquet partitions plus any rows not yet exported, so a report always sees every
 * accepted record.
 */
public final class ReportRunner {
    private final java.sql.Connection connection;
    private final ParquetArchive archive;

    /** Reports on the store's own connection, after finishing an interrupted export (the CLI, nothing else running). */
    public ReportRunner(LocalStore store) {
        this.connection = store.connection();
        this.archive = new ParquetArchive(store);
        archive.recover();
    }

    /** Reports on a reading connection next to a running writer ('sluice up'), which owns {@code archive}. */
    public ReportRunner(ParquetArchive archive, java.sql.Connection reader) {
        this.connection = reader;
        this.archive = archive;
    }

    /**
     * @param limit at most this many rows (0 for all); applied around the report's own SQL
     */
    public ReportResult run(String name, LocalDate from, LocalDate to, int limit) {
        return held(name, sink -> stream(name, from, to, limit, sink));
    }

    /** The rows {@code query} hands its sink, held in memory as one result. */
    private static ReportResult held(String name, java.util.function.ToDoubleFunction<Rows> query) {
        List<String> columns = new ArrayList<>();
        List<List<Object>> rows = new ArrayList<>();
        double seconds = query.applyAsDouble(new Rows() {
            @Override
            public void columns(List<String> c) {
                columns.addAll(c);
            }

            @Override
            public void row(List<Object> r) {
                rows.add(r);
            }
        });
        return new ReportResult(name, columns, rows, seconds);
    }

    /** Where a report's rows go as they are read: one row in memory at a time (issue 17: reports are not buffered whole). */
    public interface Rows {
        void columns(List<String> columns) throws java.io.IOException;

        void row(List<Object> row) throws java.io.IOException;
    }

    /**
     * Runs the report and hands its rows to {@code sink} as the database returns them; the seconds it took.
     *
     * @param limit at most this many rows (0 for all); applied around the report's own SQL
     */
    public double stream(String name, LocalDate from, LocalDate to, int limit, Rows sink) {
        try {
            return archive.whileNotExporting(() -> runStable(name, from, to, limit, sink));
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The columns {@code sluice records} shows, newest call first. */
    static final String RECORD_COLUMNS = "start_time, answer_time, end_time, caller, callee, disposition, duration, billsec, route, "
            + "callee_country, international, known_subscriber, plan, account, unique_id, time_ambiguous, source, source_line, record_key";

    /**
     * Archived records (the Parquet archive and rows staged since the last export) that {@code filter} selects, newest
     * call first, at most {@code limit} (0: all), handed to {@code sink} one at a time; the seconds it took.
     */
    public double records(RecordFilter filter, int limit, Rows sink) {
        try {
            return archive.whileNotExporting(() -> {
                openView();
                String sql = "SELECT " + RECORD_COLUMNS + " FROM cdr WHERE " + filter.where() + " ORDER BY start_time DESC, record_key"
                        + (limit > 0 ? " LIMIT " + limit : "");
                return query("records", sql, filter.parameters(), sink);
            });
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The names of the columns {@code sluice records} gives, in order. */
    public static String[] recordColumns() {
        return RECORD_COLUMNS.split(",\\s*");
    }

    /** {@link #records(RecordFilter, int, Rows)} held in memory: for a bounded {@code limit}. */
    public ReportResult records(RecordFilter filter, int limit) {
        return held("records", sink -> records(filter, limit, sink));
    }

    /** The temp view {@code cdr}: the Parquet archive and the staged rows, as the report SQL reads them. */
    private void openView() {
        try (Statement s = connection.createStatement()) {
            String source = archive.hasFiles()
                    ? "SELECT * FROM " + archive.readExpression() + " UNION ALL BY NAME " + archive.pendingSelect(connection)
                    : archive.pendingSelect(connection);
            s.execute("CREATE OR REPLACE TEMP VIEW cdr AS " + source);
        } catch (SQLException e) {
            throw new StoreException("Cannot open the archive for reports: " + e.getMessage(), e);
        }
    }

    /** The temp view {@code telemetry}: the raw readings' Parquet files and the readings not archived yet. */
    private void openTelemetryView() {
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE OR REPLACE TEMP VIEW telemetry AS " + archive.telemetrySelect());
        } catch (SQLException e) {
            throw new StoreException("Cannot open the telemetry archive for reports: " + e.getMessage(), e);
        }
    }

    private double runStable(String name, LocalDate from, LocalDate to, int limit, Rows sink) throws java.io.IOException {
        String sql = ReportCatalog.sql(name).orElseThrow(() -> new IllegalArgumentException(
                "Unknown report '" + name + "': choose one of " + String.join(", ", ReportCatalog.NAMES)));
        if (name.startsWith("telemetry-")) {
            openTelemetryView(); // the reports over readings read the table telemetry, the others cdr
        } else {
            openView();
        }
        String body = stripComments(sql);
        String wrapped = limit > 0 ? "SELECT * FROM (" + body + ") LIMIT " + limit : body;
        return query("Report " + name, wrapped, List.of(from.toString(), to.toString()), sink);
    }

    private double query(String what, String sql, List<String> parameters, Rows sink) throws java.io.IOException {
        long t0 = System.nanoTime();
        try (PreparedStatement p = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.size(); i++) {
                p.setString(i + 1, parameters.get(i));
            }
            try (ResultSet rs = p.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                List<String> columns = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    columns.add(md.getColumnLabel(i));
                }
                sink.columns(columns);
                while (rs.next()) {
                    List<Object> row = new ArrayList<>(columns.size());
                    for (int i = 1; i <= columns.size(); i++) {
                        row.add(rs.getObject(i));
                    }
                    sink.row(row);
                }
                return (System.nanoTime() - t0) / 1e9;
            }
        } catch (SQLException e) {
            throw new StoreException(what + " failed: " + e.getMessage(), e);
        }
    }

    /** Comment lines would swallow the closing parenthesis of the LIMIT wrapper; the SQL itself is unchanged. */
    private static String stripComments(String sql) {
        StringBuilder b = new StringBuilder();
        for (String line : sql.split("\n")) {
            if (!line.strip().startsWith("--")) {
                b.append(line).append('\n');
            }
        }
        return b.toString();
    }
}
