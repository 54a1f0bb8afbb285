package io.sluice.local.runtime;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/**
 * The write-ahead log of HTTP ingests: a request is answered 202 only once its body is in this log and
 * fsynced, so an acknowledged request survives kill -9 (issue 3, item 4). The store consumes the log in
 * order and records, in the same transaction as a batch's effects, the position it has consumed up to:
 * after a crash, consumption resumes there and nothing is applied twice.
 *
 * <p>Positions are byte offsets over the whole log; an entry's position is its ingest id. Segments are files
 * named by the position of their first byte. An entry is {@code magic, length, crc32c(payload), payload}
 * where the payload is {@code format byte, received-at millis, body}. Appends are group-committed: one
 * writer thread writes whatever requests are waiting and fsyncs once for all of them.
 *
 * <p>On open, the log is scanned from the consumed position; a torn entry at the end (a crash mid-write,
 * never acknowledged) is cut off.
 */
public final class IngestLog implements AutoCloseable {
    static final int MAGIC = 0x534c4331; // "SLC1"
    static final int HEADER = 12;
    static final int PAYLOAD_PREFIX = 9;
    public static final long DEFAULT_SEGMENT_BYTES = 64L << 20;

    /** One logged request. */
    public record Entry(long position, byte format, long receivedAtMillis, byte[] body) {
        /** The position just after this entry. */
        public long end() {
            return position + HEADER + PAYLOAD_PREFIX + body.length;
        }
    }

    private record Pending(byte format, byte[] body, CompletableFuture<Long> done) {
    }

    private final Path dir;
    private final long segmentBytes;
    /** Segment start position to file, for every segment on disk. */
    private final ConcurrentSkipListMap<Long, Path> segments = new ConcurrentSkipListMap<>();
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final Thread writer;
    private final AtomicLong durableEnd = new AtomicLong();
    private final AtomicLong entriesWritten = new AtomicLong();
    private long recoveredEntries;
    private final Object appended = new Object();
    private FileChannel active;
    private long activeStart;
    private long writeEnd;
    private volatile boolean closed;
    private volatile IOException failure;

    private IngestLog(Path dir, long segmentBytes) {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        this.writer = new Thread(this::writeLoop, "sluice-ingest-log");
        writer.setDaemon(true);
    }

    /**
     * Opens the log in {@code dir}, keeping entries from {@code consumed} on and cutting off a torn tail.
     * Segments wholly before {@code consumed} are deleted.
     */
    public static IngestLog open(Path dir, long consumed, long segmentBytes) throws IOException {
        Files.createDirectories(dir);
        IngestLog log = new IngestLog(dir, segmentBytes);
        log.recover(consumed);
        log.writer.start();
        return log;
    }

