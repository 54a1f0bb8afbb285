package io.sluice.aws.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.aws.Backoff;
import io.sluice.core.cdr.Cdr;
import io.sluice.core.cdr.Rejection;
import io.sluice.core.cdr.RejectReason;
import io.sluice.core.cdr.SubscriberProfile;
import io.sluice.core.pipeline.BatchId;
import io.sluice.core.pipeline.memory.InMemoryStores;
import io.sluice.core.pipeline.contract.PortContracts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/** OBJ-3, CDR-8: with a third of all DynamoDB calls throttled, everything is still written exactly once. */
class ThrottledWritesTest {
    private static final long DAY = 20_400L * 86_400;
    private static final Backoff FAST = new Backoff(Duration.ofMillis(1), Duration.ofMillis(10), new Random(3));

    @Test
    void everyRecordIsCountedOnceThroughInjectedThrottling() {
        ThrottleInjector injector = new ThrottleInjector(42, 0.33);
        DynamoDbClient plain = DynamoDbLocal.client();
        DynamoTables tables = DynamoDbLocal.freshTables(plain);
        DynamoDbClient throttled = DynamoDbLocal.client(List.of(injector));
        DynamoDbLedger ledger = new DynamoDbLedger(throttled, tables.usage(), DynamoDbLedger.MAX_ACTIONS, 12, FAST, new WriteMeter());
        InMemoryStores reference = new InMemoryStores();

        List<Cdr> all = new ArrayList<>();
        for (int i = 0; i < 1_500; i++) {
            all.add(PortContracts.cdr(DAY + (i % 48) * 1_800, "+1212555" + String.format("%04d", i % 170), "+442071234567", i));
        }
        // Overlapping batches of other shapes: 0..599, 400..1099, 1000..1499, then 0..1499 again.
        int[][] ranges = {{0, 600}, {400, 1_100}, {1_000, 1_500}, {0, 1_500}};
        long owned = 0;
        for (int[] r : ranges) {
            BatchId id = new BatchId("kinesis:shard-0:" + r[0] + "-" + r[1]);
            owned += ledger.claimAndCount(id, all.subList(r[0], r[1]), List.of()).size();
            reference.claimAndCount(id, all.subList(r[0], r[1]), List.of());
        }

        assertThat(injector.throttled.get()).as("throttled transactions").isGreaterThan(5);
        assertThat(owned).isEqualTo(1_500);
        long claims = plain.scanPaginator(ScanRequest.builder().tableName(tables.usage()).build()).items().stream()
                .filter(item -> item.get("sk").s().equals("claim")).count();
        assertThat(claims).isEqualTo(1_500);
        reference.usage().forEach((k, v) -> assertThat(ledger.usage(k.msisdn(), k.epochDay()))
                .as("usage of %s", k).containsExactly(v.calls, v.answered, v.seconds, v.internationalCalls, v.internationalSeconds));
        reference.routes().forEach((k, v) -> assertThat(ledger.route(k.route(), k.hourEpochSecond()))
                .as("route %s", k).containsExactly(v.attempts, v.answered, v.seconds));
    }

    @Test
    void profilesAndDeadLettersGetThroughUnprocessedKeysAndItems() {
        ThrottleInjector injector = new ThrottleInjector(9, 0.5);
        DynamoDbClient plain = DynamoDbLocal.client();
        DynamoTables tables = DynamoDbLocal.freshTables(plain);
        DynamoDbClient throttled = DynamoDbLocal.client(List.of(injector));
        DynamoDbProfileStore profiles = new DynamoDbProfileStore(throttled, tables.profiles(), FAST, 12);
        List<SubscriberProfile> many = new ArrayList<>();
        for (int i = 0; i < 260; i++) {
            many.add(new SubscriberProfile("+1212555" + String.format("%04d", i), "plan-" + (i % 3), "US", "active"));
        }
        profiles.putAll(many, new WriteMeter());
        Map<String, SubscriberProfile> found = profiles.findAll(many.stream().map(SubscriberProfile::msisdn).toList());
        assertThat(found).hasSize(260);
        assertThat(found.get("+12125550007")).isEqualTo(many.get(7));

        DynamoDbDeadLetters deadLetters = new DynamoDbDeadLetters(throttled, tables.deadLetters(), FAST, 12, new WriteMeter());
        List<Rejection> rejections = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            rejections.add(new Rejection("stream", i + 1, RejectReason.values()[0], "detail " + i, ("bad line " + i).getBytes()));
        }
        deadLetters.store(new BatchId("b"), rejections);
        deadLetters.store(new BatchId("b"), rejections);
        assertThat(plain.scan(b -> b.tableName(tables.deadLetters())).count()).isEqualTo(60);
        assertThat(injector.unprocessed.get()).isGreaterThan(2);
    }

    @Test
    void aTransactionCancelledForThrottlingPastTheBoundFailsWithAClearMessage() {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        DynamoDbClient cancelling = new DynamoDbClient() {
            @Override
            public software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse transactWriteItems(
                    software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest request) {
                calls.incrementAndGet();
                List<software.amazon.awssdk.services.dynamodb.model.CancellationReason> reasons = new ArrayList<>();
                for (int i = 0; i < request.transactItems().size(); i++) {
                    reasons.add(software.amazon.awssdk.services.dynamodb.model.CancellationReason.builder()
                            .code(i == 0 ? "ThrottlingError" : "None").build());
                }
                throw software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException.builder()
                        .message("Transaction cancelled").cancellationReasons(reasons).build();
            }

            @Override
            public String serviceName() {
                return "dynamodb";
            }

            @Override
            public void close() {
            }
        };
        DynamoDbLedger ledger = new DynamoDbLedger(cancelling, "usage", DynamoDbLedger.MAX_ACTIONS, 3, FAST, new WriteMeter());
        List<Cdr> one = List.of(PortContracts.cdr(DAY, "+12125550100", "+442071234567", 1));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ledger.claimAndCount(new BatchId("x"), one, List.of()))
                .isInstanceOf(LedgerWriteException.class)
                .hasMessage("Gave up writing 1 claims to usage after 3 attempts (last: ThrottlingError); the event source retries the batch");
        assertThat(calls.get()).isEqualTo(3);
    }
}
