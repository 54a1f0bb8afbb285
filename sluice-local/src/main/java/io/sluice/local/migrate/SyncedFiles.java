package io.sluice.local.migrate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** The migration's small files, written so that a crash (kill -9, power) leaves the old or the new content, synced. */
final class SyncedFiles {
    private SyncedFiles() {
    }

    /** Replaces {@code file} with {@code bytes}: a synced temporary file moved over it atomically. */
    static void replace(Path file, byte[] bytes) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (FileChannel f = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                f.write(ByteBuffer.wrap(bytes));
                f.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Appends {@code text} (UTF-8) to {@code file} and syncs it; answers the file's length after it. */
    static long append(Path file, String text) {
        try (FileChannel f = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            if (!text.isEmpty()) {
                f.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
                f.force(false);
            }
            return f.size();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
