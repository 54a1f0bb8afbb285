package io.sluice.core.pipeline.contract;

import io.sluice.core.cdr.SubscriberProfile;
import io.sluice.core.pipeline.DedupStore;
import io.sluice.core.pipeline.ProfileStore;
import io.sluice.core.pipeline.RecordLedger;
import io.sluice.core.pipeline.UsageDelta.RouteCounters;
import io.sluice.core.pipeline.UsageDelta.RouteHour;
import io.sluice.core.pipeline.UsageDelta.SubscriberDay;
import io.sluice.core.pipeline.UsageDelta.UsageCounters;
import io.sluice.core.pipeline.UsageStore;
import io.sluice.core.pipeline.memory.InMemoryStores;
import java.util.List;
import org.junit.jupiter.api.Nested;

/** The port contracts run against the in-memory adapters. */
class InMemoryStoresContractTest {

    static long[] usageOf(InMemoryStores stores, String msisdn, int epochDay) {
        UsageCounters c = stores.usage().getOrDefault(new SubscriberDay(msisdn, epochDay), new UsageCounters());
        return new long[] {c.calls, c.answered, c.seconds, c.internationalCalls, c.internationalSeconds};
    }

    static long[] routeOf(InMemoryStores stores, String route, long hour) {
        RouteCounters c = stores.routes().getOrDefault(new RouteHour(route, hour), new RouteCounters());
        return new long[] {c.attempts, c.answered, c.seconds};
    }

    @Nested
    class Devices extends DeviceTokensContract {
        @Override
        protected io.sluice.core.telemetry.DeviceTokens tokens() {
            return new io.sluice.core.telemetry.memory.InMemoryDeviceTokens();
        }
    }

    @Nested
    class Thresholds extends ThresholdStateContract {
        private final io.sluice.core.telemetry.memory.InMemoryThresholdState state = new io.sluice.core.telemetry.memory.InMemoryThresholdState();

        @Override
        protected io.sluice.core.telemetry.ThresholdState state() {
            return state;
        }
    }

    @Nested
    class Errors extends ErrorLogContract {
        private final io.sluice.core.pipeline.memory.InMemoryErrorLog log = new io.sluice.core.pipeline.memory.InMemoryErrorLog();

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
            return log.entries().stream().filter(e -> e.id().equals(id)).findFirst();
        }
    }

    @Nested
    class Fraud extends FraudStateContract {
        private final io.sluice.core.pipeline.memory.InMemoryFraudState state = new io.sluice.core.pipeline.memory.InMemoryFraudState();

        @Override
        protected io.sluice.core.fraud.FraudState state() {
            return state;
        }
    }

    @Nested
    class Manifest extends InputManifestContract {
        private final io.sluice.core.pipeline.memory.InMemoryInputManifest manifest =
                new io.sluice.core.pipeline.memory.InMemoryInputManifest();

        @Override
        protected io.sluice.core.intake.InputManifest manifest() {
            return manifest;
        }
    }

    @Nested
    class Dedup extends DedupStoreContract {
        private final InMemoryStores stores = new InMemoryStores();

        @Override
        protected DedupStore store() {
            return stores;
        }
    }

    @Nested
    class Usage extends UsageStoreContract {
        private final InMemoryStores stores = new InMemoryStores();

        @Override
        protected UsageStore store() {
            return stores;
        }

        @Override
        protected long[] usage(String msisdn, int epochDay) {
            return usageOf(stores, msisdn, epochDay);
        }

        @Override
        protected long[] route(String route, long hour) {
            return routeOf(stores, route, hour);
        }
    }

    @Nested
    class Ledger extends RecordLedgerContract {
        private final InMemoryStores stores = new InMemoryStores();

        @Override
        protected RecordLedger ledger() {
            return stores;
        }

        @Override
        protected long[] usage(String msisdn, int epochDay) {
            return usageOf(stores, msisdn, epochDay);
        }

        @Override
        protected long[] route(String route, long hour) {
            return routeOf(stores, route, hour);
        }
    }

    @Nested
    class Profiles extends ProfileStoreContract {
        @Override
        protected ProfileStore storeWith(List<SubscriberProfile> profiles) {
            InMemoryStores s = new InMemoryStores();
            profiles.forEach(s::putProfile);
            return s;
        }
    }
}
