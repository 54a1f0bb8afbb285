package io.sluice.local.runtime;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20 (MIG-1, MIG-3): the profile routes {@code sluice migrate} uses while {@code sluice up} owns the store:
 * {@code POST /v1/profiles/lookup} answers what the store holds, {@code POST /v1/profiles/delete} removes profiles,
 * a body that is not {@code {"msisdns": [...]}} is a 400 naming the shape, and neither answers without the token.
 */
class ProfileRoutesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    private static HttpResponse<String> post(LocalRuntime rt, String token, String path, String type, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + rt.port() + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofString(body, UTF_8));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void lookupAndDeleteWorkOnTheStoreTheRuntimeOwns() throws Exception {
        UpConfig up = UpConfig.defaults(dir.resolve("up")).withPort(0);
        try (LocalRuntime rt = LocalRuntime.start(up, m -> { })) {
            String token = ApiToken.read(up.dataDir()).orElseThrow();
            assertThat(post(rt, token, "/v1/profiles", "text/csv", "msisdn,plan,home_country,status\n+14155550100,gold,US,active\n"
                    + "+14155550101,free,US,barred\n").statusCode()).isEqualTo(200);
            String both = "{\"msisdns\": [\"+14155550100\", \"+14155550101\", \"+14155550199\"]}";
            JsonNode found = JSON.readTree(post(rt, token, "/v1/profiles/lookup", "application/json", both).body());
            assertThat(found.path("profiles").size()).isEqualTo(2);
            assertThat(found.path("profiles").path("+14155550101").path("status").asText()).isEqualTo("barred");

            HttpResponse<String> deleted = post(rt, token, "/v1/profiles/delete", "application/json", "{\"msisdns\": [\"+14155550101\"]}");
            assertThat(deleted.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(deleted.body()).path("deleted").asLong()).isEqualTo(1);
            JsonNode after = JSON.readTree(post(rt, token, "/v1/profiles/lookup", "application/json", both).body());
            assertThat(after.path("profiles").fieldNames()).toIterable().containsExactly("+14155550100");

            HttpResponse<String> bad = post(rt, token, "/v1/profiles/delete", "application/json", "{\"numbers\": 1}");
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("msisdns");
            assertThat(post(rt, token, "/v1/profiles/lookup", "application/json", "not json").statusCode()).isEqualTo(400);
            assertThat(post(rt, null, "/v1/profiles/delete", "application/json", "{\"msisdns\": [\"+14155550100\"]}").statusCode())
                    .isEqualTo(401);
            assertThat(JSON.readTree(post(rt, token, "/v1/profiles/lookup", "application/json", both).body()).path("profiles").size())
                    .as("the unauthenticated delete removed nothing").isEqualTo(1);
        }
    }
}
