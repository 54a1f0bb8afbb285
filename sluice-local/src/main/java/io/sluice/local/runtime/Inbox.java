package io.sluice.local.runtime;

import io.sluice.core.intake.EntryRules;
import io.sluice.local.ingest.IngestJob;
import io.sluice.local.ingest.IngestListener;
import io.sluice.local.ingest.IngestSummary;
import io.sluice.local.ingest.LocalCdrPipeline;
import io.sluice.core.intake.InputManifest;
import io.sluice.local.store.StoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The inbox folder of 'sluice up', the local S3 bucket (CDR-1, OBJ-1, OBJ-2): a file dropped into
 * {@code inbox/} is read once it is complete, validated as an object (extension, size, text, a known
 * format), processed by the same {@link IngestJob} as {@code sluice ingest}, then moved to
 * {@code processed/} or {@code failed/} with a manifest row (name, size, checksum, counts, status, timings,
 * error). The same content dropped again is a duplicate: recorded, moved, not processed.
 *
 * <p>Complete means: its name does not start with a dot nor end with .tmp, .part or .partial (write under such a
 * name and rename: that is atomic), and its size and modification time have not changed for the settle time.
 * A file interrupted by a crash is still in the inbox at restart and resumes after its last committed chunk.
 */
final class Inbox {
    static final String PROCESSED = "processed";
    static final String DUPLICATE = "duplicate";
    static final String FAILED = "failed";

    private record Seen(long size, long modified, long sinceNanos) {
    }

    /** Thrown between chunks when the runtime stops: the file stays in the inbox and resumes at the next start. */
    static final class Interrupted extends RuntimeException {
        Interrupted() {
            super("stopping: the file resumes at the next start", null, false, false);
        }
    }

    /** After this many faults (not bad data: those are handled) on one file, it goes to failed/ so others can go on. */
    static final int MAX_ATTEMPTS = 3;
    /** The inbox's name as a function, in the metrics, alarms and error log. */
    static final String FUNCTION = "inbox";
    private final Map<Path, Integer> attempts = new HashMap<>();

    private final UpConfig config;
    private final LocalCdrPipeline pipeline;
    private final RuntimeStats stats;
    private final Runnable betweenChunks;
    private final io.sluice.core.monitoring.Instrumentation instrumentation;
    private final Map<Path, Seen> seen = new HashMap<>();
    private volatile int waiting;

    Inbox(UpConfig config, LocalCdrPipeline pipeline, RuntimeStats stats, Runnable betweenChunks,
          io.sluice.core.monitoring.Instrumentation instrumentation) throws IOException {
        this.instrumentation = instrumentation;
        this.config = config;
        this.pipeline = pipeline;
        this.stats = stats;
        this.betweenChunks = betweenChunks;
        Files.createDirectories(config.inboxDir());
        Files.createDirectories(config.processedDir());
        Files.createDirectories(config.failedDir());
    }

    /** Files in the inbox not yet processed (complete or still being written). */
    int waiting() {
        return waiting;
    }

    /** Lists the inbox and processes the first complete file, if any; true when a file was handled. */
    boolean pollOnce() {
        List<Path> files = list();
        waiting = files.size();
        long now = System.nanoTime();
        seen.keySet().retainAll(files);
        for (Path f : files) {
            BasicFileAttributes a;
            try {
                a = Files.readAttributes(f, BasicFileAttributes.class);
            } catch (IOException e) {
                continue; // moved away meanwhile
            }
            Seen before = seen.get(f);
            long modified = a.lastModifiedTime().toMillis();
            if (before == null || before.size() != a.size() || before.modified() != modified) {
                seen.put(f, new Seen(a.size(), modified, now));
                continue;
            }
            if (now - before.sinceNanos() >= config.inboxSettle().toNanos()) {
                seen.remove(f);
                try {
                    // One invocation of the inbox function per file (MON-1): a fault is an error with a record; a file
                    // refused for its content is handled (failed/), and stopping midway is neither.
                    boolean stopped = instrumentation.invoke(FUNCTION, () -> "{\"file\":\"" + f.getFileName().toString()
                            .replace("\\", "\\\\").replace("\"", "\\\"") + "\",\"size\":" + a.size() + "}", call -> {
                        try {
                            handle(f, a.size(), Instant.ofEpochMilli(modified));
                            return false;
                        } catch (Interrupted e) {
                            return true;
                        }
                    });
                    if (stopped) {
                        throw new Interrupted();
                    }
                    attempts.remove(f);
                } catch (Interrupted e) {
                    throw e;
                } catch (RuntimeException e) {
                    int n = attempts.merge(f, 1, Integer::sum);
                    if (n < MAX_ATTEMPTS) {
                        throw e; // the worker records it and retries
                    }
                    attempts.remove(f);
                    finish(f, a.size(), null, FAILED, null, Instant.ofEpochMilli(modified), Instant.now(),
                            "gave up after " + n + " attempts: " + e.getMessage());
                }
                waiting = Math.max(0, waiting - 1);
                return true;
            }
        }
        return false;
    }

