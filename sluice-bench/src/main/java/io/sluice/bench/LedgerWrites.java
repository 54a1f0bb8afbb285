package io.sluice.bench;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import io.sluice.aws.Backoff;
import io.sluice.aws.dynamodb.DynamoDbDeadLetters;
import io.sluice.aws.dynamodb.DynamoDbLedger;
import io.sluice.aws.dynamodb.DynamoTables;
import io.sluice.aws.dynamodb.TableSchemas;
import io.sluice.aws.dynamodb.WriteMeter;
import io.sluice.aws.handlers.CdrStreamHandler;
import io.sluice.aws.handlers.Wiring;
import io.sluice.core.pipeline.memory.InMemoryInputManifest;
import io.sluice.core.cdr.Cdr;
import io.sluice.core.cdr.RecordKey;
import io.sluice.core.pipeline.BatchId;
import io.sluice.core.pipeline.CdrPipelineConfig;
import io.sluice.core.pipeline.RecordLedger;
import io.sluice.core.pipeline.memory.InMemoryStores;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;

/**
 * DynamoDB writes per 1,000 CDRs (issue 4): the Kinesis handler over DynamoDB Local (embedded), counting the
 * items written and the capacity DynamoDB reports ({@code ReturnConsumedCapacity TOTAL}). Baseline in the same
 * run: a ledger that writes one claim and one counter update per aggregate per record (no pre-aggregation).
 *
 * <p>Usage: {@code LedgerWrites [records] [subscribers] [perEvent] [cdrsPerKinesisRecord] [days]}; defaults 10000,
 * 2000, 10000, 5, 7. Also printed: the distinct subscriber-days and route-hours of each batch, the fewest
 * aggregate writes any per-batch pre-aggregation could make on this data.
 */
public final class LedgerWrites {
    private LedgerWrites() {
    }

    public static void main(String[] args) {
        try {
            measure(args);
        } catch (Exception | Error e) {
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0); // DynamoDB Local leaves non-daemon threads behind
    }

    private static void measure(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int subscribers = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
        int perEvent = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
        int cdrsPerRecord = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        int days = args.length > 4 ? Integer.parseInt(args[4]) : 7;
        List<String> lines = KinesisEventFiles.lines(records, subscribers, days, 5);
        List<byte[]> events = KinesisEventFiles.events(lines, perEvent, cdrsPerRecord);
        AmazonDynamoDBLocal local = DynamoDBEmbedded.create(true); // in memory, telemetry off
        try {
            DynamoDbClient dynamo = local.dynamoDbClient();
            WriteMeter meter = new WriteMeter();
            DynamoTables sluice = DynamoTables.prefixed("sluice-");
            TableSchemas.createAll(dynamo, sluice);
            long t0 = System.nanoTime();
            DistinctItems distinct = new DistinctItems(new DynamoDbLedger(dynamo, sluice.usage(), meter));
            long accepted = run(events, dynamo, sluice, distinct, meter);
            double sluiceSeconds = (System.nanoTime() - t0) / 1e9;

            DynamoTables naive = DynamoTables.prefixed("naive-");
            TableSchemas.createAll(dynamo, naive);
            PerRecordLedger perRecord = new PerRecordLedger(dynamo, naive.usage());
            long t1 = System.nanoTime();
            long acceptedNaive = run(events, dynamo, naive, perRecord, new WriteMeter());
            double naiveSeconds = (System.nanoTime() - t1) / 1e9;
            if (accepted != acceptedNaive) {
                throw new IllegalStateException("the two ledgers accepted " + accepted + " and " + acceptedNaive);
            }
            double k = accepted / 1000.0;
            System.out.printf("{\"records\":%d,\"accepted\":%d,\"subscribers\":%d,\"days\":%d,\"cdrs_per_event\":%d,"
                    + "\"cdrs_per_kinesis_record\":%d,%n", records, accepted, subscribers, days, perEvent, cdrsPerRecord);
            System.out.printf(" \"batch_distinct_items_per_1000\":{\"subscriber_days\":%.1f,\"route_hours\":%.1f},%n",
                    distinct.usageItems / k, distinct.routeItems / k);
            System.out.printf(" \"sluice\":{\"aggregate_items_per_1000\":%.1f,\"claim_items_per_1000\":%.1f,\"calls_per_1000\":%.1f,"
                            + "\"capacity_units_per_1000\":%.1f,\"seconds\":%.2f},%n", meter.aggregateItems() / k, meter.claimItems() / k,
                    meter.calls() / k, meter.capacityUnits() / k, sluiceSeconds);
            System.out.printf(" \"per_record_baseline\":{\"aggregate_items_per_1000\":%.1f,\"claim_items_per_1000\":%.1f,"
                            + "\"calls_per_1000\":%.1f,\"capacity_units_per_1000\":%.1f,\"seconds\":%.2f}}%n", perRecord.aggregates.sum() / k,
                    perRecord.claims.sum() / k, perRecord.calls.sum() / k, perRecord.capacity.sum() / k, naiveSeconds);
        } finally {
            local.shutdown();
        }
    }

