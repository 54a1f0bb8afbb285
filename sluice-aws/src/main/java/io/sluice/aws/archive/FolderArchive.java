package io.sluice.aws.archive;

import io.sluice.core.cdr.Cdr;
import io.sluice.core.pipeline.Archive;
import io.sluice.core.pipeline.BatchId;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The archive as Firehose would deliver it before converting to Parquet, in a folder: JSON lines under
 * {@code dt=YYYY-MM-DD/}, one file per batch and day. For {@code sluice invoke} without an AWS account. A batch
 * appended again rewrites its own files (written aside, then moved), so a retried batch is archived once.
 */
public final class FolderArchive implements Archive {
    private final Path root;

    public FolderArchive(Path root) {
        this.root = root;
    }

    @Override
    public void append(BatchId batch, List<Cdr> records) {
        Map<Integer, List<Cdr>> byDay = new TreeMap<>();
        for (Cdr c : records) {
            byDay.computeIfAbsent(c.startDay(), d -> new java.util.ArrayList<>()).add(c);
        }
        try (ArchiveRows rows = new ArchiveRows()) {
            for (Map.Entry<Integer, List<Cdr>> day : byDay.entrySet()) {
                Path dir = root.resolve("dt=" + LocalDate.ofEpochDay(day.getKey()));
                Files.createDirectories(dir);
                Path file = dir.resolve(fileName(batch));
                Path part = dir.resolve(file.getFileName() + ".part");
                try (OutputStream out = Files.newOutputStream(part)) {
                    for (Cdr c : day.getValue()) {
                        out.write(rows.render(c));
                    }
                }
                Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the archive of batch " + batch.value() + " under " + root, e);
        }
    }

    /** A readable, file-safe name that stays unique: the id's safe characters and a hash of the whole id. */
    static String fileName(BatchId batch) {
        String safe = batch.value().replaceAll("[^A-Za-z0-9._-]", "_");
        if (safe.length() > 80) {
            safe = safe.substring(0, 80);
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(batch.value().getBytes(StandardCharsets.UTF_8));
            return safe + "-" + HexFormat.of().formatHex(h, 0, 6) + ".jsonl";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
