package io.sluice.aws.dynamodb;

import io.sluice.aws.Backoff;
import io.sluice.core.contracts.TableKeys;
import io.sluice.core.fraud.CallEvent;
import io.sluice.core.fraud.FraudAlert;
import io.sluice.core.fraud.FraudState;
import io.sluice.core.pipeline.BatchId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutionException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * {@link FraudState} in one DynamoDB table ({@link TableKeys#FRAUD}: {@code pk}, {@code sk}) for the stream and object
 * functions (CDR-10). Every write is a plain put of an item whose key the content decides, so a retried or replayed
 * batch writes the same items again and counts nothing twice:
 * <ul>
 *   <li>a kept call: {@code pk = call#<subscriber>}, {@code sk = <start, 12 digits>#<record key>};</li>
 *   <li>a batch's day usage of one subscriber: {@code pk = usage#<subscriber>}, {@code sk = <day, 6 digits>#<batch
 *       digest>}, one item per batch, summed when read (no counter to increment, so nothing to double on a retry);</li>
 *   <li>an alert: {@code pk = alert#<subscriber>}, {@code sk = <alert id>} (which starts with subscriber and rule), with
 *       the attributes {@code pending} and {@code pending_at} (its closing time) while it is open or owes a
 *       notification: the sparse index {@link TableKeys#FRAUD_PENDING_INDEX} lists those few alone.</li>
 * </ul>
 * Calls and usage carry {@link TableKeys#FRAUD_EXPIRES_ATTRIBUTE} (written + {@link #RETENTION_SECONDS}): the table's
 * TTL removes them once no window or history can reach them; alerts stay.
 *
 * <p>Reads are one Query per subscriber (run in parallel): a window rule's count and its calls come from one read of
 * each candidate subscriber per batch (kept until the next write). Alerts found through the index, which is eventually
 * consistent, are read again from the table with a consistent read before they are acted on, and the alerts this
 * instance saved are remembered until delivered, so an alert is never missed or acted on from a stale copy.
 *
 * <p>Concurrency: one writer per subscriber at a time is assumed (the stream is partitioned by caller; an object loaded
 * at the same time as the stream carries the same subscriber may race on an alert's read-modify-write). Delivery marks
 * change the notification flags alone ({@link #markDelivered}), never what an evaluation saved meanwhile.
 */
public final class DynamoDbFraudState implements FraudState {
    /** How long kept calls and day usage stay after they were written: past the longest window and the 7-day history. */
    public static final long RETENTION_SECONDS = 35L * 86_400;
    static final String PENDING = "fraud-alert";
    private static final int READERS = 16;
    private static final String EXPIRES = TableKeys.FRAUD_EXPIRES_ATTRIBUTE;

    private final DynamoDbClient client;
    private final String table;
    private final Clock clock;
    private final WriteMeter meter;
    private final ExecutorService readers;
    /** The last read of each subscriber's calls: {from, to} and what it returned; valid until the next write. */
    private final Map<String, CachedCalls> lastCalls = new HashMap<>();
    /** Alerts this instance saved that owe a notification (the index may not show them yet). */
    private final Map<String, FraudAlert> owed = new LinkedHashMap<>();

    public DynamoDbFraudState(DynamoDbClient client, String table, Clock clock, WriteMeter meter) {
        this.client = client;
        this.table = table;
        this.clock = clock;
        this.meter = meter;
        this.readers = Executors.newFixedThreadPool(READERS, r -> {
            Thread t = new Thread(r, "sluice-fraud-read");
            t.setDaemon(true);
            return t;
        });
    }

    private record CachedCalls(long from, long to, List<CallEvent> calls) {
    }

    @Override
    public synchronized void record(BatchId batch, List<CallEvent> calls, Map<SubscriberDay, DayUsage> usage) {
        lastCalls.clear();
        long expires = clock.instant().getEpochSecond() + RETENTION_SECONDS;
        Map<String, Map<String, AttributeValue>> items = new LinkedHashMap<>();
        for (CallEvent e : calls) {
            Map<String, AttributeValue> i = new HashMap<>();
            i.put("pk", s("call#" + e.subscriber()));
            i.put("sk", s(callSort(e.start()) + "#" + e.key()));
            i.put("callee", s(e.callee()));
            i.put("billsec", n(e.billsec()));
            i.put("intl", AttributeValue.fromBool(e.international()));
            i.put(EXPIRES, n(expires));
            items.put(i.get("pk").s() + "\n" + i.get("sk").s(), i);
        }
        String digest = digest(batch.value());
        usage.forEach((sd, u) -> {
            Map<String, AttributeValue> i = new HashMap<>();
            i.put("pk", s("usage#" + sd.subscriber()));
            i.put("sk", s(daySort(sd.day()) + "#" + digest));
            i.put("calls", n(u.calls()));
            i.put("seconds", n(u.seconds()));
            i.put("first_start", n(u.firstStart()));
            i.put("first_key", s(u.firstKey()));
            i.put("last_start", n(u.lastStart()));
            i.put("last_key", s(u.lastKey()));
            i.put(EXPIRES, n(expires));
            items.put(i.get("pk").s() + "\n" + i.get("sk").s(), i);
        });
        BatchWrites.putAll(client, table, new ArrayList<>(items.values()), Backoff.standard(), 8, meter);
    }

    @Override
    public synchronized List<CallEvent> calls(Set<String> subscribers, long from, long to) {
        List<CallEvent> out = new ArrayList<>();
        for (List<CallEvent> mine : callsOf(subscribers, from, to).values()) {
            out.addAll(mine);
        }
        return out;
    }

    @Override
    public synchronized Set<String> subscribersWith(Set<String> among, long from, long to, boolean internationalOnly,
                                                    long maxBillsec, int minCalls) {
        Set<String> out = new java.util.HashSet<>();
        callsOf(among, from, to).forEach((sub, calls) -> {
            int n = 0;
            for (CallEvent e : calls) {
                if ((!internationalOnly || e.international()) && (maxBillsec < 0 || e.billsec() <= maxBillsec)) {
                    n++;
                }
            }
            if (n >= minCalls) {
                out.add(sub);
            }
        });
        return out;
    }

    /** Each subscriber's kept calls in {@code [from, to]}: from the last read when it covered the span, else queried. */
    private Map<String, List<CallEvent>> callsOf(Set<String> subscribers, long from, long to) {
        Map<String, List<CallEvent>> out = new HashMap<>();
        List<String> missing = new ArrayList<>();
        for (String sub : subscribers) {
            CachedCalls c = lastCalls.get(sub);
            if (c != null && c.from() <= from && c.to() >= to) {
                out.put(sub, c.calls().stream().filter(e -> e.start() >= from && e.start() <= to).toList());
            } else {
                missing.add(sub);
            }
        }
        String lo = callSort(from);
        String hi = callSort(to) + "~";
        Map<String, List<Map<String, AttributeValue>>> read = queryEach(missing, sub -> "call#" + sub, lo, hi);
        read.forEach((sub, items) -> {
            List<CallEvent> calls = new ArrayList<>(items.size());
            for (Map<String, AttributeValue> i : items) {
                String sk = i.get("sk").s();
                int hash = sk.indexOf('#');
                calls.add(new CallEvent(sub, Long.parseLong(sk.substring(0, hash)), i.get("callee").s(),
                        Long.parseLong(i.get("billsec").n()), i.get("intl").bool(), sk.substring(hash + 1)));
            }
            lastCalls.put(sub, new CachedCalls(from, to, calls));
            out.put(sub, calls);
        });
        return out;
    }

    @Override
    public synchronized Map<SubscriberDay, DayUsage> dailyUsage(Set<String> subscribers, int fromDay, int toDay) {
        Map<SubscriberDay, DayUsage> out = new HashMap<>();
        queryEach(new ArrayList<>(subscribers), sub -> "usage#" + sub, daySort(fromDay), daySort(toDay) + "~").forEach((sub, items) -> {
            for (Map<String, AttributeValue> i : items) {
                String sk = i.get("sk").s();
                SubscriberDay day = new SubscriberDay(sub, Integer.parseInt(sk.substring(0, sk.indexOf('#'))));
                DayUsage u = new DayUsage(Long.parseLong(i.get("calls").n()), Long.parseLong(i.get("seconds").n()),
                        Long.parseLong(i.get("first_start").n()), i.get("first_key").s(), Long.parseLong(i.get("last_start").n()),
                        i.get("last_key").s());
                out.merge(day, u, DayUsage::plus);
            }
        });
        return out;
    }

    @Override
    public synchronized Set<SubscriberDay> busyDays(Set<String> subscribers, int fromDay, int toDay, long minCalls) {
        Set<SubscriberDay> out = new java.util.HashSet<>();
        dailyUsage(subscribers, fromDay, toDay).forEach((day, u) -> {
            if (u.calls() >= minCalls) {
                out.add(day);
            }
        });
        return out;
    }

    @Override
    public synchronized List<FraudAlert> alerts(Set<String> subscribers, String rule, long from, long to) {
        List<FraudAlert> out = new ArrayList<>();
        for (String sub : subscribers) {
            // The alert ids of one subscriber and rule share the prefix "<subscriber>|<rule>|".
            QueryRequest q = QueryRequest.builder().tableName(table).consistentRead(true)
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :rule)")
                    .expressionAttributeValues(Map.of(":pk", s("alert#" + sub), ":rule", s(sub + "|" + rule + "|"))).build();
            for (Map<String, AttributeValue> i : client.queryPaginator(q).items()) {
                FraudAlert a = alert(i);
                if (a.heldUntil() >= from && a.firstHeld() <= to) {
                    out.add(a);
                }
            }
        }
        return out;
    }

    @Override
    public synchronized List<FraudAlert> closingBy(long time) {
        List<FraudAlert> out = new ArrayList<>();
        for (FraudAlert a : pending(closeSort(time))) {
            if (!a.cleared() && a.closesAt() <= time) {
                out.add(a);
            }
        }
        return out;
    }

    @Override
    public synchronized List<FraudAlert> undelivered() {
        Map<String, FraudAlert> out = new LinkedHashMap<>();
        for (FraudAlert a : pending(null)) {
            if (a.undelivered()) {
                out.put(a.id(), a);
            }
        }
        // Saved here and not yet in the index: the consistent read of them, when they still owe a notification.
        if (!owed.isEmpty()) {
            for (FraudAlert a : readAlerts(owed.values())) {
                if (a.undelivered()) {
                    out.putIfAbsent(a.id(), a);
                }
            }
        }
        return new ArrayList<>(out.values());
    }

    @Override
    public synchronized void save(Collection<FraudAlert> alerts) {
        lastCalls.clear();
        List<Map<String, AttributeValue>> items = new ArrayList<>(alerts.size());
        for (FraudAlert a : alerts) {
            items.add(item(a));
            if (a.undelivered()) {
                owed.put(a.id(), a);
            } else {
                owed.remove(a.id());
            }
        }
        BatchWrites.putAll(client, table, items, Backoff.standard(), 8, meter);
    }

    @Override
    public synchronized void delete(Collection<String> ids) {
        for (String id : ids) {
            owed.remove(id);
            client.deleteItem(b -> b.tableName(table).key(alertKey(id)));
        }
    }

    /**
     * Sets the notification flags alone: {@code raise_sent}, and for a cleared alert {@code clear_sent} with the
     * index attributes removed (nothing is pending any more). An alert removed meanwhile (joined into another) is left
     * alone.
     */
    @Override
    public synchronized void markDelivered(FraudAlert a) {
        owed.remove(a.id());
        String update = a.cleared() ? "SET raise_sent = :t, clear_sent = :t REMOVE pending, pending_at" : "SET raise_sent = :t";
        try {
            client.updateItem(b -> b.tableName(table).key(alertKey(a.id())).updateExpression(update)
                    .conditionExpression("attribute_exists(pk)").expressionAttributeValues(Map.of(":t", AttributeValue.fromBool(true))));
        } catch (ConditionalCheckFailedException gone) {
            // joined into another alert after it was read: that one owes its own notification
        }
    }

    /** The pending alerts the index lists (closing at or before {@code upTo} when given), read again consistently. */
    private List<FraudAlert> pending(String upTo) {
        QueryRequest.Builder q = QueryRequest.builder().tableName(table).indexName(TableKeys.FRAUD_PENDING_INDEX)
                .projectionExpression("pk, sk");
        if (upTo == null) {
            q.keyConditionExpression("pending = :p").expressionAttributeValues(Map.of(":p", s(PENDING)));
        } else {
            q.keyConditionExpression("pending = :p AND pending_at <= :t").expressionAttributeValues(Map.of(":p", s(PENDING), ":t", s(upTo)));
        }
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        for (Map<String, AttributeValue> i : client.queryPaginator(q.build()).items()) {
            keys.add(Map.of("pk", i.get("pk"), "sk", i.get("sk")));
        }
        List<FraudAlert> out = new ArrayList<>();
        BatchReads.getAll(client, table, keys, true, null, Backoff.standard(), 8, i -> out.add(alert(i)), Map.of());
        return out;
    }

    private List<FraudAlert> readAlerts(Collection<FraudAlert> alerts) {
        List<Map<String, AttributeValue>> keys = alerts.stream().map(a -> alertKey(a.id())).toList();
        List<FraudAlert> out = new ArrayList<>();
        BatchReads.getAll(client, table, keys, true, null, Backoff.standard(), 8, i -> out.add(alert(i)), Map.of());
        return out;
    }

    /** One Query per subscriber of the items with {@code lo <= sk <= hi}, all pages, several subscribers at a time. */
    private Map<String, List<Map<String, AttributeValue>>> queryEach(List<String> subscribers,
                                                                      java.util.function.Function<String, String> pk, String lo, String hi) {
        Map<String, Future<List<Map<String, AttributeValue>>>> pending = new LinkedHashMap<>();
        for (String sub : subscribers) {
            QueryRequest q = QueryRequest.builder().tableName(table)
                    .keyConditionExpression("pk = :pk AND sk BETWEEN :lo AND :hi")
                    .expressionAttributeValues(Map.of(":pk", s(pk.apply(sub)), ":lo", s(lo), ":hi", s(hi))).build();
            pending.put(sub, readers.submit(() -> {
                List<Map<String, AttributeValue>> items = new ArrayList<>();
                client.queryPaginator(q).items().forEach(items::add);
                return items;
            }));
        }
        Map<String, List<Map<String, AttributeValue>>> out = new HashMap<>();
        for (var e : pending.entrySet()) {
            try {
                out.put(e.getKey(), e.getValue().get());
            } catch (ExecutionException failed) {
                pending.values().forEach(f -> f.cancel(true));
                throw failed.getCause() instanceof RuntimeException r ? r : new CompletionException(failed.getCause());
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while reading the fraud rules' state", interrupted);
            }
        }
        return out;
    }

    private static Map<String, AttributeValue> item(FraudAlert a) {
        Map<String, AttributeValue> i = new HashMap<>(alertKey(a.id()));
        i.put("rule", s(a.rule()));
        i.put("subscriber", s(a.subscriber()));
        i.put("window_start", n(a.windowStart()));
        i.put("window_end", n(a.windowEnd()));
        i.put("first_held", n(a.firstHeld()));
        i.put("held_until", n(a.heldUntil()));
        i.put("closes_at", n(a.closesAt()));
        FraudAlert.Evidence e = a.evidence();
        i.put("ev_calls", n(e.calls()));
        i.put("ev_seconds", n(e.seconds()));
        i.put("ev_destinations", n(e.destinations()));
        i.put("ev_top", AttributeValue.fromL(e.topDestinations().stream().map(DynamoDbFraudState::s).toList()));
        i.put("ev_first_key", s(e.firstKey()));
        i.put("ev_last_key", s(e.lastKey()));
        i.put("ev_peak", n(e.peakCalls()));
        i.put("ev_baseline_calls", AttributeValue.fromN(java.math.BigDecimal.valueOf(e.baselineCalls()).toPlainString()));
        i.put("ev_baseline_seconds", AttributeValue.fromN(java.math.BigDecimal.valueOf(e.baselineSeconds()).toPlainString()));
        i.put("ev_history_days", n(e.historyDays()));
        i.put("cleared", AttributeValue.fromBool(a.cleared()));
        i.put("raise_sent", AttributeValue.fromBool(a.raiseSent()));
        i.put("clear_sent", AttributeValue.fromBool(a.clearSent()));
        if (!a.cleared() || a.undelivered()) {
            i.put("pending", s(PENDING));
            i.put("pending_at", s(closeSort(a.closesAt())));
        }
        return i;
    }

    private static FraudAlert alert(Map<String, AttributeValue> i) {
        FraudAlert.Evidence e = new FraudAlert.Evidence(num(i, "ev_calls"), num(i, "ev_seconds"), (int) num(i, "ev_destinations"),
                i.get("ev_top").l().stream().map(AttributeValue::s).toList(), i.get("ev_first_key").s(), i.get("ev_last_key").s(),
                num(i, "ev_peak"), Double.parseDouble(i.get("ev_baseline_calls").n()),
                Double.parseDouble(i.get("ev_baseline_seconds").n()), (int) num(i, "ev_history_days"));
        return new FraudAlert(i.get("sk").s(), i.get("subscriber").s(), i.get("rule").s(), num(i, "window_start"),
                num(i, "window_end"), num(i, "first_held"), num(i, "held_until"), num(i, "closes_at"), e,
                i.get("cleared").bool(), i.get("raise_sent").bool(), i.get("clear_sent").bool());
    }

    /** An alert's key: its id names the subscriber before the first '|'. */
    private static Map<String, AttributeValue> alertKey(String id) {
        int bar = id.indexOf('|');
        String subscriber = bar < 0 ? id : id.substring(0, bar);
        return Map.of("pk", s("alert#" + subscriber), "sk", s(id));
    }

    /** Epoch seconds as text that sorts as the number does (calls before 1970 are clamped: no CDR starts then). */
    static String callSort(long start) {
        return String.format("%012d", Math.max(0, start));
    }

    static String closeSort(long time) {
        return String.format("%020d", Math.max(0, time));
    }

    static String daySort(int day) {
        return String.format("%06d", Math.max(0, day));
    }

    private static long num(Map<String, AttributeValue> i, String name) {
        return Long.parseLong(i.get(name).n());
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    private static AttributeValue n(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }

    private static String digest(String batch) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(batch.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
