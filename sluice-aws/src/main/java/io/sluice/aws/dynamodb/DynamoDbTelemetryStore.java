package io.sluice.aws.dynamodb;

import io.sluice.aws.Backoff;
import io.sluice.core.cdr.RecordKey;
import io.sluice.core.contracts.TableKeys;
import io.sluice.core.pipeline.BatchId;
import io.sluice.core.pipeline.DedupStore;
import io.sluice.core.telemetry.Reading;
import io.sluice.core.telemetry.ReadingRejection;
import io.sluice.core.telemetry.Rollups;
import io.sluice.core.telemetry.TelemetryStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Telemetry on DynamoDB (IOT-2, IOT-3, IOT-5), one table ({@link TableKeys#TELEMETRY}, keys {@code pk}, {@code sk}): the
 * time series, its rollups, the rejected readings and the claims that keep readings exactly-once. Never Timestream (not
 * open to every account). Item layout:
 * <ul>
 *   <li>a reading: {@code pk=dev#<device>, sk=r#<metric>#<epoch ms, 13 digits>}, value, unit, tags, batch, expires_at;
 *   <li>a batch's share of a rollup: {@code pk=dev#<device>, sk=u#<m|h>#<metric>#<bucket start ms>#<batch>}, count, min, max,
 *   sum, last_at, last, expires_at: written whole by one batch (a retry of the batch writes the same item again), folded
 *   when read ({@link #rollup}), so no counter is ever added to twice;
 *   <li>a rejected reading: {@code pk=rej#<batch>, sk=<index, 7 digits>}, reason, detail, original (its bytes as sent);
 *   <li>a claim: {@code pk=claim#<record key>, sk=claim}, batch, at, done, expires_at;
 *   <li>a committed batch: {@code pk=batch#<batch>, sk=done}, at, expires_at.
 * </ul>
 * A claim is taken by a conditional update in transactions of up to 100: a key is this batch's if no one had it, if
 * this batch had it (an earlier attempt, finished or not), or if another batch had it without finishing for longer than
 * {@link #LEASE} (an attempt that died and was never sent again: the reading is not lost to it). A batch whose committed
 * marker exists owns nothing: a request resent after it was committed finds its readings duplicates, as on one machine.
 * The batch's write marks its claims done after the readings, rollups, rejected readings and the archive are written,
 * and its committed marker last; so an attempt that died mid-way is finished by its retry (the AWS function's batch is
 * the request's readings, {@code TelemetryRequests.batchOf}) with whole rollup shares, and a done claim is never taken
 * over. Readings, rollups and rejected readings expire {@code retention} after their reading (or receive) time (TTL);
 * claims and markers a day after a reading that old would be refused anyway.
 *
 * <p>One window is left: an attempt that wrote its rollup shares and died before marking its claims done, and is never
 * sent again, leaves shares whose readings a later batch may take over after the lease; those readings are then in two
 * shares. The readings themselves (table and archive) are never doubled, and the {@code telemetry-rollup} report, which
 * counts raw readings, is exact.
 */
public final class DynamoDbTelemetryStore implements TelemetryStore, DedupStore {
    /** Where a batch's accepted readings go besides the table: the Parquet archive through Firehose. */
    @FunctionalInterface
    public interface Archive {
        void append(BatchId batch, List<Reading> readings, long receivedAtMillis);

        Archive NONE = (batch, readings, at) -> {
        };
    }

    /** How long a claim of an unfinished batch holds against other batches: far past the function's timeout. */
    public static final Duration LEASE = Duration.ofMinutes(2);
    /** The longest rejected reading text kept whole (DynamoDB items are at most 400 KB, UTF-8 up to 3 bytes a char here). */
    public static final int MAX_ORIGINAL_CHARS = 100_000;
    private static final int MAX_ACTIONS = 100;
    private static final Set<String> TRANSIENT = Set.of("TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded",
            "RequestLimitExceeded", "InternalServerError");
    private static final String EXPIRES = TableKeys.TELEMETRY_EXPIRES_ATTRIBUTE;

    private final DynamoDbClient client;
    private final String table;
    private final Duration retention;
    private final Duration claimLife;
    private final Archive archive;
    private final Clock clock;
    private final Backoff backoff;
    private final int maxAttempts;
    private final WriteMeter meter = new WriteMeter();

    /**
     * @param retention how long readings and rollups are kept after their reading time
     * @param claimLife how long a claim is kept after its reading's day: past the oldest reading the parser accepts
     */
    public DynamoDbTelemetryStore(DynamoDbClient client, String table, Duration retention, Duration claimLife, Archive archive,
                                  Clock clock, Backoff backoff, int maxAttempts) {
        this.client = client;
        this.table = table;
        this.retention = retention;
        this.claimLife = claimLife;
        this.archive = archive;
        this.clock = clock;
        this.backoff = backoff;
        this.maxAttempts = maxAttempts;
    }

    // ------------------------------------------------------------------ claims (DedupStore)

    @Override
    public Set<RecordKey> claim(BatchId batch, Collection<RecordKey> keys) {
        if (keys.isEmpty() || committed(batch)) {
            return Set.of(); // committed before: every reading of it is a duplicate now
        }
        List<RecordKey> all = new ArrayList<>(keys);
        Set<RecordKey> owned = new HashSet<>();
        for (int from = 0; from < all.size(); from += MAX_ACTIONS) {
            claimGroup(batch, new ArrayList<>(all.subList(from, Math.min(all.size(), from + MAX_ACTIONS))), owned);
        }
        return owned;
    }

    private boolean committed(BatchId batch) {
        var found = client.getItem(b -> b.tableName(table).key(batchKey(batch)).consistentRead(true));
        return found.hasItem() && !found.item().isEmpty();
    }

    private static Map<String, AttributeValue> batchKey(BatchId batch) {
        return Map.of("pk", AttributeValue.fromS("batch#" + batch.value()), "sk", AttributeValue.fromS("done"));
    }

    private static Map<String, AttributeValue> claimKey(RecordKey k) {
        return Map.of("pk", AttributeValue.fromS("claim#" + k.hex()), "sk", AttributeValue.fromS("claim"));
    }

    private void claimGroup(BatchId batch, List<RecordKey> pending, Set<RecordKey> owned) {
        int transientFailures = 0;
        while (!pending.isEmpty()) {
            long now = clock.millis();
            List<TransactWriteItem> actions = new ArrayList<>(pending.size());
            for (RecordKey k : pending) {
                actions.add(TransactWriteItem.builder().update(Update.builder().tableName(table).key(claimKey(k))
                        // done stays as it was for this batch's own claim (a retry after a partial write), false otherwise
                        .updateExpression("SET #b = :b, #at = :now, #e = :e, #d = if_not_exists(#d, :f)")
                        .conditionExpression("attribute_not_exists(pk) OR #b = :b OR (#d = :f AND #at < :stale)")
                        .expressionAttributeNames(Map.of("#b", "batch", "#d", "done", "#at", "at", "#e", EXPIRES))
                        .expressionAttributeValues(Map.of(":b", AttributeValue.fromS(batch.value()), ":f", AttributeValue.fromBool(false),
                                ":now", AttributeValue.fromN(Long.toString(now)),
                                ":stale", AttributeValue.fromN(Long.toString(now - LEASE.toMillis())),
                                ":e", AttributeValue.fromN(Long.toString((k.epochDay() + 1) * 86_400L + claimLife.toSeconds()))))
                        .build()).build());
            }
            try {
                client.transactWriteItems(b -> b.transactItems(actions));
                owned.addAll(pending);
                return;
            } catch (TransactionCanceledException e) {
                List<CancellationReason> reasons = e.cancellationReasons();
                if (reasons == null || reasons.size() != actions.size()) {
                    throw new LedgerWriteException("DynamoDB cancelled a claim transaction on " + table + " without a reason per action: "
                            + e.getMessage(), e);
                }
                Set<RecordKey> taken = new HashSet<>();
                String transientCode = null;
                for (int i = 0; i < reasons.size(); i++) {
                    String code = reasons.get(i).code();
                    if ("ConditionalCheckFailed".equals(code)) {
                        taken.add(pending.get(i)); // another batch's, finished or within its lease: a duplicate
                    } else if (code != null && TRANSIENT.contains(code)) {
                        transientCode = code;
                    } else if (code != null && !"None".equals(code)) {
                        throw new LedgerWriteException("DynamoDB refused a claim on " + table + ": " + code + " (" + reasons.get(i).message() + ")", e);
                    }
                }
                if (!taken.isEmpty()) {
                    pending.removeIf(taken::contains);
                    continue;
                }
                if (transientCode == null) {
                    throw new LedgerWriteException("DynamoDB cancelled a claim transaction on " + table + " for no reason Sluice knows: "
                            + e.getMessage(), e);
                }
                if (++transientFailures >= maxAttempts) {
                    throw new LedgerWriteException("Gave up claiming " + pending.size() + " readings in " + table + " after "
                            + transientFailures + " attempts (last: " + transientCode + ")", e);
                }
                Pauses.pause(backoff, transientFailures);
            }
        }
    }

    private Map<String, AttributeValue> claimItem(BatchId batch, RecordKey k, boolean done) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.putAll(claimKey(k));
        item.put("batch", AttributeValue.fromS(batch.value()));
        item.put("at", AttributeValue.fromN(Long.toString(clock.millis())));
        item.put("done", AttributeValue.fromBool(done));
        item.put(EXPIRES, AttributeValue.fromN(Long.toString((k.epochDay() + 1) * 86_400L + claimLife.toSeconds())));
        return item;
    }

    // ------------------------------------------------------------------ the batch (TelemetryStore)

    @Override
    public void write(BatchId batch, List<Reading> accepted, List<ReadingRejection> rejected, Map<Rollups.Key, Rollups.Rollup> rollups) {
        long now = clock.millis();
        List<Map<String, AttributeValue>> items = new ArrayList<>(accepted.size() + rollups.size() + rejected.size());
        for (Reading r : accepted) {
            Map<String, AttributeValue> item = new HashMap<>();
            item.put("pk", AttributeValue.fromS(device(r.deviceId())));
            item.put("sk", AttributeValue.fromS(readingSort(r.metric(), r.timestampMillis())));
            item.put("value", AttributeValue.fromN(Double.toString(r.value())));
            item.put("unit", AttributeValue.fromS(r.unit()));
            Map<String, AttributeValue> tags = new LinkedHashMap<>();
            r.tags().forEach((k, v) -> tags.put(k, AttributeValue.fromS(v)));
            item.put("tags", AttributeValue.fromM(tags));
            item.put("batch", AttributeValue.fromS(batch.value()));
            item.put(EXPIRES, expiresAfter(r.timestampMillis()));
            items.add(item);
        }
        for (Map.Entry<Rollups.Key, Rollups.Rollup> e : rollups.entrySet()) {
            Rollups.Key k = e.getKey();
            Rollups.Rollup v = e.getValue();
            Map<String, AttributeValue> item = new HashMap<>();
            item.put("pk", AttributeValue.fromS(device(k.deviceId())));
            item.put("sk", AttributeValue.fromS(rollupPrefix(k) + batch.value()));
            item.put("count", AttributeValue.fromN(Long.toString(v.count())));
            item.put("min", AttributeValue.fromN(Double.toString(v.min())));
            item.put("max", AttributeValue.fromN(Double.toString(v.max())));
            item.put("sum", AttributeValue.fromN(Double.toString(v.sum())));
            item.put("last_at", AttributeValue.fromN(Long.toString(v.lastAt())));
            item.put("last", AttributeValue.fromN(Double.toString(v.last())));
            item.put(EXPIRES, expiresAfter(k.bucketStartMillis() + k.resolution().millis));
            items.add(item);
        }
        for (ReadingRejection r : rejected) {
            Map<String, AttributeValue> item = new HashMap<>();
            item.put("pk", AttributeValue.fromS("rej#" + batch.value()));
            item.put("sk", AttributeValue.fromS(String.format("%07d", r.index())));
            item.put("reason", AttributeValue.fromS(r.reason().name()));
            item.put("detail", AttributeValue.fromS(r.detail()));
            // A DynamoDB item holds at most 400 KB: a rejected reading's text is kept up to MAX_ORIGINAL_CHARS, with its length.
            boolean cut = r.original().length() > MAX_ORIGINAL_CHARS;
            item.put("original", AttributeValue.fromS(cut ? r.original().substring(0, MAX_ORIGINAL_CHARS) : r.original()));
            item.put("original_length", AttributeValue.fromN(Integer.toString(r.original().length())));
            item.put("original_cut", AttributeValue.fromBool(cut));
            item.put("at", AttributeValue.fromN(Long.toString(now)));
            item.put(EXPIRES, expiresAfter(now));
            items.add(item);
        }
        BatchWrites.putAll(client, table, items, backoff, maxAttempts, meter);
        archive.append(batch, accepted, now);
        // Then the claims are done, and last the batch is committed: a retry before this point finishes the batch.
        List<Map<String, AttributeValue>> done = new ArrayList<>(accepted.size());
        for (Reading r : accepted) {
            done.add(claimItem(batch, r.key(), true));
        }
        BatchWrites.putAll(client, table, done, backoff, maxAttempts, meter);
        Map<String, AttributeValue> marker = new HashMap<>(batchKey(batch));
        marker.put("at", AttributeValue.fromN(Long.toString(now)));
        marker.put(EXPIRES, AttributeValue.fromN(Long.toString(now / 1000 + claimLife.toSeconds() + 86_400L)));
        client.putItem(b -> b.tableName(table).item(marker));
    }

    private AttributeValue expiresAfter(long millis) {
        return AttributeValue.fromN(Long.toString(Math.floorDiv(millis, 1000L) + retention.toSeconds()));
    }

    static String device(String deviceId) {
        return "dev#" + deviceId;
    }

    static String readingSort(String metric, long millis) {
        return "r#" + metric + "#" + String.format("%013d", millis);
    }

    private static String rollupPrefix(Rollups.Key k) {
        return "u#" + (k.resolution() == Rollups.Resolution.MINUTE ? "m" : "h") + "#" + k.metric() + "#"
                + String.format("%013d", k.bucketStartMillis()) + "#";
    }

    // ------------------------------------------------------------------ reads (the contract suite, operators)

    /** A stored reading. */
    public record Stored(String deviceId, String metric, long timestampMillis, double value, String unit, Map<String, String> tags) {
    }

    /** A device's readings of one metric between two reading times (inclusive), oldest first. */
    public List<Stored> readings(String deviceId, String metric, long fromMillis, long toMillis) {
        List<Stored> out = new ArrayList<>();
        query(device(deviceId), readingSort(metric, Math.max(0, fromMillis)), readingSort(metric, Math.min(9_999_999_999_999L, toMillis)), item -> {
            String sk = item.get("sk").s();
            Map<String, String> tags = new LinkedHashMap<>();
            item.getOrDefault("tags", AttributeValue.fromM(Map.of())).m().forEach((k, v) -> tags.put(k, v.s()));
            out.add(new Stored(deviceId, metric, Long.parseLong(sk.substring(sk.lastIndexOf('#') + 1)),
                    Double.parseDouble(item.get("value").n()), item.get("unit").s(), tags));
        });
        return out;
    }

    /** One rollup as it stands: every batch's share folded. */
    public Optional<Rollups.Rollup> rollup(Rollups.Key key) {
        String prefix = rollupPrefix(key);
        Rollups.Rollup[] acc = {null};
        query(device(key.deviceId()), prefix, prefix + "\uffff", item -> {
            Rollups.Rollup part = new Rollups.Rollup(Long.parseLong(item.get("count").n()), Double.parseDouble(item.get("min").n()),
                    Double.parseDouble(item.get("max").n()), Double.parseDouble(item.get("sum").n()),
                    Long.parseLong(item.get("last_at").n()), Double.parseDouble(item.get("last").n()));
            acc[0] = acc[0] == null ? part : acc[0].merge(part);
        });
        return Optional.ofNullable(acc[0]);
    }

    /** The rejected readings of a batch: index to {reason, original}. */
    public Map<Integer, String[]> rejected(BatchId batch) {
        Map<Integer, String[]> out = new LinkedHashMap<>();
        query("rej#" + batch.value(), "0000000", "9999999", item -> out.put(Integer.parseInt(item.get("sk").s()),
                new String[] {item.get("reason").s(), item.get("original").s()}));
        return out;
    }

    private void query(String pk, String fromSort, String toSort, java.util.function.Consumer<Map<String, AttributeValue>> each) {
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest.Builder q = QueryRequest.builder().tableName(table).consistentRead(true)
                    .keyConditionExpression("pk = :p AND sk BETWEEN :a AND :b")
                    .expressionAttributeValues(Map.of(":p", AttributeValue.fromS(pk), ":a", AttributeValue.fromS(fromSort),
                            ":b", AttributeValue.fromS(toSort)));
            if (start != null) {
                q.exclusiveStartKey(start);
            }
            QueryResponse r = client.query(q.build());
            r.items().forEach(each);
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (start != null);
    }
}