    private List<Path> list() {
        try (Stream<Path> s = Files.list(config.inboxDir())) {
            return s.filter(Files::isRegularFile).filter(p -> complete(p.getFileName().toString()))
                    .sorted(Comparator.comparing(Path::getFileName)).toList();
        } catch (IOException e) {
            stats.error("inbox", "cannot list " + config.inboxDir() + ": " + e.getMessage());
            return List.of();
        }
    }

    static boolean complete(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return !n.startsWith(".") && !n.endsWith(".tmp") && !n.endsWith(".part") && !n.endsWith(".partial");
    }

    private void handle(Path file, long size, Instant detected) {
        Instant started = Instant.now();
        String name = file.getFileName().toString();
        String problem = objectProblem(name, size);
        if (problem != null) {
            Optional<String> recorded = interruptedMove(name, null, size);
            if (recorded.isPresent()) {
                move(file, Path.of(recorded.get())); // recorded before a crash, moved now
            } else {
                finish(file, size, null, FAILED, null, detected, started, problem);
            }
            return;
        }
        String hash;
        try {
            hash = IngestJob.contentHash(file);
        } catch (IOException e) {
            finish(file, size, null, FAILED, null, detected, started, "cannot read: " + e.getMessage());
            return;
        }
        Optional<String> movedTo = interruptedMove(name, hash, size);
        if (movedTo.isPresent()) {
            move(file, Path.of(movedTo.get())); // recorded before a crash, moved now
            return;
        }
        Optional<InputManifest.Entry> before = pipeline.manifest().find(hash);
        if (before.isPresent() && before.get().status() == InputManifest.Status.PROCESSED
                && before.get().input().name().equals(file.toAbsolutePath().normalize().toString()) && !inManifest(hash)) {
            // This very file was ingested to the end and a crash came before its inbox row: record it as processed.
            InputManifest.Progress e = before.get().progress();
            stats.filesProcessed.incrementAndGet();
            finish(file, size, hash, PROCESSED, new IngestSummary(1, 0, 0, e.recordsIn(), e.accepted(), e.rejected(), e.duplicates(),
                    e.unknownSubscribers(), 0), detected, started, null);
            return;
        }
        if (before.isPresent() && before.get().status() == InputManifest.Status.PROCESSED) {
            long n = before.get().progress().recordsIn();
            stats.filesDuplicate.incrementAndGet();
            stats.processed(n, 0, 0, n, 0);
            finish(file, size, hash, DUPLICATE, new IngestSummary(1, 1, 0, n, 0, 0, n, 0, 0), detected, started,
                    null);
            return;
        }
        String[] failure = new String[1];
        IngestSummary summary = new IngestJob(pipeline, config.inboxFormat(), IngestJob.DEFAULT_CHUNK_RECORDS,
                IngestJob.DEFAULT_EXPORT_ROWS, new IngestListener() {
                    @Override
                    public void fileFailed(String path, String reason) {
                        failure[0] = reason;
                    }

                    @Override
                    public void alertDeliveryFailed(String why) {
                        stats.error("alerts", "fraud alerts not sent: " + why);
                    }
                }).afterEachChunk(betweenChunks).flushAtEnd(false).withKnownHash(file, hash).run(List.of(file));
        if (failure[0] != null) {
            finish(file, size, hash, FAILED, summary, detected, started,
                    failure[0].replace("pass --format", "start sluice up with --inbox-format"));
        } else {
            stats.filesProcessed.incrementAndGet();
            stats.processed(summary.recordsIn(), summary.accepted(), summary.rejected(), summary.duplicates(),
                    summary.unknownSubscribers());
            finish(file, size, hash, PROCESSED, summary, detected, started, null);
        }
    }

    /** Why the file is no CDR object we take, or null (OBJ-1: type and size; content is checked by the ingest). */
    private String objectProblem(String name, long size) {
        Optional<String> extension = EntryRules.extensionRefusal(name, config.inboxExtensions());
        if (extension.isPresent()) {
            return extension.get();
        }
        // An empty file is not refused: it is read as 0 records (issue 22; a freshly rotated Master.csv is empty).
        if (size > config.inboxMaxBytes()) {
            return "the file is " + size + " bytes, over the inbox limit of " + config.inboxMaxBytes() + " bytes";
        }
        return null;
    }

