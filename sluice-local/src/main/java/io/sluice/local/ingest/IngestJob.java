package io.sluice.local.ingest;

import com.dynatrace.hash4j.hashing.HashStream128;
import com.dynatrace.hash4j.hashing.HashValue128;
import com.dynatrace.hash4j.hashing.Hashing;
import io.sluice.core.cdr.CdrFormat;
import io.sluice.core.cdr.Rejection;
import io.sluice.core.intake.ChunkedIntake;
import io.sluice.core.intake.Compression;
import io.sluice.core.intake.EntryRules;
import io.sluice.core.intake.InputManifest;
import io.sluice.core.pipeline.BatchId;
import io.sluice.core.pipeline.BatchOutcome;
import io.sluice.local.store.SourceRetraction;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/**
 * {@code sluice ingest}: streams files through the core in bounded memory (CDR-1, CDR-11).
 *
 * <p>A file is cut into chunks of {@code chunkRecords} framed records. One thread frames and commits, a
 * second prepares (parse, validate, normalize: the CPU-heavy part), at most two chunks ahead, so memory is a
 * few chunks whatever the file size. Each chunk commits in one transaction with the file's progress, so a
 * run killed at any point resumes after the last committed chunk, and a file whose content was ingested
 * before is skipped: ingesting the same file twice changes nothing.
 */
public final class IngestJob {
    public static final int DEFAULT_CHUNK_RECORDS = ChunkedIntake.DEFAULT_CHUNK_RECORDS;
    public static final long DEFAULT_EXPORT_ROWS = 2_000_000;

    private final LocalCdrPipeline pipeline;
    private final Optional<CdrFormat> format;
    private final int chunkRecords;
    private final long exportRows;
    private final IngestListener listener;

    private Runnable afterChunk = () -> { };
    private final java.util.Map<Path, String> knownHashes = new java.util.HashMap<>();
    private boolean flushAtEnd = true;
    /** Files found by walking a folder, not named one by one: one that is plainly no CDR file is skipped, not failed. */
    private final java.util.Set<Path> walked = new java.util.HashSet<>();

    /** --reprocess: a file ingested before is withdrawn and taken again under this run's settings (issue 22). */
    private boolean reprocess;
    /** Inside a transaction the caller rolls back: no Parquet is written, nothing outlives the run. */
    private boolean dryRun;
    private final List<Reprocessed> reprocessed = new ArrayList<>();
    /** Contents this --reprocess run has taken (again or as new): met again, they are skipped, not withdrawn twice. */
    private final java.util.Set<String> takenThisRun = new java.util.HashSet<>();
    /** The file being taken again: its earlier entry, and what its withdrawal took back (null until it is done). */
    private InputManifest.Entry earlier;
    private SourceRetraction.Withdrawn withdrawn;

    /**
     * One file taken again: what its earlier ingest counted ({@code null} when there was none), what this run counted,
     * and what was withdrawn.
     */
    public record Reprocessed(String source, InputManifest.Progress before, InputManifest.Progress after,
                              SourceRetraction.Withdrawn withdrawn) {
    }

    private long files, filesSkipped, filesFailed, recordsIn, accepted, rejected, duplicates, unknown;
    private long bytesBefore;
    /** Where the time goes, for SLUICE_DEBUG=1: framing, waiting for prepared chunks, committing. */
    private long framingNanos, waitingNanos, commitNanos;

    public IngestJob(LocalCdrPipeline pipeline, Optional<CdrFormat> format, int chunkRecords, long exportRows,
                     IngestListener listener) {
        this.pipeline = pipeline;
        this.format = format;
        this.chunkRecords = chunkRecords;
        this.exportRows = exportRows;
        this.listener = listener;
    }

    /**
     * Runs {@code task} on the committing thread after each chunk commits: 'sluice up' applies queued HTTP
     * ingests there, so a large file does not hold them back (the store has one writer).
     */
    public IngestJob afterEachChunk(Runnable task) {
        this.afterChunk = task;
        return this;
    }

