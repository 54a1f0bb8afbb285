package io.sluice.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.local.runtime.RuntimeInfo;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How commands reach the store while 'sluice up' owns it (ARCHITECTURE.md, "One machine, one owner of the
 * store"): through its local HTTP API instead of opening the store a second time.
 */
final class UpClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final RuntimeInfo info;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String token;

    private UpClient(RuntimeInfo info, String token) {
        this.info = info;
        this.token = token;
    }

    /** The running 'sluice up' of this data dir, if one runs. */
    static Optional<UpClient> of(Path dataDir) {
        return RuntimeInfo.read(dataDir).filter(RuntimeInfo::processAlive)
                .map(info -> new UpClient(info, io.sluice.local.runtime.ApiToken.read(dataDir).orElse("")));
    }

    /** A GET answered by the running process; an unreachable process is a failure naming it. */
    HttpResponse<byte[]> get(String pathAndQuery) {
        return send(HttpRequest.newBuilder(URI.create(info.baseUrl() + pathAndQuery)).timeout(Duration.ofMinutes(5))
                .header("Authorization", "Bearer " + token).build());
    }

    /** A POST of a file's bytes, answered by the running process. */
    HttpResponse<byte[]> post(String pathAndQuery, String contentType, Path body) {
        try {
            return send(HttpRequest.newBuilder(URI.create(info.baseUrl() + pathAndQuery)).timeout(Duration.ofMinutes(30))
                    .header("Authorization", "Bearer " + token).header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofFile(body)).build());
        } catch (java.io.FileNotFoundException e) {
            throw new IllegalStateException("cannot read " + body + ": " + e.getMessage());
        }
    }

    /** A POST of bytes (a small JSON body), answered by the running process. */
    HttpResponse<byte[]> post(String pathAndQuery, String contentType, byte[] body) {
        return send(HttpRequest.newBuilder(URI.create(info.baseUrl() + pathAndQuery)).timeout(Duration.ofMinutes(5))
                .header("Authorization", "Bearer " + token).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    private HttpResponse<byte[]> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new IllegalStateException("'sluice up' (pid " + info.pid() + ") owns the data dir but does not answer at "
                    + info.baseUrl() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    /** The error message of a non-2xx answer. */
    static String error(HttpResponse<byte[]> r) {
        try {
            JsonNode n = JSON.readTree(r.body());
            return n.path("error").asText("HTTP " + r.statusCode());
        } catch (IOException e) {
            return "HTTP " + r.statusCode();
        }
    }

    /** Exit code for a non-2xx answer: the request was wrong (usage) or the process failed. */
    static int exitCode(HttpResponse<byte[]> r) {
        return r.statusCode() >= 400 && r.statusCode() < 500 ? ExitCodes.USAGE : ExitCodes.FAILED;
    }
}