    /** Counts, per claimAndCount call (one per batch), the distinct aggregate items of its accepted records. */
    static final class DistinctItems implements RecordLedger {
        private final RecordLedger delegate;
        long usageItems;
        long routeItems;

        DistinctItems(RecordLedger delegate) {
            this.delegate = delegate;
        }

        @Override
        public Set<RecordKey> claimedByOthers(BatchId batch, Collection<RecordKey> keys) {
            return delegate.claimedByOthers(batch, keys);
        }

        @Override
        public Set<RecordKey> claimAndCount(BatchId batch, List<Cdr> accepted, Collection<RecordKey> rejected) {
            usageItems += accepted.stream().map(c -> c.caller().text() + "|" + c.startDay()).distinct().count();
            routeItems += accepted.stream().map(c -> c.route() + "|" + c.startHour()).distinct().count();
            return delegate.claimAndCount(batch, accepted, rejected);
        }
    }

    private static long run(List<byte[]> events, DynamoDbClient dynamo, DynamoTables tables, RecordLedger ledger, WriteMeter meter)
            throws Exception {
        InMemoryStores rest = new InMemoryStores(false);
        Wiring w = Wiring.of(CdrPipelineConfig.defaults(), rest, ledger, rest, new DynamoDbDeadLetters(dynamo, tables.deadLetters(),
                Backoff.standard(), 8, meter), new InMemoryInputManifest(), o -> {
                    throw new UnsupportedOperationException();
                }, (fn, at, e, ms, ev) -> "none", meter, 1, "bench");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        CdrStreamHandler handler = new CdrStreamHandler(w, new PrintStream(log, true, StandardCharsets.UTF_8));
        for (byte[] event : events) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(event), out, null);
            if (!out.toString(StandardCharsets.UTF_8).equals("{\"batchItemFailures\":[]}")) {
                throw new IllegalStateException("the handler failed: " + out + "\n" + log);
            }
        }
        return rest.archivedCount();
    }

    /** The baseline: per record, a conditional claim, then one ADD per aggregate item. Counts what it writes. */
    static final class PerRecordLedger implements RecordLedger {
        private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH").withZone(ZoneOffset.UTC);
        private final DynamoDbClient dynamo;
        private final String table;
        final LongAdder claims = new LongAdder();
        final LongAdder aggregates = new LongAdder();
        final LongAdder calls = new LongAdder();
        final DoubleAdder capacity = new DoubleAdder();

        PerRecordLedger(DynamoDbClient dynamo, String table) {
            this.dynamo = dynamo;
            this.table = table;
        }

        @Override
        public Set<RecordKey> claimedByOthers(BatchId batch, Collection<RecordKey> keys) {
            return Set.of();
        }

        @Override
        public Set<RecordKey> claimAndCount(BatchId batch, List<Cdr> accepted, Collection<RecordKey> rejected) {
            Set<RecordKey> owned = new HashSet<>();
            for (Cdr c : accepted) {
                if (claim(c.key())) {
                    owned.add(c.key());
                    add("sub#" + c.caller().text(), "day#" + LocalDate.ofEpochDay(c.startDay()));
                    add("route#" + c.route(), "hour#" + HOUR.format(java.time.Instant.ofEpochSecond(c.startHour())));
                }
            }
            for (RecordKey k : rejected) {
                if (claim(k)) {
                    owned.add(k);
                }
            }
            return owned;
        }

        private boolean claim(RecordKey k) {
            try {
                var r = dynamo.putItem(b -> b.tableName(table).item(Map.of("pk", AttributeValue.fromS("rec#" + k.hex()),
                                "sk", AttributeValue.fromS("claim"))).conditionExpression("attribute_not_exists(pk)")
                        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
                count(r.consumedCapacity());
                claims.increment();
                return true;
            } catch (ConditionalCheckFailedException e) {
                calls.increment();
                return false;
            }
        }

        private void add(String pk, String sk) {
            var r = dynamo.updateItem(b -> b.tableName(table).key(Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(sk)))
                    .updateExpression("ADD calls :one").expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1")))
                    .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
            count(r.consumedCapacity());
            aggregates.increment();
        }

        private void count(software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity c) {
            calls.increment();
            if (c != null && c.capacityUnits() != null) {
                capacity.add(c.capacityUnits());
            }
        }
    }
}