    private void recover(long consumed) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                String name = p.getFileName().toString();
                if (name.endsWith(".log")) {
                    segments.put(Long.parseLong(name.substring(0, name.length() - 4)), p);
                }
            }
        }
        long end = consumed;
        if (!segments.isEmpty() && (segments.firstKey() > consumed
                || consumed - segments.floorKey(consumed) > Files.size(segments.floorEntry(consumed).getValue()))) {
            // The store says it applied up to a position this log does not hold: one of them was replaced (a store
            // restored from a backup, a log copied from elsewhere). Guessing would drop or re-apply requests.
            throw new IOException("the ingest log in " + dir + " (from position " + segments.firstKey() + ") does not match the "
                    + "store, which has applied it up to position " + consumed + "; was one of them restored or copied? "
                    + "Move " + dir + " aside to start without its requests, or put back the matching store");
        }
        if (segments.isEmpty()) {
            // A new log: it starts at the consumed position.
        } else {
            // Scan forward from the consumed position; the first bad entry ends the log.
            long pos = consumed;
            while (true) {
                Entry e = readAt(pos);
                if (e == null) {
                    break;
                }
                pos = e.end();
                recoveredEntries++;
            }
            end = pos;
            // Drop what lies after the end: a torn entry, and any segment after it.
            Long base = segments.floorKey(end);
            for (Long start : new ArrayList<>(segments.tailMap(end, false).keySet())) {
                if (!start.equals(base)) {
                    Files.delete(segments.remove(start));
                }
            }
            try (FileChannel ch = FileChannel.open(segments.get(base), StandardOpenOption.WRITE)) {
                ch.truncate(end - base);
                ch.force(true);
            }
            release(consumed);
        }
        durableEnd.set(end);
        writeEnd = end;
        Long base = segments.floorKey(end);
        if (base == null || end - base >= segmentBytes) {
            openSegment(end);
        } else {
            activeStart = base;
            active = FileChannel.open(segments.get(base), StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        }
    }

    private void openSegment(long start) throws IOException {
        if (active != null) {
            active.force(true);
            active.close();
        }
        Path p = dir.resolve(String.format(Locale.ROOT, "%020d.log", start));
        active = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        activeStart = start;
        segments.put(start, p);
        // The new file's name must survive a crash too.
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // some file systems cannot fsync a directory; the entries' own fsync still holds
        }
    }

    /**
     * Appends a request body; the future completes with the entry's position (its ingest id) once the entry
     * is on disk and fsynced, or exceptionally when the log cannot write.
     */
    public CompletableFuture<Long> append(byte format, byte[] body) {
        CompletableFuture<Long> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(new IOException("the ingest log is closed"));
            return done;
        }
        if (failure != null) {
            done.completeExceptionally(failure);
            return done;
        }
        queued.incrementAndGet();
        queue.add(new Pending(format, body, done));
        return done;
    }

    /** Requests waiting to be written (not yet durable). */
    public int waitingAppends() {
        return queued.get();
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>();
        while (true) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closed) {
                        return;
                    }
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, 4096);
                writeBatch(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                queued.addAndGet(-batch.size());
                batch.clear();
            }
        }
    }

    private void writeBatch(List<Pending> batch) {
        long[] positions = new long[batch.size()];
        try {
            if (failure != null) {
                throw failure;
            }
            CRC32C crc = new CRC32C();
            for (int i = 0; i < batch.size(); i++) {
                Pending p = batch.get(i);
                if (writeEnd - activeStart >= segmentBytes) {
                    active.force(false);
                    openSegment(writeEnd);
                }
                ByteBuffer head = ByteBuffer.allocate(HEADER + PAYLOAD_PREFIX);
                ByteBuffer prefix = ByteBuffer.allocate(PAYLOAD_PREFIX).put(p.format()).putLong(System.currentTimeMillis()).flip();
                crc.reset();
                crc.update(prefix.duplicate());
                crc.update(p.body());
                head.putInt(MAGIC).putInt(PAYLOAD_PREFIX + p.body().length).putInt((int) crc.getValue()).put(prefix).flip();
                ByteBuffer[] parts = {head, ByteBuffer.wrap(p.body())};
                long want = head.remaining() + (long) p.body().length;
                long written = 0;
                while (written < want) {
                    written += active.write(parts);
                }
                positions[i] = writeEnd;
                writeEnd += want;
            }
            active.force(false);
            durableEnd.set(writeEnd);
            entriesWritten.addAndGet(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).done().complete(positions[i]);
            }
            synchronized (appended) {
                appended.notifyAll();
            }
        } catch (IOException e) {
            // A write or fsync that failed leaves the file in an unknown state: stop acknowledging anything.
            failure = e;
            for (Pending p : batch) {
                p.done().completeExceptionally(e);
            }
        }
    }

    /** The position up to which entries are durable: consumers read up to here. */
    public long durableEnd() {
        return durableEnd.get();
    }

    /** Waits until entries exist beyond {@code position}, at most {@code millis}. */
    public void awaitBeyond(long position, long millis) throws InterruptedException {
        synchronized (appended) {
            if (durableEnd.get() <= position) {
                appended.wait(millis);
            }
        }
    }

    public Object appendSignal() {
        return appended;
    }

    /**
     * Reads durable entries from {@code position} on, stopping before {@code maxBytes} of bodies are exceeded
     * (at least one entry is returned when one exists).
     */
    public List<Entry> read(long position, long maxBytes) throws IOException {
        List<Entry> out = new ArrayList<>();
        long end = durableEnd.get();
        long bytes = 0;
        long pos = position;
        while (pos < end) {
            Entry e = readAt(pos);
            if (e == null) {
                throw new IOException("ingest log entry at position " + pos + " is unreadable (below the durable end " + end + ")");
            }
            if (!out.isEmpty() && bytes + e.body().length > maxBytes) {
                break;
            }
            out.add(e);
            bytes += e.body().length;
            pos = e.end();
        }
        return out;
    }

    /** The entry at {@code pos}, or null when there is none (end of log, torn or corrupt entry). */
    private Entry readAt(long pos) throws IOException {
        var floor = segments.floorEntry(pos);
        if (floor == null) {
            return null;
        }
        Path file = floor.getValue();
        long offset = pos - floor.getKey();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            // A segment after a full one starts exactly where it ends, so floorEntry already found it.
            return readFrom(ch, pos, offset, ch.size());
        }
    }

    private static Entry readFrom(FileChannel ch, long pos, long offset, long size) throws IOException {
        if (size - offset < HEADER + PAYLOAD_PREFIX) {
            return null;
        }
        ByteBuffer head = ByteBuffer.allocate(HEADER);
        ch.read(head, offset);
        head.flip();
        int magic = head.getInt();
        int length = head.getInt();
        int crc = head.getInt();
        if (magic != MAGIC || length < PAYLOAD_PREFIX || length > size - offset - HEADER) {
            return null;
        }
        ByteBuffer payload = ByteBuffer.allocate(length);
        while (payload.hasRemaining()) {
            if (ch.read(payload, offset + HEADER + payload.position()) < 0) {
                return null;
            }
        }
        payload.flip();
        CRC32C c = new CRC32C();
        c.update(payload.duplicate());
        if ((int) c.getValue() != crc) {
            return null;
        }
        byte format = payload.get();
        long at = payload.getLong();
        byte[] body = new byte[payload.remaining()];
        payload.get(body);
        return new Entry(pos, format, at, body);
    }

    /** Deletes segments that lie wholly before {@code consumed}: the store has applied them. */
    public synchronized void release(long consumed) throws IOException {
        Long keep = segments.floorKey(consumed);
        if (keep == null) {
            return;
        }
        for (Long start : new ArrayList<>(segments.headMap(keep, false).keySet())) {
            Files.deleteIfExists(segments.remove(start));
        }
    }

    /** Entries found waiting when the log was opened plus entries made durable since. */
    public long entriesWritten() {
        return recoveredEntries + entriesWritten.get();
    }

    public boolean failed() {
        return failure != null;
    }

    /** Stops accepting, writes what is queued, and closes. */
    @Override
    public void close() throws IOException {
        closed = true;
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        active.force(true);
        active.close();
    }
}
