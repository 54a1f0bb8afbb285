package io.sluice.local.store;

import io.sluice.core.fraud.CallEvent;
import io.sluice.core.fraud.FraudAlert;
import io.sluice.core.fraud.FraudState;
import io.sluice.core.pipeline.BatchId;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.duckdb.DuckDBAppender;

/**
 * The fraud rules' state in the embedded store (CDR-10): tables {@code fraud_calls}, {@code fraud_usage} and
 * {@code fraud_alerts} of schema version 5. It writes on the store's one connection, so inside a batch's transaction
 * the calls, usage and alerts it changes commit or vanish with the batch's dedup claims (CDR-8). Rows go in through
 * staging CSV files (calls and usage once per batch id, {@code batch_marks}); reads load the subscribers into a
 * temporary table to join with. {@code fraud_calls} has no key index (an index probe per row costs more than the
 * whole rule): the same key recorded by two batches, which de-duplication never lets happen, is read once.
 */
public final class DuckDbFraudState implements FraudState {
    private static final String ALERT_COLUMNS = FraudAlertQueries.COLUMNS;

    private final LocalStore store;

    public DuckDbFraudState(LocalStore store) {
        this.store = store;
    }

    @Override
    public void record(BatchId batch, List<CallEvent> calls, Map<SubscriberDay, DayUsage> usage) {
        try (Statement s = store.connection().createStatement()) {
            // Once per batch (a replayed batch adds nothing); the same key in two batches is read once (calls()). Rows
            // go through a staging CSV file, DuckDB's fast way in (StagingFile), not the appender.
            java.nio.file.Path dir = store.dataDir().resolve("staging");
            if (!calls.isEmpty() && BatchMarks.firstTime(store, "fraud-calls", batch)) {
                StagingFile f = new StagingFile(dir.resolve("fraud-calls.csv"));
                try (f) {
                    for (CallEvent e : calls) {
                        f.str(e.key()).str(e.subscriber()).num(e.start()).str(e.callee()).num(e.billsec()).bool(e.international())
                                .endRow();
                    }
                }
                s.execute("INSERT INTO fraud_calls SELECT *, '" + batch.value().replace("'", "''") + "' FROM read_csv("
                        + f.sqlLiteral() + ", columns = {'record_key': 'VARCHAR', 'subscriber': 'VARCHAR', 'start': 'BIGINT', "
                        + "'callee': 'VARCHAR', 'billsec': 'BIGINT', 'international': 'BOOLEAN'}" + StagingFile.READ_OPTIONS);
            }
            if (!usage.isEmpty() && BatchMarks.firstTime(store, "fraud-usage", batch)) {
                StagingFile f = new StagingFile(dir.resolve("fraud-usage.csv"));
                try (f) {
                    for (var e : usage.entrySet()) {
                        DayUsage u = e.getValue();
                        f.str(e.getKey().subscriber()).num(e.getKey().day()).num(u.calls()).num(u.seconds()).num(u.firstStart())
                                .str(u.firstKey()).num(u.lastStart()).str(u.lastKey()).endRow();
                    }
                }
                s.execute("INSERT INTO fraud_usage SELECT *, '" + batch.value().replace("'", "''") + "' FROM read_csv("
                        + f.sqlLiteral() + ", columns = {'subscriber': 'VARCHAR', 'day': 'INTEGER', 'calls': 'BIGINT', "
                        + "'seconds': 'BIGINT', 'first_start': 'BIGINT', 'first_key': 'VARCHAR', 'last_start': 'BIGINT', "
                        + "'last_key': 'VARCHAR'}" + StagingFile.READ_OPTIONS);
            }
        } catch (SQLException e) {
            throw new StoreException("Cannot keep the fraud rules' state of batch " + batch.value() + ": "
                    + LocalStore.firstLine(e.getMessage()), e);
        }
    }