    /**
     * A manifest row for this name, content (null for a file refused before it was read) and size whose move a
     * crash interrupted: where the file belongs.
     */
    private Optional<String> interruptedMove(String name, String hash, long size) {
        try (PreparedStatement p = pipeline.store().connection().prepareStatement(
                "SELECT moved_to FROM inbox_files WHERE name = ? AND content_hash IS NOT DISTINCT FROM ? AND size = ? "
                        + "ORDER BY id DESC LIMIT 1")) {
            p.setString(1, name);
            p.setString(2, hash);
            p.setLong(3, size);
            try (ResultSet rs = p.executeQuery()) {
                if (rs.next() && !Files.exists(Path.of(rs.getString(1)))) {
                    return Optional.of(rs.getString(1));
                }
                return Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("Cannot read the inbox manifest: " + e.getMessage(), e);
        }
    }

    /** Whether an inbox row exists for this content. */
    private boolean inManifest(String hash) {
        try (PreparedStatement p = pipeline.store().connection().prepareStatement(
                "SELECT count(*) FROM inbox_files WHERE content_hash = ?")) {
            p.setString(1, hash);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        } catch (SQLException e) {
            throw new StoreException("Cannot read the inbox manifest: " + e.getMessage(), e);
        }
    }

    /** Records the manifest row, then moves the file: a crash between the two is finished by the next poll. */
    private void finish(Path file, long size, String hash, String status, IngestSummary s, Instant detected, Instant started,
                        String error) {
        Path target = target(FAILED.equals(status) ? config.failedDir() : config.processedDir(), file.getFileName().toString());
        pipeline.store().inTransaction(c -> {
            try (PreparedStatement p = c.prepareStatement("""
                    INSERT INTO inbox_files(name, size, content_hash, status, records_in, accepted, rejected, duplicates,
                      unknown_subscribers, detected_at, started_at, finished_at, error, moved_to)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now(), ?, ?)""")) {
                p.setString(1, file.getFileName().toString());
                p.setLong(2, size);
                p.setString(3, hash);
                p.setString(4, status);
                p.setLong(5, s == null ? 0 : s.recordsIn());
                p.setLong(6, s == null ? 0 : s.accepted());
                p.setLong(7, s == null ? 0 : s.rejected());
                p.setLong(8, s == null ? 0 : s.duplicates());
                p.setLong(9, s == null ? 0 : s.unknownSubscribers());
                p.setTimestamp(10, Timestamp.from(detected));
                p.setTimestamp(11, Timestamp.from(started));
                p.setString(12, error);
                p.setString(13, target.toAbsolutePath().toString());
                p.executeUpdate();
            }
            return null;
        });
        if (FAILED.equals(status)) {
            stats.filesFailed.incrementAndGet();
            stats.error("inbox", file.getFileName() + ": " + error);
            try {
                Files.writeString(target.resolveSibling(target.getFileName() + ".error.txt"),
                        file.getFileName() + ": " + error + "\n", StandardCharsets.UTF_8);
            } catch (IOException e) {
                stats.error("inbox", "cannot write the error note of " + target + ": " + e.getMessage());
            }
        }
        move(file, target);
    }

    private static Path target(Path dir, String name) {
        Path t = dir.resolve(name);
        int dot = name.lastIndexOf('.');
        String stem = dot <= 0 ? name : name.substring(0, dot);
        String ext = dot <= 0 ? "" : name.substring(dot);
        for (int i = 1; Files.exists(t) || Files.exists(t.resolveSibling(t.getFileName() + ".error.txt")); i++) {
            t = dir.resolve(stem + "." + i + ext);
        }
        return t;
    }

    private void move(Path file, Path target) {
        try {
            try {
                Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(file, target);
            }
        } catch (IOException e) {
            stats.error("inbox", "cannot move " + file + " to " + target + ": " + e.getMessage());
        }
    }

    /** The newest manifest rows, newest first. */
    static List<Map<String, Object>> recent(java.sql.Connection c, int limit) throws SQLException {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("""
                SELECT id, name, size, content_hash, status, records_in, accepted, rejected, duplicates, unknown_subscribers,
                  detected_at, started_at, finished_at, error, moved_to FROM inbox_files ORDER BY id DESC LIMIT ?""")) {
            p.setInt(1, limit);
            try (ResultSet rs = p.executeQuery()) {
                var md = rs.getMetaData();
                while (rs.next()) {
                    Map<String, Object> row = new java.util.LinkedHashMap<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        Object v = rs.getObject(i);
                        row.put(md.getColumnLabel(i), v instanceof Timestamp t ? t.toInstant().toString()
                                : v instanceof java.time.temporal.Temporal ? v.toString() : v);
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }
}
