package io.sluice.local.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileStore;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Faults of the machine, not of the data, told by their cause (issue 22): a full disk, a permission, a read-only file
 * system, wherever in a chain of exceptions the JDK or DuckDB put it ("No space left on device" is errno's text in both).
 * Each says what happened, where, and that running the command again is safe: every chunk commits in one transaction,
 * so nothing committed is lost and nothing is counted twice.
 */
final class Faults {
    private static final Pattern QUOTED_PATH = Pattern.compile("\"(/[^\"]+)\"|'(/[^']+)'|(?:file|staging file|store|folder) (/\\S+)");

    enum Kind { NO_SPACE, PERMISSION, READ_ONLY }

    private Faults() {
    }

    /** A sentence for {@code e} when a cause in its chain is one of {@link Kind}; empty otherwise. */
    static Optional<String> explain(Throwable e) {
        Kind kind = null;
        String path = null;
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            String lower = m.toLowerCase(Locale.ROOT);
            Kind k = lower.contains("no space left on device") || lower.contains("disk quota exceeded") ? Kind.NO_SPACE
                    : lower.contains("read-only file system") ? Kind.READ_ONLY
                    : t instanceof AccessDeniedException || lower.contains("permission denied") ? Kind.PERMISSION : null;
            if (k != null && kind == null) {
                kind = k;
            }
            if (path == null) {
                path = t instanceof FileSystemException fs && fs.getFile() != null ? fs.getFile() : pathIn(m);
            }
        }
        if (kind == null) {
            return Optional.empty();
        }
        String where = path == null ? "" : " writing " + path;
        String again = "; run the same command again: what was committed is kept, and an ingest resumes after its last committed "
                + "chunk, counting every record once";
        return Optional.of(switch (kind) {
            case NO_SPACE -> "no space left on device" + where + free(path) + ": free some space (or use another --data-dir)" + again;
            case READ_ONLY -> "the file system is read-only" + where + ": remount it writable or use another --data-dir" + again;
            case PERMISSION -> "permission denied" + where + ": the data dir and everything in it must be writable by "
                    + System.getProperty("user.name") + again;
        });
    }

    private static String pathIn(String message) {
        Matcher m = QUOTED_PATH.matcher(message);
        if (!m.find()) {
            return null;
        }
        String p = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
        return p.replaceAll("[:;,.]+$", "");
    }

    /** " (12 MiB free on /data)" for the file system holding {@code path}, or "" when it cannot be told. */
    private static String free(String path) {
        if (path == null) {
            return "";
        }
        Path p = Path.of(path).toAbsolutePath();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        if (p == null) {
            return "";
        }
        try {
            FileStore store = Files.getFileStore(p);
            return " (" + store.getUsableSpace() / (1 << 20) + " MiB free there)";
        } catch (IOException e) {
            return "";
        }
    }
}