    /** Loads the subscribers into a temporary table to join with: a list of thousands is no IN (...) literal. */
    private void subscribers(Set<String> subscribers) throws SQLException {
        try (Statement s = store.connection().createStatement()) {
            s.execute("CREATE OR REPLACE TEMP TABLE fraud_subs_in(subscriber VARCHAR)");
        }
        try (DuckDBAppender a = store.connection().createAppender("temp", "main", "fraud_subs_in")) {
            for (String sub : subscribers) {
                a.beginRow();
                a.append(sub);
                a.endRow();
            }
        }
    }

    @Override
    public List<CallEvent> calls(Set<String> subscribers, long from, long to) {
        if (subscribers.isEmpty()) {
            return List.of();
        }
        try {
            subscribers(subscribers);
            List<CallEvent> out = new ArrayList<>();
            try (PreparedStatement p = store.connection().prepareStatement(
                    "SELECT DISTINCT ON (c.record_key) c.subscriber, c.start, c.callee, c.billsec, c.international, c.record_key "
                            + "FROM fraud_calls c JOIN fraud_subs_in USING (subscriber) WHERE c.start BETWEEN ? AND ?")) {
                p.setLong(1, from);
                p.setLong(2, to);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        out.add(new CallEvent(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getLong(4), rs.getBoolean(5),
                                rs.getString(6)));
                    }
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("Cannot read the fraud rules' calls: " + LocalStore.firstLine(e.getMessage()), e);
        }
    }

    @Override
    public Set<String> subscribersWith(Set<String> among, long from, long to, boolean internationalOnly, long maxBillsec,
                                       int minCalls) {
        // One aggregate over the span, no join: the answer is the few busy subscribers, not their calls.
        try (PreparedStatement p = store.connection().prepareStatement(
                "SELECT subscriber FROM fraud_calls WHERE start BETWEEN ? AND ? AND (NOT ? OR international) AND (? < 0 OR billsec <= ?) "
                        + "GROUP BY subscriber HAVING count(*) >= ?")) {
            p.setLong(1, from);
            p.setLong(2, to);
            p.setBoolean(3, internationalOnly);
            p.setLong(4, maxBillsec);
            p.setLong(5, maxBillsec);
            p.setInt(6, minCalls);
            Set<String> out = new java.util.HashSet<>();
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            out.retainAll(among);
            return out;
        } catch (SQLException e) {
            throw new StoreException("Cannot read the fraud rules' calls: " + LocalStore.firstLine(e.getMessage()), e);
        }
    }

    @Override
    public Map<SubscriberDay, DayUsage> dailyUsage(Set<String> subscribers, int fromDay, int toDay) {
        if (subscribers.isEmpty()) {
            return Map.of();
        }
        try {
            subscribers(subscribers);
            Map<SubscriberDay, DayUsage> out = new HashMap<>();
            try (PreparedStatement p = store.connection().prepareStatement(
                    "SELECT u.subscriber, u.day, u.calls, u.seconds, u.first_start, u.first_key, u.last_start, u.last_key "
                            + "FROM fraud_usage u JOIN fraud_subs_in USING (subscriber) WHERE u.day BETWEEN ? AND ?")) {
                p.setInt(1, fromDay);
                p.setInt(2, toDay);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        DayUsage u = new DayUsage(rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getString(6), rs.getLong(7),
                                rs.getString(8));
                        out.merge(new SubscriberDay(rs.getString(1), rs.getInt(2)), u, DayUsage::plus);
                    }
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("Cannot read the fraud rules' daily usage: " + LocalStore.firstLine(e.getMessage()), e);
        }
    }

    @Override
    public Set<SubscriberDay> busyDays(Set<String> subscribers, int fromDay, int toDay, long minCalls) {
        if (subscribers.isEmpty()) {
            return Set.of();
        }
        // Busy days are few: found over every subscriber of the days (one aggregate, no join) and kept for these.
        try (PreparedStatement p = store.connection().prepareStatement(
                "SELECT subscriber, day FROM fraud_usage WHERE day BETWEEN ? AND ? GROUP BY subscriber, day HAVING sum(calls) >= ?")) {
            p.setInt(1, fromDay);
            p.setInt(2, toDay);
            p.setLong(3, minCalls);
            Set<SubscriberDay> out = new java.util.HashSet<>();
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    String sub = rs.getString(1);
                    if (subscribers.contains(sub)) {
                        out.add(new SubscriberDay(sub, rs.getInt(2)));
                    }
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("Cannot read the fraud rules' daily usage: " + LocalStore.firstLine(e.getMessage()), e);
        }
    }

