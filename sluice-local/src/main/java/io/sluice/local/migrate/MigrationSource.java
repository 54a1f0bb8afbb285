package io.sluice.local.migrate;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * A MySQL-compatible table of subscriber profiles read over JDBC (MIG-1): which columns hold the profile's fields,
 * and the key the rows are read in order of. Rows are read a page at a time by key ({@code WHERE key > ? ORDER BY
 * key LIMIT n}), so memory stays bounded whatever the table's size and a run can resume after the last committed key.
 *
 * @param url      a JDBC URL ({@code jdbc:mariadb://host:port/db} or {@code jdbc:mysql://...})
 * @param columns  the source column of each profile field: {@code msisdn}, {@code plan}, {@code home_country}, {@code status}
 * @param key      the column rows are ordered and resumed by (unique, preferably the primary key)
 */
public record MigrationSource(String url, String user, String password, String table, Map<String, String> columns, String key) {
    /** The profile fields, in the order a profiles CSV has them. */
    public static final List<String> FIELDS = List.of("msisdn", "plan", "home_country", "status");
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,63}(\\.[A-Za-z_][A-Za-z0-9_$]{0,63})?");

    public MigrationSource {
        if (url == null || !url.matches("jdbc:(mariadb|mysql)://.+")) {
            throw new IllegalArgumentException("--source must be a JDBC URL of a MySQL-compatible database, "
                    + "jdbc:mariadb://HOST:PORT/DB or jdbc:mysql://HOST:PORT/DB, was '" + url + "'");
        }
        identifier("--table", table);
        Map<String, String> all = new LinkedHashMap<>();
        for (String f : FIELDS) {
            all.put(f, f);
        }
        for (Map.Entry<String, String> c : columns.entrySet()) {
            if (!FIELDS.contains(c.getKey())) {
                throw new IllegalArgumentException("--columns: '" + c.getKey() + "' is not a profile field (" + String.join(", ", FIELDS) + ")");
            }
            identifier("--columns " + c.getKey(), c.getValue());
            all.put(c.getKey(), c.getValue());
        }
        columns = java.util.Collections.unmodifiableMap(all);
        key = key == null || key.isBlank() ? columns.get("msisdn") : key;
        identifier("--key", key);
    }

    private static void identifier(String what, String name) {
        if (name == null || !IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException(what + ": '" + name + "' is not a plain table or column name (letters, digits, _ and $)");
        }
    }

    private static String quoted(String name) {
        StringBuilder b = new StringBuilder();
        for (String part : name.split("\\.")) {
            if (!b.isEmpty()) {
                b.append('.');
            }
            b.append('`').append(part).append('`');
        }
        return b.toString();
    }

    /** Never the password: a record's own toString would print it into any log or message that shows the source. */
    @Override
    public String toString() {
        return "MigrationSource[" + displayUrl() + ", user=" + user + ", table=" + table + ", key=" + key + ", columns=" + columns + "]";
    }

    /** The URL without credentials a user may have put in it, for messages and the checkpoint. */
    public String displayUrl() {
        return url.replaceAll("(?i)(password|pwd)=[^&;]*", "$1=***").replaceAll("//[^/@]*@", "//");
    }

    /** Connects, with a message naming the source when it cannot. */
    public Connection connect() {
        Properties p = new Properties();
        if (user != null) {
            p.setProperty("user", user);
        }
        if (password != null) {
            p.setProperty("password", password);
        }
        p.setProperty("connectTimeout", "10000");
        try {
            Connection c = DriverManager.getConnection(url, p);
            c.setReadOnly(true);
            return c;
        } catch (SQLException e) {
            throw new SourceException("cannot connect to " + displayUrl() + ": " + firstLine(e.getMessage()), e);
        }
    }

    /** The table's rows (for a progress bar's total: the table may change while it is read). */
    public long count(Connection c) {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + quoted(table))) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new SourceException("cannot read " + table + " at " + displayUrl() + ": " + firstLine(e.getMessage()), e);
        }
    }

    /** One source row: its key and the profile fields as text (null where the column is NULL). */
    public record Row(String key, Map<String, String> fields) {
    }

    /** Up to {@code limit} rows after {@code afterKey} (null: from the first), in key order. */
    public List<Row> page(Connection c, String afterKey, int limit) {
        StringBuilder sql = new StringBuilder("SELECT ").append(quoted(key));
        for (String f : FIELDS) {
            sql.append(", ").append(quoted(columns.get(f)));
        }
        sql.append(" FROM ").append(quoted(table));
        if (afterKey != null) {
            sql.append(" WHERE ").append(quoted(key)).append(" > ?");
        }
        sql.append(" ORDER BY ").append(quoted(key)).append(" LIMIT ").append(limit);
        try (PreparedStatement p = c.prepareStatement(sql.toString())) {
            if (afterKey != null) {
                p.setString(1, afterKey);
            }
            List<Row> out = new ArrayList<>(limit);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    Map<String, String> fields = new LinkedHashMap<>();
                    for (int i = 0; i < FIELDS.size(); i++) {
                        fields.put(FIELDS.get(i), rs.getString(i + 2));
                    }
                    out.add(new Row(rs.getString(1), fields));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new SourceException("cannot read " + table + " at " + displayUrl() + ": " + firstLine(e.getMessage()), e);
        }
    }

    /** Where the binary log is now, {@code file:position} ({@code SHOW MASTER STATUS}); empty when the server keeps none. */
    public java.util.Optional<BinlogPosition> binlogPosition(Connection c) {
        for (String q : List.of("SHOW MASTER STATUS", "SHOW BINARY LOG STATUS")) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(q)) {
                return rs.next() ? java.util.Optional.of(new BinlogPosition(rs.getString(1), rs.getLong(2))) : java.util.Optional.empty();
            } catch (SQLException e) {
                // MySQL 8.4 renamed the first; MariaDB and older MySQL know only it: try the other.
            }
        }
        return java.util.Optional.empty();
    }

    /** A place in the source's binary log. */
    public record BinlogPosition(String file, long position) {
    }

    /** The database the table is in: its {@code DB.} prefix, else the URL's database. */
    public String database() {
        int dot = table.indexOf('.');
        if (dot > 0) {
            return table.substring(0, dot);
        }
        java.util.regex.Matcher m = Pattern.compile("jdbc:\\w+://[^/]+/([^?;]+)").matcher(url);
        if (!m.find()) {
            throw new IllegalArgumentException("--source " + displayUrl() + " names no database: add /DB or write --table DB.TABLE");
        }
        return m.group(1);
    }

    /** The table's name without its database. */
    public String tableName() {
        int dot = table.indexOf('.');
        return dot > 0 ? table.substring(dot + 1) : table;
    }

    /** The host and port of the URL (default 3306), for the binary log client. */
    public java.net.InetSocketAddress address() {
        java.util.regex.Matcher m = Pattern.compile("jdbc:\\w+://(?:[^@/]*@)?([^:/,]+)(?::(\\d+))?").matcher(url);
        if (!m.find()) {
            throw new IllegalArgumentException("--source " + displayUrl() + ": no host in it");
        }
        return java.net.InetSocketAddress.createUnresolved(m.group(1), m.group(2) == null ? 3306 : Integer.parseInt(m.group(2)));
    }

    /** The 0-based position of each profile field's column and of the key in the table's rows, as the binary log has them. */
    public Map<String, Integer> ordinals(Connection c) {
        Map<String, Integer> byName = new java.util.HashMap<>();
        try (PreparedStatement p = c.prepareStatement(
                "SELECT COLUMN_NAME, ORDINAL_POSITION FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
            p.setString(1, database());
            p.setString(2, tableName());
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    byName.put(rs.getString(1).toLowerCase(java.util.Locale.ROOT), rs.getInt(2) - 1);
                }
            }
        } catch (SQLException e) {
            throw new SourceException("cannot read the columns of " + table + ": " + firstLine(e.getMessage()), e);
        }
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String f : FIELDS) {
            out.put(f, column(byName, columns.get(f)));
        }
        out.put("key", column(byName, key));
        return out;
    }

    private int column(Map<String, Integer> byName, String column) {
        Integer i = byName.get(column.toLowerCase(java.util.Locale.ROOT));
        if (i == null) {
            throw new IllegalArgumentException(table + " has no column " + column + " (its columns: " + new java.util.TreeSet<>(byName.keySet()) + ")");
        }
        return i;
    }

    static String firstLine(String s) {
        if (s == null) {
            return "(no message)";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** The source could not be reached or read: a message for the user, not a stack trace. */
    public static final class SourceException extends RuntimeException {
        SourceException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
