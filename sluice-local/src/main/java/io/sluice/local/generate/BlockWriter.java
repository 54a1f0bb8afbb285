package io.sluice.local.generate;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Appends lines to a file in 1 MiB blocks that a background thread writes, in order, while the generator fills
 * the next block: the kernel's copy into the page cache costs about a third of the generation time, and this
 * overlaps it. Bounded: at most {@value #BLOCKS} blocks per file, reused.
 */
final class BlockWriter implements Closeable {
    static final int BLOCK_BYTES = 1 << 20;
    private static final int BLOCKS = 4;

    private static final class Block {
        final byte[] data;
        int used;

        Block(int size) {
            data = new byte[size];
        }
    }

    private static final Block END = new Block(0);

    private final Path file;
    private final FileChannel channel;
    private final BlockingQueue<Block> full = new ArrayBlockingQueue<>(BLOCKS);
    private final BlockingQueue<Block> free = new ArrayBlockingQueue<>(BLOCKS);
    private final Thread writer;
    private volatile IOException failure;
    private Block current = new Block(BLOCK_BYTES);
    private int allocated = 1;
    private boolean closed;

    /** Creates or truncates the file. */
    BlockWriter(Path file) throws IOException {
        this.file = file;
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
        this.writer = Thread.ofPlatform().daemon().name("sluice-generate-writer").start(this::drain);
    }

    void write(AsciiLine line) throws IOException {
        int from = 0;
        while (from < line.len) {
            if (current.used == BLOCK_BYTES) {
                handOff();
            }
            int n = Math.min(line.len - from, BLOCK_BYTES - current.used);
            System.arraycopy(line.buf, from, current.data, current.used, n);
            current.used += n;
            from += n;
        }
    }

    /** Writes what is buffered, waits for the writer thread and closes the file. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (current.used > 0) {
                full.put(current);
            }
            full.put(END);
            writer.join();
        } catch (InterruptedException e) {
            writer.interrupt();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while writing " + file);
        } finally {
            channel.close();
        }
        throwIfFailed();
    }

    private void handOff() throws IOException {
        throwIfFailed();
        try {
            full.put(current);
            Block next = free.poll();
            if (next == null && allocated < BLOCKS) {
                next = new Block(BLOCK_BYTES);
                allocated++;
            } else if (next == null) {
                next = free.take();
            }
            current = next;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while writing " + file);
        }
    }

    private void throwIfFailed() throws IOException {
        IOException e = failure;
        if (e != null) {
            throw new IOException("Could not write " + file + ": " + e.getMessage(), e);
        }
    }

    /** The writer thread: blocks in order; after a failure it only recycles them, so the generator never waits forever. */
    private void drain() {
        try {
            while (true) {
                Block b = full.take();
                if (b == END) {
                    return;
                }
                if (failure == null) {
                    try {
                        ByteBuffer bytes = ByteBuffer.wrap(b.data, 0, b.used);
                        while (bytes.hasRemaining()) {
                            channel.write(bytes);
                        }
                    } catch (IOException e) {
                        failure = e;
                    } catch (RuntimeException e) {
                        failure = new IOException(e.toString(), e);
                    }
                }
                b.used = 0;
                free.put(b);
            }
        } catch (InterruptedException e) {
            failure = new InterruptedIOException("Interrupted while writing " + file);
        }
    }
}
