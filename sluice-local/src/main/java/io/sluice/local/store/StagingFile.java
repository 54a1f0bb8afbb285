package io.sluice.local.store;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A CSV file Sluice writes for DuckDB to read with {@code read_csv}: the fast way to move many rows from Java
 * into DuckDB. Its appender costs about 200 ns per value across JNI (measured: 3.2 us per 16-column row),
 * while writing text and letting DuckDB's vectorized CSV reader parse it costs a fraction of that. Strings
 * are always quoted, with quotes doubled (RFC 4180); numbers and booleans are bare.
 */
final class StagingFile implements AutoCloseable {
    private final Path path;
    private final java.io.FileOutputStream file;
    private final BufferedWriter out;
    private final StringBuilder row = new StringBuilder(256);
    private long rows;
    private boolean first = true;

    StagingFile(Path path) {
        this.path = path;
        try {
            Files.createDirectories(path.getParent());
            this.file = new java.io.FileOutputStream(path.toFile());
            this.out = new BufferedWriter(new java.io.OutputStreamWriter(file, StandardCharsets.UTF_8), 1 << 16);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the staging file " + path, e);
        }
    }

    Path path() {
        return path;
    }

    long rows() {
        return rows;
    }

    /** The path as a SQL string literal. */
    String sqlLiteral() {
        return "'" + path.toAbsolutePath().toString().replace("'", "''") + "'";
    }

    StagingFile str(String s) {
        sep();
        row.append('"');
        if (s.indexOf('"') < 0) {
            row.append(s);
        } else {
            row.append(s.replace("\"", "\"\""));
        }
        row.append('"');
        return this;
    }

    StagingFile num(long v) {
        sep();
        row.append(v);
        return this;
    }

    /** An empty field, read as NULL. */
    StagingFile none() {
        sep();
        return this;
    }

    StagingFile bool(boolean v) {
        sep();
        row.append(v ? "true" : "false");
        return this;
    }

    private void sep() {
        if (!first) {
            row.append(',');
        }
        first = false;
    }

    void endRow() {
        row.append('\n');
        try {
            out.append(row);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the staging file " + path, e);
        }
        row.setLength(0);
        first = true;
        rows++;
    }

    /** Flushes and forces the bytes to disk, for files a committed transaction will refer to. */
    void sync() {
        try {
            out.flush();
            file.getFD().sync();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot sync the staging file " + path, e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the staging file " + path, e);
        }
    }
}