    /** A content hash the caller already computed for {@code file} (the inbox does, to recognize it): not read twice. */
    public IngestJob withKnownHash(Path file, String hash) {
        knownHashes.put(file, hash);
        return this;
    }

    /** Whether {@link #run} writes pending archive rows as Parquet at its end (the runtime batches exports). */
    public IngestJob flushAtEnd(boolean flush) {
        this.flushAtEnd = flush;
        return this;
    }

    /**
     * Takes files that were ingested before again, under this job's format and settings: what their earlier ingest
     * produced is withdrawn first ({@link SourceRetraction}), in one transaction, then the file is ingested chunk by
     * chunk as if new.
     */
    public IngestJob reprocess() {
        this.reprocess = true;
        return this;
    }

    /**
     * The caller runs this job inside {@link io.sluice.local.store.LocalStore#rolledBack}: everything is written as in a
     * real run and then rolled back, so nothing may leave the transaction (no Parquet export, no archive rewrite).
     */
    public IngestJob dryRun() {
        this.dryRun = true;
        this.flushAtEnd = false;
        return this;
    }

    /** The files {@link #reprocess} took again, in order. */
    public List<Reprocessed> reprocessed() {
        return List.copyOf(reprocessed);
    }

    public IngestSummary run(List<Path> inputs) {
        long t0 = System.nanoTime();
        List<Path> paths = new ArrayList<>();
        for (Path input : inputs) {
            expand(input, paths);
        }
        long totalBytes = 0;
        for (Path p : paths) {
            try {
                totalBytes += Files.size(p);
            } catch (IOException e) {
                // reported when the file is read
            }
        }
        listener.started(totalBytes);
        ExecutorService preparer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sluice-prepare");
            t.setDaemon(true);
            return t;
        });
        try {
            for (Path p : paths) {
                files++;
                ingestFile(p, preparer);
                try {
                    bytesBefore += Files.size(p);
                } catch (IOException e) {
                    // already reported
                }
                listener.progress(bytesBefore);
            }
            long x0 = System.nanoTime();
            if (flushAtEnd) {
                pipeline.flush();
            }
            if (System.getenv("SLUICE_DEBUG") != null) {
                System.err.printf("sluice: timing: framing %.1f s, waiting for prepare %.1f s, commit %.1f s, flush %.1f s%n",
                        framingNanos / 1e9, waitingNanos / 1e9, commitNanos / 1e9, (System.nanoTime() - x0) / 1e9);
                System.err.print("sluice: store calls in this process so far:\n" + io.sluice.local.store.PortTimings.report());
            }
        } finally {
            preparer.shutdownNow();
            listener.finished();
        }
        return new IngestSummary(files, filesSkipped, filesFailed, recordsIn, accepted, rejected, duplicates, unknown,
                (System.nanoTime() - t0) / 1e9);
    }

    /** The files a list of inputs names: files as given, folders walked (dot files skipped), sorted per folder. */
    public static List<Path> inputFiles(List<Path> inputs) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path input : inputs) {
            if (Files.isDirectory(input)) {
                try (Stream<Path> walk = Files.walk(input)) {
                    walk.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
                            .sorted(Comparator.naturalOrder()).forEach(out::add);
                }
            } else {
                out.add(input);
            }
        }
        return out;
    }

    private void expand(Path input, List<Path> out) {
        if (Files.isDirectory(input)) {
            try (Stream<Path> walk = Files.walk(input)) {
                walk.filter(Files::isRegularFile)
                        .filter(p -> !p.getFileName().toString().startsWith("."))
                        .sorted(Comparator.naturalOrder())
                        .forEach(p -> {
                            out.add(p);
                            walked.add(p);
                        });
            } catch (IOException e) {
                files++;
                fail(input, "cannot list the folder: " + e.getMessage());
            }
        } else {
            out.add(input);
        }
    }

    private void fail(Path path, String reason) {
        filesFailed++;
        listener.fileFailed(path.toAbsolutePath().normalize().toString(), reason);
    }

    private void ingestFile(Path path, ExecutorService preparer) {
        // Dead letters and manifests name the file absolutely: 'sluice dlq' may run from another folder.
        String name = path.toAbsolutePath().normalize().toString();
        long size;
        try {
            if (!Files.exists(path)) {
                throw new NoSuchFileException(name);
            }
            size = Files.size(path);
        } catch (NoSuchFileException e) {
            fail(path, "no such file or directory");
            return;
        } catch (IOException e) {
            fail(path, "cannot read: " + e.getMessage());
            return;
        }
        if (walked.contains(path) && EntryRules.extensionRefusal(name, EntryRules.EXTENSIONS).isPresent()) {
            ignore(name, "its extension is not a CDR file's");
            return;
        }
        if (size == 0) {
            empty(name);
            return;
        }
        String hash;
        try {
            String known = knownHashes.get(path);
            hash = known != null ? known : contentHash(path);
        } catch (IOException e) {
            fail(path, "cannot read: " + e.getMessage());
            return;
        }
        InputManifest manifest = pipeline.manifest();
        Optional<InputManifest.Entry> entry = manifest.find(hash);
        // --reprocess: the earlier ingest is withdrawn only once the file is known to be readable (ingestStream), and the
        // same content met again in this run is the run's own ingest, skipped as usual.
        earlier = null;
        withdrawn = null;
        if (reprocess && entry.isPresent() && !takenThisRun.contains(hash)) {
            earlier = entry.get();
            entry = Optional.empty();
        }
        if (reprocess) {
            takenThisRun.add(hash);
        }
        if (entry.isPresent() && entry.get().status() == InputManifest.Status.PROCESSED) {
            long n = entry.get().progress().recordsIn();
            filesSkipped++;
            recordsIn += n;
            duplicates += n;
            listener.fileSkipped(name, n);
            return;
        }
        // One stream for the screening and the records: a gzip file is read through (Compression, issue 22).
        InputStream in;
        byte[] head;
        try {
            in = Compression.text(new BufferedInputStream(Files.newInputStream(path), 1 << 20), Long.MAX_VALUE);
            head = EntryRules.head((BufferedInputStream) in);
        } catch (IOException e) {
            fail(path, "cannot read: " + e.getMessage());
            return;
        }
        try (in) {
            ingestStream(path, name, size, hash, in, head, manifest, preparer);
        } catch (IOException e) {
            // closing a file we only read: nothing to lose
        }
        if (reprocess && (earlier == null || withdrawn != null)) {
            InputManifest.Progress after = manifest.find(hash).map(InputManifest.Entry::progress).orElse(InputManifest.Progress.NONE);
            Reprocessed r = new Reprocessed(name, earlier == null ? null : earlier.progress(), after,
                    withdrawn == null ? SourceRetraction.Withdrawn.NOTHING : withdrawn);
            reprocessed.add(r);
            listener.fileReprocessed(r, dryRun);
        }
    }

    /**
     * Withdraws what the earlier ingest of {@code hash} produced, its manifest entry with it, in one transaction; then
     * rewrites the Parquet partitions it had rows in (journaled: a crash finishes it when the store opens next).
     */
    private SourceRetraction.Withdrawn withdraw(String hash, String name, InputManifest.Entry old) {
        if (!dryRun && pipeline.archive().pendingRows() > 0) {
            pipeline.archive().export();
        }
        List<BatchId> batches = new ArrayList<>();
        for (long chunk = 1; chunk <= old.progress().chunks(); chunk++) {
            batches.add(BatchId.ofFileChunk(hash, chunk));
        }
        SourceRetraction.Withdrawn w = pipeline.store().inTransaction(c -> {
            SourceRetraction.Withdrawn done = new SourceRetraction(pipeline.store(), pipeline.archive())
                    .retract(name, batches, "reprocess:" + hash, java.time.Instant.now());
            pipeline.manifest().forget(hash);
            return done;
        });
        if (!dryRun) {
            pipeline.archive().finishRewrites();
        }
        return w;
    }

    private void ingestStream(Path path, String name, long size, String hash, InputStream in, byte[] head, InputManifest manifest,
                              ExecutorService preparer) {
        EntryRules.Screening screening = EntryRules.screen(head, format, pipeline.processor().config());
        if (earlier != null && earlier.format() != null && screening instanceof EntryRules.Refuse r
                && r.kind() == EntryRules.Refusal.UNKNOWN_FORMAT) {
            // Taken again without --format: in the format it was taken in before (a custom FreeSWITCH template never sniffs).
            screening = new EntryRules.Take(CdrFormat.valueOf(earlier.format().toUpperCase(java.util.Locale.ROOT)));
        }
        if (screening instanceof EntryRules.Refuse refuse) {
            if (refuse.kind() == EntryRules.Refusal.EMPTY) {
                empty(name);
                return;
            }
            if (walked.contains(path) && refuse.kind() == EntryRules.Refusal.UNKNOWN_FORMAT) {
                // In a folder, a file in no CDR format (a profiles CSV beside the CDRs, a README.txt) is passed over.
                ignore(name, profilesHeader(head) ? "a profiles CSV" : "no CDR format in its first records");
                return;
            }
            // Not recorded in the manifest: the same file may be taken with other settings (--format).
            fail(path, refuse.reason() + (refuse.kind() == EntryRules.Refusal.UNKNOWN_FORMAT
                    ? "; pass --format asterisk|freeswitch|jsonl" : ""));
            return;
        }
        CdrFormat fmt = ((EntryRules.Take) screening).format();
        if (earlier != null) {
            withdrawn = withdraw(hash, name, earlier);
        }
        InputManifest.Input input = new InputManifest.Input(hash, name, size);
        // One writer owns the store, so an attempt still in progress was interrupted: lease 0 takes it over.
        InputManifest.Start start = manifest.begin(input, fmt.cliName(), java.time.Instant.now(), 0);
        if (!(start instanceof InputManifest.Process process)) {
            throw new IllegalStateException("The file manifest answered " + start + " for " + name + " with one writer");
        }
        InputManifest.Progress committed = process.committed();
        long resumeAfter = committed.chunks();
        recordsIn += committed.recordsIn();
        accepted += committed.accepted();
        rejected += committed.rejected();
        duplicates += committed.duplicates();
        unknown += committed.unknownSubscribers();
        ChunkedIntake intake = new ChunkedIntake(pipeline.processor(), chunkRecords, preparer);
        ChunkedIntake.Listener progress = new ChunkedIntake.Listener() {
            @Override
            public void progress(long bytesRead) {
                listener.progress(bytesBefore + bytesRead);
            }

            @Override
            public void committed(long chunk, BatchOutcome o) {
                recordsIn += o.recordsIn();
                accepted += o.accepted();
                rejected += o.rejected();
                duplicates += o.duplicates();
                unknown += o.unknownSubscribers();
                for (Rejection r : o.rejections()) {
                    listener.rejected(r);
                }
                if (exportRows > 0 && !dryRun && pipeline.archive().pendingRows() >= exportRows) {
                    pipeline.archive().export();
                }
                afterChunk.run();
            }
        };
        try {
            ChunkedIntake.Result r = intake.run(in, name, fmt, chunk -> BatchId.ofFileChunk(hash, chunk), resumeAfter,
                    (chunk, prepared) -> {
                        BatchOutcome o = pipeline.store().inTransaction(c -> {
                            BatchOutcome done = pipeline.processor().commit(prepared);
                            manifest.chunkDone(input, done);
                            return done;
                        });
                        if (!dryRun) {
                            deliverAlerts(); // committed: what it raised is stored, so it may be sent
                        }
                        return o;
                    }, progress);
            framingNanos += r.framingNanos();
            waitingNanos += r.waitingNanos();
            commitNanos += r.commitNanos();
            manifest.finish(input, InputManifest.Status.PROCESSED, null, java.time.Instant.now());
            format.ifPresent(forced -> hintIfMisread(name, forced, head, manifest.find(hash)));
        } catch (IOException e) {
            manifest.finish(input, InputManifest.Status.FAILED, e.getMessage(), java.time.Instant.now());
            fail(path, "read error: " + e.getMessage());
        }
    }

    /** Sends the fraud alerts owed (CDR-10); a notifier down is told to the listener and retried after the next chunk. */
    private void deliverAlerts() {
        io.sluice.core.fraud.FraudAlerts.Delivery d = pipeline.deliverAlerts();
        alertsSent += d.sent();
        if (d.failure() != null && !alertFailureTold) {
            alertFailureTold = true;
            listener.alertDeliveryFailed(String.valueOf(d.failure().getMessage()));
        }
    }

    private long alertsSent;
    private boolean alertFailureTold;

    /** Alert notifications this job sent (raises and clears). */
    public long alertsSent() {
        return alertsSent;
    }

    /**
     * When a forced --format rejected most of a file and the file's first records read as another format, says so
     * with the command that takes it again (issue 22): a wrong --format is the likeliest cause, and it can be undone.
     */
    private void hintIfMisread(String name, CdrFormat forced, byte[] head, Optional<InputManifest.Entry> entry) {
        if (entry.isEmpty()) {
            return;
        }
        InputManifest.Progress p = entry.get().progress();
        if (p.recordsIn() == 0 || p.rejected() * 2 <= p.recordsIn()) {
            return;
        }
        EntryRules.Screening guess = EntryRules.screen(head, Optional.empty(), pipeline.processor().config());
        if (guess instanceof EntryRules.Take take && take.format() != forced) {
            listener.hint(name, p.rejected() + " of " + p.recordsIn() + " records were rejected under --format " + forced.cliName()
                    + ", and the file looks like " + take.format().cliName() + ": take it again with 'sluice ingest --reprocess --format "
                    + take.format().cliName() + " " + name + "' (add --dry-run to see the difference first)");
        }
    }

    /** A file of a walked folder that is plainly no CDR file: skipped with one line, not a failure (issue 22). */
    private void ignore(String name, String why) {
        filesSkipped++;
        listener.fileIgnored(name, why);
    }

    private static boolean profilesHeader(byte[] head) {
        String first = new String(head, 0, Math.min(head.length, 200), java.nio.charset.StandardCharsets.UTF_8).lines().findFirst()
                .orElse("").strip().toLowerCase(java.util.Locale.ROOT);
        return first.startsWith("msisdn,");
    }

    /** An empty file (a freshly rotated Master.csv) is not a failure: 0 records, said once (issue 22). */
    private void empty(String name) {
        listener.fileEmpty(name);
    }

    /** File identity: a 128-bit hash of the content (fast, not cryptographic: it names content, it guards nothing). */
    public static String contentHash(Path path) throws IOException {
        HashStream128 h = Hashing.xxh3_128().hashStream();
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        byte[] arr = buf.array();
        long total = 0;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            int n;
            while ((n = ch.read(buf)) >= 0) {
                if (n > 0) {
                    h.putBytes(arr, 0, n);
                    total += n;
                }
                buf.clear();
            }
        }
        h.putLong(total);
        HashValue128 v = h.get();
        return HexFormat.of().toHexDigits(v.getMostSignificantBits()) + HexFormat.of().toHexDigits(v.getLeastSignificantBits());
    }
}
