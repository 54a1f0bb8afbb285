package io.sluice.local.ingest;

import io.sluice.core.pipeline.CachingProfileStore;
import io.sluice.core.pipeline.CdrBatchProcessor;
import io.sluice.core.fraud.FraudAlerts;
import io.sluice.core.fraud.FraudDetector;
import io.sluice.core.pipeline.CdrPipelineConfig;
import io.sluice.core.pipeline.CommitStrategy;
import io.sluice.core.pipeline.Notifier;
import io.sluice.local.alerts.ConsoleNotifier;
import io.sluice.local.store.DuckDbFraudState;
import io.sluice.local.store.DuckDbDeadLetters;
import io.sluice.local.store.DuckDbDedupStore;
import io.sluice.local.store.DuckDbProfileStore;
import io.sluice.local.store.DuckDbUsageStore;
import io.sluice.local.store.DuckDbInputManifest;
import io.sluice.local.store.LocalStore;
import io.sluice.local.store.ParquetArchive;
import io.sluice.local.store.PortTimings;
import io.sluice.core.fraud.FraudState;
import io.sluice.core.pipeline.Archive;
import io.sluice.core.pipeline.DeadLetters;
import io.sluice.core.pipeline.DedupStore;
import io.sluice.core.pipeline.ProfileStore;
import io.sluice.core.pipeline.UsageStore;
import java.time.Duration;

/** The core's {@link CdrBatchProcessor} wired to the embedded adapters of one machine. */
public final class LocalCdrPipeline {
    private final LocalStore store;
    private final ParquetArchive archive;
    private final DuckDbInputManifest manifest;
    private final CdrBatchProcessor processor;
    private final DuckDbUsageStore usage;
    private final CachingProfileStore profiles;
    private final DuckDbFraudState fraudState;
    private final Notifier notifier;

    /** With alerts on the console (stderr). */
    public LocalCdrPipeline(LocalStore store, CdrPipelineConfig config) {
        this(store, config, new ConsoleNotifier(System.err::println));
    }

    /** The pipeline, with the fraud rules of {@code config} (CDR-10) sending their alerts to {@code notifier}. */
    public LocalCdrPipeline(LocalStore store, CdrPipelineConfig config, Notifier notifier) {
        this.store = store;
        this.archive = new ParquetArchive(store);
        this.manifest = new DuckDbInputManifest(store);
        archive.deleteOrphans();
        archive.recover();
        this.fraudState = new DuckDbFraudState(store);
        this.processor = new CdrBatchProcessor(config,
                profiles = new CachingProfileStore(PortTimings.timed(ProfileStore.class, new DuckDbProfileStore(store)), 1_000_000,
                        Duration.ofMinutes(5)),
                new CommitStrategy.ClaimThenApply(PortTimings.timed(DedupStore.class, new DuckDbDedupStore(store)),
                        PortTimings.timed(UsageStore.class, usage = new DuckDbUsageStore(store))),
                PortTimings.timed(Archive.class, archive), PortTimings.timed(DeadLetters.class, new DuckDbDeadLetters(store)),
                config.fraudRules().any() ? new FraudDetector(config.fraudRules(), PortTimings.timed(FraudState.class, fraudState)) : null);
        this.notifier = java.util.Objects.requireNonNull(notifier, "notifier");
    }

    /**
     * Sends the alerts that committed batches raised or cleared and that are still owed (CDR-10). Call it after a
     * commit, outside the transaction; a notifier that fails leaves them owed for the next call.
     */
    public FraudAlerts.Delivery deliverAlerts() {
        if (processor.fraud() == null) {
            return new FraudAlerts.Delivery(0, null);
        }
        return FraudAlerts.deliver(fraudState, notifier);
    }

    public LocalStore store() {
        return store;
    }

    public ParquetArchive archive() {
        return archive;
    }

    public DuckDbInputManifest manifest() {
        return manifest;
    }

    /** Writes pending archive rows as Parquet and folds aggregate deltas into their base tables. */
    public void flush() {
        archive.export();
        long t0 = System.nanoTime();
        usage.compact();
        if (PortTimings.ON) {
            PortTimings.add("usage.compact", System.nanoTime() - t0);
        }
    }

    /** After profiles changed (an import while running): enrich with the new ones from now on. */
    public void profilesChanged() {
        profiles.invalidateAll();
    }

    public CdrBatchProcessor processor() {
        return processor;
    }
}
