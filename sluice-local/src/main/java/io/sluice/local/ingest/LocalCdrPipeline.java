package io.sluice.local.ingest;

import io.sluice.core.pipeline.CachingProfileStore;
import io.sluice.core.pipeline.CdrBatchProcessor;
import io.sluice.core.pipeline.CdrPipelineConfig;
import io.sluice.local.store.DuckDbDeadLetters;
import io.sluice.local.store.DuckDbDedupStore;
import io.sluice.local.store.DuckDbProfileStore;
import io.sluice.local.store.DuckDbUsageStore;
import io.sluice.local.store.DuckDbInputManifest;
import io.sluice.local.store.LocalStore;
import io.sluice.local.store.ParquetArchive;
import java.time.Duration;

/** The core's {@link CdrBatchProcessor} wired to the embedded adapters of one machine. */
public final class LocalCdrPipeline {
    private final LocalStore store;
    private final ParquetArchive archive;
    private final DuckDbInputManifest manifest;
    private final CdrBatchProcessor processor;
    private final DuckDbUsageStore usage;
    private final CachingProfileStore profiles;

    public LocalCdrPipeline(LocalStore store, CdrPipelineConfig config) {
        this.store = store;
        this.archive = new ParquetArchive(store);
        this.manifest = new DuckDbInputManifest(store);
        archive.deleteOrphans();
        archive.recover();
        this.processor = new CdrBatchProcessor(config,
                profiles = new CachingProfileStore(new DuckDbProfileStore(store), 1_000_000, Duration.ofMinutes(5)),
                new DuckDbDedupStore(store), usage = new DuckDbUsageStore(store), archive, new DuckDbDeadLetters(store));
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
        usage.compact();
    }

    /** After profiles changed (an import while running): enrich with the new ones from now on. */
    public void profilesChanged() {
        profiles.invalidateAll();
    }

    public CdrBatchProcessor processor() {
        return processor;
    }
}
