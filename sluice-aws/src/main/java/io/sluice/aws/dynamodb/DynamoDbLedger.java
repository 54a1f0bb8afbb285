package io.sluice.aws.dynamodb;

import io.sluice.aws.Backoff;
import io.sluice.core.cdr.Cdr;
import io.sluice.core.cdr.RecordKey;
import io.sluice.core.pipeline.BatchId;
import io.sluice.core.pipeline.RecordLedger;
import io.sluice.core.pipeline.UsageAggregator;
import io.sluice.core.pipeline.UsageDelta;
import io.sluice.core.pipeline.UsageDelta.RouteCounters;
import io.sluice.core.pipeline.UsageDelta.RouteHour;
import io.sluice.core.pipeline.UsageDelta.SubscriberDay;
import io.sluice.core.pipeline.UsageDelta.UsageCounters;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The {@link RecordLedger} on DynamoDB (CDR-5, CDR-8): each {@code TransactWriteItems} call holds the claims of
 * a group of records and the counter updates ({@code ADD}) of exactly those records, so a record is counted if
 * and only if its claim is written. Records are grouped (by route-hour or by subscriber-day, whichever writes
 * less) so that one transaction's records share aggregate items: a route-hour or subscriber-day is written
 * once per transaction, not once per record.
 *
 * <p>A claim is a conditional put ({@code attribute_not_exists}). When one fails the transaction is cancelled
 * with a reason per action; the failed claim's old item ({@code ReturnValuesOnConditionCheckFailure ALL_OLD})
 * says who owns it: this batch (an earlier attempt whose counters were added then) or another (a duplicate).
 * The rest of the group is written again without it. Cancellations for throttling or a conflicting
 * transaction are retried with exponential backoff and jitter, a bounded number of times (OBJ-3); then a
 * {@link LedgerWriteException} fails the batch and the event source retries it, which is safe: written groups
 * are claimed, and the retry counts nothing twice whatever its shape.
 *
 * <p>Item layout in the usage table: claims {@code pk=rec#<key>, sk=claim, batch, at}; usage
 * {@code pk=sub#<msisdn>, sk=day#<yyyy-MM-dd>}; routes {@code pk=route#<route>, sk=hour#<yyyy-MM-ddTHH>}.
 */
public final class DynamoDbLedger implements RecordLedger {
    /** TransactWriteItems takes at most 100 actions (AWS-CONTRACTS.md section 3). */
    public static final int MAX_ACTIONS = 100;
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH").withZone(ZoneOffset.UTC);
    private static final Set<String> TRANSIENT = Set.of("TransactionConflict", "ThrottlingError",
            "ProvisionedThroughputExceeded", "RequestLimitExceeded", "InternalServerError");

    private final DynamoDbClient client;
    private final String table;
    private final int maxActions;
    private final int maxAttempts;
    private final Backoff backoff;
    private final WriteMeter meter;
    private final UsageAggregator aggregator = new UsageAggregator();

    public DynamoDbLedger(DynamoDbClient client, String table, int maxActions, int maxAttempts, Backoff backoff, WriteMeter meter) {
        if (maxActions < 3 || maxActions > MAX_ACTIONS) {
            throw new IllegalArgumentException("maxActions must be 3.." + MAX_ACTIONS + ": " + maxActions);
        }
        this.client = client;
        this.table = table;
        this.maxActions = maxActions;
        this.maxAttempts = maxAttempts;
        this.backoff = backoff;
        this.meter = meter;
    }

    public DynamoDbLedger(DynamoDbClient client, String table, WriteMeter meter) {
        this(client, table, MAX_ACTIONS, 8, Backoff.standard(), meter);
    }

    @Override
    public Set<RecordKey> claimedByOthers(BatchId batch, Collection<RecordKey> keys) {
        Map<Map<String, AttributeValue>, RecordKey> byKey = new LinkedHashMap<>();
        for (RecordKey k : keys) {
            byKey.put(claimKey(k), k);
        }
        Set<RecordKey> taken = new HashSet<>();
        BatchReads.getAll(client, table, byKey.keySet(), true, "pk, #b", backoff, maxAttempts, item -> {
            AttributeValue owner = item.get("batch");
            if (owner == null || !batch.value().equals(owner.s())) {
                taken.add(byKey.get(Map.of("pk", item.get("pk"), "sk", AttributeValue.fromS("claim"))));
            }
        }, Map.of("#b", "batch"));
        return taken;
    }

    @Override
    public Set<RecordKey> claimAndCount(BatchId batch, List<Cdr> accepted, Collection<RecordKey> rejected) {
        List<List<Cdr>> groups = cheaper(plan(accepted, BY_ROUTE_HOUR), plan(accepted, BY_SUBSCRIBER_DAY));
        Set<RecordKey> owned = new HashSet<>();
        for (List<Cdr> group : groups) {
            commitGroup(batch, group, List.of(), owned);
        }
        List<RecordKey> rejectedKeys = new ArrayList<>(rejected);
        for (int from = 0; from < rejectedKeys.size(); from += maxActions) {
            commitGroup(batch, List.of(), rejectedKeys.subList(from, Math.min(rejectedKeys.size(), from + maxActions)), owned);
        }
        return owned;
    }

    /**
     * Route-hours first: they are few and shared by many records. Subscriber-days first: for traffic where a
     * batch holds many calls of the same subscribers. Each order is planned and the one with fewer writes wins.
     */
    private static final Comparator<Cdr> BY_ROUTE_HOUR = Comparator.comparing(Cdr::route).thenComparingLong(Cdr::startHour)
            .thenComparing((Cdr c) -> c.caller().text()).thenComparingInt(Cdr::startDay);
    private static final Comparator<Cdr> BY_SUBSCRIBER_DAY = Comparator.comparing((Cdr c) -> c.caller().text())
            .thenComparingInt(Cdr::startDay).thenComparing(Cdr::route).thenComparingLong(Cdr::startHour);

    /** Groups of records in {@code order}, each with its claims and distinct aggregate items within maxActions. */
    private List<List<Cdr>> plan(List<Cdr> accepted, Comparator<Cdr> order) {
        List<Cdr> sorted = new ArrayList<>(accepted);
        sorted.sort(order);
        List<List<Cdr>> groups = new ArrayList<>();
        List<Cdr> group = new ArrayList<>();
        Set<Object> items = new HashSet<>();
        for (Cdr c : sorted) {
            int extra = 1 + (items.contains(dayOf(c)) ? 0 : 1) + (items.contains(hourOf(c)) ? 0 : 1);
            if (group.size() + items.size() + extra > maxActions) {
                groups.add(group);
                group = new ArrayList<>();
                items.clear();
            }
            group.add(c);
            items.add(dayOf(c));
            items.add(hourOf(c));
        }
        if (!group.isEmpty()) {
            groups.add(group);
        }
        return groups;
    }

    private static List<List<Cdr>> cheaper(List<List<Cdr>> a, List<List<Cdr>> b) {
        return itemWrites(b) < itemWrites(a) ? b : a;
    }

    private static long itemWrites(List<List<Cdr>> groups) {
        long n = 0;
        for (List<Cdr> g : groups) {
            Set<Object> items = new HashSet<>();
            for (Cdr c : g) {
                items.add(dayOf(c));
                items.add(hourOf(c));
            }
            n += items.size();
        }
        return n;
    }

    private static SubscriberDay dayOf(Cdr c) {
        return new SubscriberDay(c.caller().text(), c.startDay());
    }

    private static RouteHour hourOf(Cdr c) {
        return new RouteHour(c.route(), c.startHour());
    }

    /** Writes one group: its claims and its counters in one transaction, retried without the claims others own. */
    private void commitGroup(BatchId batch, List<Cdr> records, List<RecordKey> rejected, Set<RecordKey> owned) {
        List<Cdr> pendingRecords = new ArrayList<>(records);
        List<RecordKey> pendingRejected = new ArrayList<>(rejected);
        int transientFailures = 0;
        while (!pendingRecords.isEmpty() || !pendingRejected.isEmpty()) {
            List<RecordKey> claimOrder = new ArrayList<>(pendingRecords.size() + pendingRejected.size());
            pendingRecords.forEach(c -> claimOrder.add(c.key()));
            claimOrder.addAll(pendingRejected);
            UsageDelta delta = aggregator.aggregate(pendingRecords);
            TransactWriteItemsRequest request = request(batch, claimOrder, delta);
            try {
                TransactWriteItemsResponse response = client.transactWriteItems(request);
                meter.call(response.consumedCapacity());
                meter.claims(claimOrder.size());
                meter.aggregates(delta.usage().size() + delta.routes().size());
                owned.addAll(claimOrder);
                return;
            } catch (TransactionCanceledException e) {
                List<CancellationReason> reasons = e.cancellationReasons();
                if (reasons == null || reasons.size() != request.transactItems().size()) {
                    throw new LedgerWriteException("DynamoDB cancelled a ledger transaction on " + table + " without a reason per "
                            + "action (" + (reasons == null ? 0 : reasons.size()) + " for " + request.transactItems().size() + "): "
                            + e.getMessage(), e);
                }
                Set<RecordKey> refused = new HashSet<>();
                String transientCode = null;
                for (int i = 0; i < reasons.size(); i++) {
                    String code = reasons.get(i).code();
                    if ("ConditionalCheckFailed".equals(code) && i < claimOrder.size()) {
                        RecordKey key = claimOrder.get(i);
                        refused.add(key);
                        if (batch.value().equals(ownerOf(key, reasons.get(i).item()))) {
                            owned.add(key); // an earlier attempt of this batch claimed and counted it
                        }
                    } else if (code != null && TRANSIENT.contains(code)) {
                        transientCode = code;
                    } else if (code != null && !"None".equals(code)) {
                        throw new LedgerWriteException("DynamoDB refused a ledger transaction on " + table + ": action " + i
                                + " failed with " + code + " (" + reasons.get(i).message() + ")", e);
                    }
                }
                if (!refused.isEmpty()) {
                    pendingRecords.removeIf(c -> refused.contains(c.key()));
                    pendingRejected.removeIf(refused::contains);
                    continue; // the rest of the group, at once: nothing was written
                }
                if (transientCode == null) {
                    throw new LedgerWriteException("DynamoDB cancelled a ledger transaction on " + table + " for no reason "
                            + "Sluice knows: " + e.getMessage(), e);
                }
                transientFailures++;
                if (transientFailures >= maxAttempts) {
                    throw new LedgerWriteException("Gave up writing " + claimOrder.size() + " claims to " + table + " after "
                            + transientFailures + " attempts (last: " + transientCode + "); the event source retries the batch", e);
                }
                Pauses.pause(backoff, transientFailures);
            }
        }
    }

    private String ownerOf(RecordKey key, Map<String, AttributeValue> oldItem) {
        if (oldItem != null && oldItem.get("batch") != null) {
            return oldItem.get("batch").s();
        }
        GetItemResponse r = client.getItem(b -> b.tableName(table).key(claimKey(key)).consistentRead(true));
        return r.hasItem() && r.item().get("batch") != null ? r.item().get("batch").s() : null;
    }

    private TransactWriteItemsRequest request(BatchId batch, List<RecordKey> claims, UsageDelta delta) {
        List<TransactWriteItem> actions = new ArrayList<>(claims.size() + delta.usage().size() + delta.routes().size());
        String now = Long.toString(Instant.now().getEpochSecond());
        for (RecordKey k : claims) {
            Map<String, AttributeValue> item = new HashMap<>(claimKey(k));
            item.put("batch", AttributeValue.fromS(batch.value()));
            item.put("at", AttributeValue.fromN(now));
            actions.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(pk)")
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD).build()).build());
        }
        for (Map.Entry<SubscriberDay, UsageCounters> e : delta.usage().entrySet()) {
            UsageCounters u = e.getValue();
            actions.add(add(Map.of("pk", AttributeValue.fromS("sub#" + e.getKey().msisdn()),
                            "sk", AttributeValue.fromS("day#" + LocalDate.ofEpochDay(e.getKey().epochDay()))),
                    "calls", u.calls, "answered", u.answered, "seconds", u.seconds, "intl_calls", u.internationalCalls,
                    "intl_seconds", u.internationalSeconds));
        }
        for (Map.Entry<RouteHour, RouteCounters> e : delta.routes().entrySet()) {
            RouteCounters r = e.getValue();
            actions.add(add(Map.of("pk", AttributeValue.fromS("route#" + e.getKey().route()),
                            "sk", AttributeValue.fromS("hour#" + HOUR.format(Instant.ofEpochSecond(e.getKey().hourEpochSecond())))),
                    "attempts", r.attempts, "answered", r.answered, "seconds", r.seconds));
        }
        return TransactWriteItemsRequest.builder().transactItems(actions)
                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
    }

    /** An {@code ADD} of counters: DynamoDB starts a missing number at 0 (AWS-CONTRACTS.md section 3). */
    private TransactWriteItem add(Map<String, AttributeValue> key, Object... namesAndValues) {
        StringBuilder expr = new StringBuilder("ADD ");
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (i > 0) {
                expr.append(", ");
            }
            expr.append("#a").append(i).append(" :v").append(i);
            names.put("#a" + i, (String) namesAndValues[i]);
            values.put(":v" + i, AttributeValue.fromN(Long.toString((Long) namesAndValues[i + 1])));
        }
        return TransactWriteItem.builder().update(Update.builder().tableName(table).key(key).updateExpression(expr.toString())
                .expressionAttributeNames(names).expressionAttributeValues(values).build()).build();
    }

    static Map<String, AttributeValue> claimKey(RecordKey k) {
        return Map.of("pk", AttributeValue.fromS("rec#" + k.hex()), "sk", AttributeValue.fromS("claim"));
    }

    /** Counters of one subscriber-day as stored, for tests and tools: calls, answered, seconds, intl calls, intl seconds. */
    public long[] usage(String msisdn, int epochDay) {
        return read(Map.of("pk", AttributeValue.fromS("sub#" + msisdn), "sk", AttributeValue.fromS("day#" + LocalDate.ofEpochDay(epochDay))),
                "calls", "answered", "seconds", "intl_calls", "intl_seconds");
    }

    /** Counters of one route-hour as stored: attempts, answered, seconds. */
    public long[] route(String route, long hourEpochSecond) {
        return read(Map.of("pk", AttributeValue.fromS("route#" + route),
                "sk", AttributeValue.fromS("hour#" + HOUR.format(Instant.ofEpochSecond(hourEpochSecond)))), "attempts", "answered", "seconds");
    }

    private long[] read(Map<String, AttributeValue> key, String... attrs) {
        Map<String, AttributeValue> item = client.getItem(b -> b.tableName(table).key(key).consistentRead(true)).item();
        long[] out = new long[attrs.length];
        for (int i = 0; i < attrs.length; i++) {
            AttributeValue v = item == null ? null : item.get(attrs[i]);
            out[i] = v == null ? 0 : Long.parseLong(v.n());
        }
        return out;
    }
}
