package io.sluice.aws.dynamodb;

import io.sluice.aws.Backoff;
import io.sluice.core.cdr.SubscriberProfile;
import io.sluice.core.pipeline.ProfileStore;
import io.sluice.core.pipeline.RecordLedger;
import io.sluice.core.pipeline.contract.ProfileStoreContract;
import io.sluice.core.pipeline.contract.RecordLedgerContract;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The core's port contracts run against the DynamoDB adapters on DynamoDB Local: the same suites the in-memory
 * and local adapters pass, so both homes keep the same semantics (ARCHITECTURE.md).
 */
class DynamoDbContractTest {
    static final DynamoDbClient CLIENT = DynamoDbLocal.client();
    static final Backoff FAST = new Backoff(Duration.ofMillis(1), Duration.ofMillis(20), new Random(7));

    /** A telemetry table of its own (IOT-2..IOT-7). */
    static String freshTelemetryTable() {
        String name = "tel-" + java.util.UUID.randomUUID();
        TableSchemas.create(CLIENT, name, io.sluice.core.contracts.TableKeys.TELEMETRY);
        return name;
    }

    @Nested
    class TelemetryClaims extends io.sluice.core.pipeline.contract.DedupStoreContract {
        private final DynamoDbTelemetryStore store = new DynamoDbTelemetryStore(CLIENT, freshTelemetryTable(), java.time.Duration.ofDays(30),
                java.time.Duration.ofDays(31), DynamoDbTelemetryStore.Archive.NONE, java.time.Clock.systemUTC(), FAST, 8);

        @Override
        protected io.sluice.core.pipeline.DedupStore store() {
            return store;
        }
    }

    @Nested
    class Thresholds extends io.sluice.core.pipeline.contract.ThresholdStateContract {
        private final DynamoDbThresholdState state = new DynamoDbThresholdState(CLIENT, freshTelemetryTable(), FAST, 8);

        @Override
        protected io.sluice.core.telemetry.ThresholdState state() {
            return state;
        }
    }

    @Nested
    class Devices extends io.sluice.core.pipeline.contract.DeviceTokensContract {
        private final DynamoDbDevices devices = new DynamoDbDevices(CLIENT, freshTelemetryTable());

        @Override
        protected io.sluice.core.telemetry.DeviceTokens tokens() {
            return devices;
        }
    }

    @Nested
    class Errors extends io.sluice.core.pipeline.contract.ErrorLogContract {
        private final DynamoDbErrorLog log = new DynamoDbErrorLog(CLIENT, DynamoDbLocal.freshTables(CLIENT).errors(), new Random(3));

        @Override
        protected io.sluice.core.pipeline.ErrorLog log() {
            return log;
        }

        @Override
        protected io.sluice.core.pipeline.ErrorLogQuery query() {
            return log;
        }

        @Override
        protected java.util.Optional<io.sluice.core.pipeline.ErrorLog.Entry> stored(String id) {
            return log.stored(id);
        }
    }

    @Nested
    class Manifest extends io.sluice.core.pipeline.contract.InputManifestContract {
        private final DynamoDbInputManifest manifest = new DynamoDbInputManifest(CLIENT, DynamoDbLocal.freshTables(CLIENT).manifests());

        @Override
        protected io.sluice.core.intake.InputManifest manifest() {
            return manifest;
        }
    }

    @Nested
    class Ledger extends RecordLedgerContract {
        private final DynamoDbLedger ledger = new DynamoDbLedger(CLIENT, DynamoDbLocal.freshTables(CLIENT).usage(),
                DynamoDbLedger.MAX_ACTIONS, 8, FAST, new WriteMeter());

        @Override
        protected RecordLedger ledger() {
            return ledger;
        }

        @Override
        protected long[] usage(String msisdn, int epochDay) {
            return ledger.usage(msisdn, epochDay);
        }

        @Override
        protected long[] route(String route, long hourEpochSecond) {
            return ledger.route(route, hourEpochSecond);
        }
    }

    @Nested
    class Profiles extends ProfileStoreContract {
        @Override
        protected ProfileStore storeWith(List<SubscriberProfile> profiles) {
            DynamoDbProfileStore store = new DynamoDbProfileStore(CLIENT, DynamoDbLocal.freshTables(CLIENT).profiles(), FAST, 8);
            store.putAll(profiles, new WriteMeter());
            return store;
        }
    }

    @Nested
    class Fraud extends io.sluice.core.pipeline.contract.FraudStateContract {
        private final DynamoDbFraudState state = new DynamoDbFraudState(CLIENT, DynamoDbLocal.freshTables(CLIENT).fraud(),
                java.time.Clock.systemUTC(), new WriteMeter());

        @Override
        protected io.sluice.core.fraud.FraudState state() {
            return state;
        }

        @org.junit.jupiter.api.Test
        void aDeliveryMarkKeepsWhatAnEvaluationSavedAfterTheAlertWasRead() {
            var evidence = new io.sluice.core.fraud.FraudAlert.Evidence(10, 0, 3, List.of("+442071234567"), "k1", "k2", 10, 0, 0, 0);
            var read = new io.sluice.core.fraud.FraudAlert("+15550100001|international-burst|100", "+15550100001",
                    "international-burst", 50, 100, 100, 100, 22_000, evidence, false, false, false);
            state.save(List.of(read));
            var extended = new io.sluice.core.fraud.FraudAlert(read.id(), read.subscriber(), read.rule(), 50, 100, 100, 900,
                    22_800, evidence.withPeak(14), false, false, false);
            state.save(List.of(extended));

            state.markDelivered(read);

            var back = state.alerts(java.util.Set.of(read.subscriber()), read.rule(), 0, Long.MAX_VALUE);
            org.assertj.core.api.Assertions.assertThat(back).containsExactly(
                    new io.sluice.core.fraud.FraudAlert(read.id(), read.subscriber(), read.rule(), 50, 100, 100, 900, 22_800,
                            evidence.withPeak(14), false, true, false));
            org.assertj.core.api.Assertions.assertThat(state.undelivered()).isEmpty();
            org.assertj.core.api.Assertions.assertThat(state.closingBy(22_800)).extracting(a -> a.id()).containsExactly(read.id());
        }
    }
}
