package io.sluice.local.store;

import io.sluice.core.cdr.SubscriberProfile;
import io.sluice.core.pipeline.DedupStore;
import io.sluice.core.pipeline.ProfileStore;
import io.sluice.core.pipeline.RecordLedger;
import io.sluice.core.pipeline.UsageStore;
import io.sluice.core.pipeline.contract.DedupStoreContract;
import io.sluice.core.pipeline.contract.ProfileStoreContract;
import io.sluice.core.pipeline.contract.RecordLedgerContract;
import io.sluice.core.pipeline.contract.UsageStoreContract;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/** The core's port contracts run against the DuckDB adapters (ARCHITECTURE.md: one suite per port, every adapter). */
class DuckDbContractTest {

    @TempDir
    Path dir;
    LocalStore store;

    @BeforeEach
    void open() {
        store = LocalStore.open(dir);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Nested
    class Devices extends io.sluice.core.pipeline.contract.DeviceTokensContract {
        @Override
        protected io.sluice.core.telemetry.DeviceTokens tokens() {
            return DeviceRegistry.port(store);
        }
    }

    @Nested
    class Thresholds extends io.sluice.core.pipeline.contract.ThresholdStateContract {
        @Override
        protected io.sluice.core.telemetry.ThresholdState state() {
            return new DuckDbThresholdState(store);
        }
    }

    @Nested
    class Errors extends io.sluice.core.pipeline.contract.ErrorLogContract {
        private DuckDbErrorLog log;

        @Override
        protected io.sluice.core.pipeline.ErrorLog log() {
            return errors();
        }

        @Override
        protected io.sluice.core.pipeline.ErrorLogQuery query() {
            return errors();
        }

        @Override
        protected java.util.Optional<io.sluice.core.pipeline.ErrorLog.Entry> stored(String id) {
            return errors().stored(id);
        }

        private DuckDbErrorLog errors() {
            if (log == null) {
                log = new DuckDbErrorLog(store, new java.util.Random(3));
            }
            return log;
        }

        @AfterEach
        void closeLog() {
            if (log != null) {
                log.close();
            }
        }
    }

    @Nested
    class Manifest extends io.sluice.core.pipeline.contract.InputManifestContract {
        @Override
        protected io.sluice.core.intake.InputManifest manifest() {
            return new DuckDbInputManifest(store);
        }
    }

    @Nested
    class Dedup extends DedupStoreContract {
        @Override
        protected DedupStore store() {
            return new DuckDbDedupStore(store);
        }
    }

    @Nested
    class Usage extends UsageStoreContract {
        @Override
        protected UsageStore store() {
            return new DuckDbUsageStore(store);
        }

        @Override
        protected long[] usage(String msisdn, int epochDay) {
            return usageRow(msisdn, epochDay);
        }

        @Override
        protected long[] route(String route, long hour) {
            return routeRow(route, hour);
        }
    }

    @Nested
    class Ledger extends RecordLedgerContract {
        @Override
        protected RecordLedger ledger() {
            return new DuckDbRecordLedger(store);
        }

        @Override
        protected long[] usage(String msisdn, int epochDay) {
            return usageRow(msisdn, epochDay);
        }

        @Override
        protected long[] route(String route, long hour) {
            return routeRow(route, hour);
        }
    }

    @Nested
    class Fraud extends io.sluice.core.pipeline.contract.FraudStateContract {
        @Override
        protected io.sluice.core.fraud.FraudState state() {
            return new DuckDbFraudState(store);
        }
    }

    @Nested
    class Profiles extends ProfileStoreContract {
        @Override
        protected ProfileStore storeWith(List<SubscriberProfile> profiles) {
            store.inTransaction(c -> {
                try (PreparedStatement p = c.prepareStatement("INSERT INTO profiles VALUES (?, ?, ?, ?, now())")) {
                    for (SubscriberProfile sp : profiles) {
                        p.setString(1, sp.msisdn());
                        p.setString(2, sp.plan());
                        p.setString(3, sp.homeCountry());
                        p.setString(4, sp.status());
                        p.executeUpdate();
                    }
                }
                return null;
            });
            return new DuckDbProfileStore(store);
        }
    }

    private long[] usageRow(String msisdn, int epochDay) {
        return longs("SELECT calls, answered, seconds, intl_calls, intl_seconds FROM usage_daily WHERE msisdn = ? AND day = ?",
                5, msisdn, LocalDate.ofEpochDay(epochDay));
    }

    private long[] routeRow(String route, long hour) {
        return longs("SELECT attempts, answered, seconds FROM route_hourly WHERE route = ? AND hour = ?",
                3, route, LocalDateTime.ofEpochSecond(hour, 0, ZoneOffset.UTC));
    }

    private long[] longs(String sql, int n, Object... params) {
        try (PreparedStatement p = store.connection().prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                p.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = p.executeQuery()) {
                long[] out = new long[n];
                if (rs.next()) {
                    for (int i = 0; i < n; i++) {
                        out[i] = rs.getLong(i + 1);
                    }
                }
                return out;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
