package io.sluice.aws.objects;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.aws.events.ObjectRef;
import io.sluice.core.cdr.Cdr;
import io.sluice.core.cdr.RecordKey;
import io.sluice.core.intake.InputManifest;
import io.sluice.core.pipeline.BatchId;
import io.sluice.core.pipeline.CdrBatchProcessor;
import io.sluice.core.pipeline.CdrPipelineConfig;
import io.sluice.core.pipeline.RecordLedger;
import io.sluice.core.pipeline.memory.InMemoryInputManifest;
import io.sluice.core.pipeline.memory.InMemoryStores;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OBJ-2, CDR-8 (issue 15): a retried object resumes after the chunks its manifest recorded; nothing counted twice. */
class ObjectIngestTest {
    private static final String BUCKET = "cdr-bucket";
    private static final String KEY = "in/Master.csv";

    @TempDir
    Path dir;

    private final InMemoryStores stores = new InMemoryStores();
    private final InMemoryInputManifest manifest = new InMemoryInputManifest();
    private final List<String> claimedBatches = new ArrayList<>();
    /** The claim (1, 2, ...) that fails once, as a store still throttled after the retries; 0: none. */
    private int failClaim;
    private int claims;

    /** The in-memory ledger, failing one claim on demand (a store still throttled after the retries). */
    private final RecordLedger ledger = new RecordLedger() {
        @Override
        public Set<RecordKey> claimedByOthers(BatchId batch, Collection<RecordKey> keys) {
            return stores.claimedByOthers(batch, keys);
        }

        @Override
        public Set<RecordKey> claimAndCount(BatchId batch, List<Cdr> accepted, Collection<RecordKey> rejected) {
            if (++claims == failClaim) {
                throw new IllegalStateException("usage table throttled");
            }
            claimedBatches.add(batch.value());
            return stores.claimAndCount(batch, accepted, rejected);
        }
    };

    private static String line(int i) {
        return io.sluice.core.pipeline.contract.CdrLines.asterisk(i);
    }

    private ObjectRef put(int records) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < records; i++) {
            b.append(line(i)).append('\n');
        }
        Path file = dir.resolve(BUCKET).resolve(KEY);
        Files.createDirectories(file.getParent());
        Files.writeString(file, b, UTF_8);
        return new ObjectRef(BUCKET, KEY, Files.size(file), "\"abc\"", "v1", null, "ObjectCreated:Put", "eu-west-1");
    }

    private ObjectIngest ingest() {
        CdrBatchProcessor processor = new CdrBatchProcessor(CdrPipelineConfig.defaults(), stores, ledger, stores, stores);
        return new ObjectIngest(processor, manifest, new FolderObjectSource(dir), 1 << 30, 3, 900,
                Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC));
    }

    @Test
    @DisplayName("a failure in chunk 3 leaves chunks 1-2 recorded; the retry commits only chunks 3-4 and the manifest sums all four")
    void retryResumesAfterRecordedChunks() throws IOException {
        ObjectRef o = put(10);
        ObjectIngest ingest = ingest();
        failClaim = 3;
        assertThatThrownBy(() -> ingest.ingest(o)).hasMessageContaining("usage table throttled");
        InputManifest.Entry failed = manifest.find(o.identity()).orElseThrow();
        assertThat(failed.status()).isEqualTo(InputManifest.Status.FAILED);
        assertThat(failed.progress().chunks()).isEqualTo(2);
        assertThat(claimedBatches).containsExactly("s3:" + o.identity() + ":1", "s3:" + o.identity() + ":2");

        claimedBatches.clear();
        ObjectIngest.Outcome retried = ingest.ingest(o);
        assertThat(claimedBatches).containsExactly("s3:" + o.identity() + ":3", "s3:" + o.identity() + ":4");
        assertThat(retried.result()).isEqualTo(ObjectIngest.Result.PROCESSED);
        assertThat(retried.recordsIn()).isEqualTo(4); // this attempt's chunks: 3 + 1 records
        InputManifest.Entry done = manifest.find(o.identity()).orElseThrow();
        assertThat(done.status()).isEqualTo(InputManifest.Status.PROCESSED);
        assertThat(done.attempts()).isEqualTo(2);
        assertThat(done.progress()).isEqualTo(new InputManifest.Progress(4, 10, 10, 0, 0, 10));
        // Each call archived once (the store's own count), however the attempts split the object.
        assertThat(stores.archivedCount()).isEqualTo(10);
        assertThat(ingest.ingest(o).result()).isEqualTo(ObjectIngest.Result.ALREADY_DONE);
    }
}
