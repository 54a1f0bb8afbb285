package io.sluice.local.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code <data-dir>/sluice-up.json}: written by a running {@code sluice up} once it listens, removed when it
 * stops cleanly. Other commands ({@code doctor}, {@code status}, tests, the load generator) read it to find
 * the process that owns the store (ARCHITECTURE.md, "One machine, one owner of the store").
 *
 * @param pid       the process id
 * @param host      the address the HTTP API listens on
 * @param port      the port it listens on
 * @param startedAt when the process started
 */
public record RuntimeInfo(long pid, String host, int port, Instant startedAt) {
    public static final String FILE = "sluice-up.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    public String baseUrl() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return "http://" + ("0.0.0.0".equals(host) || "::".equals(host) ? "127.0.0.1" : h) + ":" + port;
    }

    /** True while the process that wrote the file is alive (a file left by a killed process is stale). */
    public boolean processAlive() {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Written to a temporary name and renamed, so a reader never sees half a file. */
    public void write(Path dataDir) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pid", pid);
        m.put("host", host);
        m.put("port", port);
        m.put("started_at", startedAt.toString());
        Path tmp = dataDir.resolve("." + FILE + ".tmp");
        Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(m));
        Files.move(tmp, dataDir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public static Optional<RuntimeInfo> read(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode n = JSON.readTree(file.toFile());
            return Optional.of(new RuntimeInfo(n.path("pid").asLong(), n.path("host").asText("127.0.0.1"), n.path("port").asInt(),
                    Instant.parse(n.path("started_at").asText(Instant.EPOCH.toString()))));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    public static void delete(Path dataDir) {
        try {
            Files.deleteIfExists(dataDir.resolve(FILE));
        } catch (IOException e) {
            // a stale file is recognized by its dead pid
        }
    }
}
