package io.sluice.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * The named baseline of the ingest benchmark: DuckDB itself doing the nearest equivalent SQL on the same
 * Asterisk file: read_csv, drop invalid rows, de-duplicate, join profiles, group by subscriber-day, write
 * the result and the accepted rows (as Parquet, like Sluice's archive). It does less than Sluice (no E.164
 * normalization, no dead letters with original bytes, no per-record keys, no crash-safe chunking), so it
 * is an upper bound. Usage: {@code DuckDbBaseline WORK_DIR CDR_FILE PROFILES_CSV}.
 */
public final class DuckDbBaseline {
    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        String cdrs = Path.of(args[1]).toAbsolutePath().toString();
        String profiles = Path.of(args[2]).toAbsolutePath().toString();
        java.nio.file.Files.createDirectories(work);
        long t0 = System.nanoTime();
        long accepted;
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + work.resolve("baseline.duckdb").toAbsolutePath());
             Statement s = c.createStatement()) {
            s.execute("SET memory_limit = '1GB'");
            s.execute("""
                    CREATE OR REPLACE TABLE raw AS SELECT * FROM read_csv('%s', header = false, auto_detect = false, delim = ',', quote = '"', escape = '"',
                      ignore_errors = true, null_padding = true, strict_mode = false, columns = {
                        'accountcode': 'VARCHAR', 'src': 'VARCHAR', 'dst': 'VARCHAR', 'dcontext': 'VARCHAR', 'clid': 'VARCHAR',
                        'channel': 'VARCHAR', 'dstchannel': 'VARCHAR', 'lastapp': 'VARCHAR', 'lastdata': 'VARCHAR',
                        'start': 'VARCHAR', 'answer': 'VARCHAR', 'end': 'VARCHAR', 'duration': 'VARCHAR', 'billsec': 'VARCHAR',
                        'disposition': 'VARCHAR', 'amaflags': 'VARCHAR', 'uniqueid': 'VARCHAR', 'userfield': 'VARCHAR'})
                    """.formatted(cdrs));
            s.execute("""
                    CREATE OR REPLACE TABLE valid AS SELECT DISTINCT * FROM (
                      SELECT src, dst, dstchannel, try_strptime(start, '%Y-%m-%d %H:%M:%S') AS start_time,
                             try_strptime(nullif(answer, ''), '%Y-%m-%d %H:%M:%S') AS answer_time,
                             try_strptime("end", '%Y-%m-%d %H:%M:%S') AS end_time,
                             try_cast(duration AS INTEGER) AS duration, try_cast(billsec AS INTEGER) AS billsec,
                             disposition, accountcode, uniqueid, channel
                      FROM raw)
                    WHERE start_time IS NOT NULL AND end_time IS NOT NULL AND end_time >= start_time
                      AND duration >= 0 AND billsec >= 0 AND billsec <= duration AND dst <> ''
                      AND disposition IN ('ANSWERED', 'NO ANSWER', 'BUSY', 'FAILED', 'CONGESTION', 'CANCEL')
                    """);
            s.execute("CREATE OR REPLACE TABLE profiles AS SELECT * FROM read_csv('" + profiles + "', header = true, all_varchar = true)");
            s.execute("""
                    CREATE OR REPLACE TABLE usage_daily AS
                    SELECT v.src AS msisdn, CAST(v.start_time AS DATE) AS day, count(*) AS calls,
                           count(*) FILTER (WHERE disposition = 'ANSWERED') AS answered, sum(billsec) AS seconds,
                           sum(billsec) FILTER (WHERE v.dst LIKE '011%%') AS intl_seconds, any_value(p.plan) AS plan
                    FROM valid v LEFT JOIN profiles p ON p.msisdn = '+1' || v.src
                    GROUP BY ALL
                    """);
            s.execute("COPY (SELECT *, strftime(start_time, '%Y-%m-%d') AS dt FROM valid) TO '"
                    + work.resolve("archive").toAbsolutePath() + "' (FORMAT parquet, PARTITION_BY (dt), OVERWRITE_OR_IGNORE true, COMPRESSION zstd)");
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM valid")) {
                rs.next();
                accepted = rs.getLong(1);
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long lines;
        try (var in = java.nio.file.Files.lines(Path.of(cdrs))) {
            lines = in.count();
        }
        System.out.printf("{\"engine\":\"duckdb-sql\",\"records_in\":%d,\"accepted\":%d,\"seconds\":%.2f,\"records_per_s\":%.0f,"
                + "\"peak_rss_mib\":%d}%n", lines, accepted, seconds, lines / seconds, ProcessStats.peakRssMiB());
    }
}
