package io.sluice.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.local.ingest.IngestJob;
import io.sluice.local.ingest.IngestSummary;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code sluice ingest} while 'sluice up' owns the data dir: the files go through its inbox (linked, or copied
 * when on another file system, under a temporary name and renamed), and the command waits for their manifest
 * rows and reports them as a direct ingest would. The user does the obvious thing and gets no lock error.
 */
final class IngestThroughInbox {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final UpClient up;
    private final Path dataDir;
    private final PrintStream err;
    private final boolean quiet;

    IngestThroughInbox(UpClient up, Path dataDir, PrintStream err, boolean quiet) {
        this.up = up;
        this.dataDir = dataDir;
        this.err = err;
        this.quiet = quiet;
    }

    /** The summary, or null when the running process could not be used (the reason is printed). */
    IngestSummary run(List<Path> inputs, String sourceZone, String defaultCountry) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        JsonNode status = JSON.readTree(ok(up.get("/v1/status")));
        String upZone = status.path("inbox").path("source_zone").asText();
        String upCountry = status.path("inbox").path("default_country").asText();
        if (!upZone.equals(sourceZone) || !upCountry.equals(defaultCountry)) {
            // Its inbox reads every file with its own settings: quietly using them would normalize these files wrongly.
            err.println("sluice: 'sluice up' owns " + dataDir.toAbsolutePath() + " and reads files with --source-zone " + upZone
                    + " --default-country " + upCountry + ", not " + sourceZone + " / " + defaultCountry
                    + ": ingest with its settings, or restart it with yours");
            return null;
        }
        Path inbox = Path.of(status.path("inbox").path("dir").asText(dataDir.resolve("inbox").toString()));
        List<String> extensions = new ArrayList<>();
        status.path("inbox").path("extensions").forEach(e -> extensions.add(e.asText()));
        long since = newestId();

        long failed = 0;
        Map<String, Path> dropped = new LinkedHashMap<>();
        for (Path p : IngestJob.inputFiles(inputs)) {
            if (!Files.isRegularFile(p)) {
                failed++;
                err.println("sluice: " + p.toAbsolutePath().normalize() + ": no such file");
                continue;
            }
            String name = dropName(inbox, p.getFileName().toString(), extensions, dropped.keySet());
            Path part = inbox.resolve("." + name + ".part");
            try {
                Files.createLink(part, p);
            } catch (IOException | UnsupportedOperationException e) {
                Files.copy(p, part, StandardCopyOption.REPLACE_EXISTING); // another file system
            }
            try {
                Files.move(part, inbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(part, inbox.resolve(name));
            }
            dropped.put(name, p);
        }
        if (!quiet && !dropped.isEmpty()) {
            err.println("sluice: 'sluice up' owns " + dataDir.toAbsolutePath() + ": " + dropped.size()
                    + " file(s) handed to its inbox; waiting for them to be processed");
        }
        Map<String, JsonNode> rows = new LinkedHashMap<>();
        long lastNote = System.nanoTime();
        while (rows.size() < dropped.size()) {
            for (JsonNode row : JSON.readTree(ok(up.get("/v1/files?limit=1000"))).path("files")) {
                String name = row.path("name").asText();
                if (row.path("id").asLong() > since && dropped.containsKey(name)) {
                    rows.putIfAbsent(name, row);
                }
            }
            if (rows.size() < dropped.size()) {
                if (!quiet && System.nanoTime() - lastNote > 10e9) {
                    err.println("sluice: " + rows.size() + " of " + dropped.size() + " files done");
                    lastNote = System.nanoTime();
                }
                Thread.sleep(200);
            }
        }
        long files = dropped.size() + failed, skipped = 0, in = 0, accepted = 0, rejected = 0, duplicates = 0, unknown = 0;
        for (Map.Entry<String, JsonNode> e : rows.entrySet()) {
            JsonNode r = e.getValue();
            switch (r.path("status").asText()) {
                case "duplicate" -> skipped++;
                case "failed" -> {
                    failed++;
                    err.println("sluice: " + dropped.get(e.getKey()).toAbsolutePath().normalize() + ": " + r.path("error").asText());
                }
                default -> { }
            }
            in += r.path("records_in").asLong();
            accepted += r.path("accepted").asLong();
            rejected += r.path("rejected").asLong();
            duplicates += r.path("duplicates").asLong();
            unknown += r.path("unknown_subscribers").asLong();
        }
        if (rejected > 0 && !quiet) {
            err.println("sluice: " + rejected + " rejected records: see 'sluice dlq list'");
        }
        return new IngestSummary(files, skipped, failed, in, accepted, rejected, duplicates, unknown, (System.nanoTime() - t0) / 1e9);
    }

    private long newestId() throws IOException {
        JsonNode rows = JSON.readTree(ok(up.get("/v1/files?limit=1"))).path("files");
        return rows.isEmpty() ? 0 : rows.get(0).path("id").asLong();
    }

    private static byte[] ok(HttpResponse<byte[]> r) {
        if (r.statusCode() != 200) {
            throw new IllegalStateException("'sluice up' answered " + r.statusCode() + ": " + UpClient.error(r));
        }
        return r.body();
    }

    /** A name free in the inbox, with an extension the inbox takes (".cdr" or the first allowed one is added if not). */
    static String dropName(Path inbox, String original, List<String> extensions, java.util.Set<String> taken) {
        int dot = original.lastIndexOf('.');
        String ext = dot < 0 ? "" : original.substring(dot + 1).toLowerCase(Locale.ROOT);
        String name = original.startsWith(".") ? original.substring(1) : original;
        if (!extensions.isEmpty() && !extensions.contains(ext)) {
            name = name + "." + (extensions.contains("cdr") ? "cdr" : extensions.get(0));
        }
        String candidate = name;
        int d = name.lastIndexOf('.');
        for (int i = 1; taken.contains(candidate) || Files.exists(inbox.resolve(candidate)); i++) {
            candidate = name.substring(0, d) + "-" + i + name.substring(d);
        }
        return candidate;
    }
}