    @Override
    public List<FraudAlert> alerts(Set<String> subscribers, String rule, long from, long to) {
        if (subscribers.isEmpty()) {
            return List.of();
        }
        try {
            subscribers(subscribers);
            return query("SELECT " + prefixed("a.") + " FROM fraud_alerts a JOIN fraud_subs_in USING (subscriber) "
                    + "WHERE a.rule = ? AND a.first_held <= ? AND a.held_until >= ?", rule, to, from);
        } catch (SQLException e) {
            throw new StoreException("Cannot read fraud alerts: " + LocalStore.firstLine(e.getMessage()), e);
        }
    }

    @Override
    public List<FraudAlert> closingBy(long time) {
        return query("SELECT " + ALERT_COLUMNS + " FROM fraud_alerts WHERE NOT cleared AND closes_at <= ?", time);
    }

    @Override
    public List<FraudAlert> undelivered() {
        return query("SELECT " + ALERT_COLUMNS + " FROM fraud_alerts WHERE NOT raise_sent OR (cleared AND NOT clear_sent) ORDER BY id");
    }

    @Override
    public void save(Collection<FraudAlert> alerts) {
        if (alerts.isEmpty()) {
            return;
        }
        try (PreparedStatement p = store.connection().prepareStatement("INSERT OR REPLACE INTO fraud_alerts (" + ALERT_COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (FraudAlert a : alerts) {
                FraudAlert.Evidence ev = a.evidence();
                int i = 0;
                p.setString(++i, a.id());
                p.setString(++i, a.subscriber());
                p.setString(++i, a.rule());
                p.setLong(++i, a.windowStart());
                p.setLong(++i, a.windowEnd());
                p.setLong(++i, a.firstHeld());
                p.setLong(++i, a.heldUntil());
                p.setLong(++i, a.closesAt());
                p.setLong(++i, ev.calls());
                p.setLong(++i, ev.seconds());
                p.setInt(++i, ev.destinations());
                p.setString(++i, String.join(",", ev.topDestinations()));
                p.setString(++i, ev.firstKey());
                p.setString(++i, ev.lastKey());
                p.setLong(++i, ev.peakCalls());
                p.setDouble(++i, ev.baselineCalls());
                p.setDouble(++i, ev.baselineSeconds());
                p.setInt(++i, ev.historyDays());
                p.setBoolean(++i, a.cleared());
                p.setBoolean(++i, a.raiseSent());
                p.setBoolean(++i, a.clearSent());
                p.executeUpdate(); // a handful per batch: alerts are rare
            }
        } catch (SQLException e) {
            throw new StoreException("Cannot save fraud alerts: " + LocalStore.firstLine(e.getMessage()), e);
        }
    }

    @Override
    public void delete(Collection<String> ids) {
        if (ids.isEmpty()) {
            return;
        }
        try (PreparedStatement p = store.connection().prepareStatement("DELETE FROM fraud_alerts WHERE id = ?")) {
            for (String id : ids) {
                p.setString(1, id);
                p.executeUpdate();
            }
        } catch (SQLException e) {
            throw new StoreException("Cannot delete fraud alerts: " + LocalStore.firstLine(e.getMessage()), e);
        }
    }

    private static String prefixed(String alias) {
        return String.join(", ", Arrays.stream(ALERT_COLUMNS.split(", ")).map(c -> alias + c).toList());
    }

    private List<FraudAlert> query(String sql, Object... params) {
        return new FraudAlertQueries(store.connection()).query(sql, params);
    }
}
