package io.sluice.local.alerts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.core.pipeline.Notifier;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * Alerts POSTed as JSON to a URL ({@code --alert-webhook}): {@code {"subject": .., "message": .., "attributes": {..}}},
 * the fields of an SNS notification, so one receiver can take both homes' alerts. Anything but a 2xx answer within
 * the timeout is a failure: the alert stays owed and is sent again with the next delivery (at least once).
 */
public final class WebhookNotifier implements Notifier {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI url;
    private final Duration timeout;
    private final HttpClient client;

    public WebhookNotifier(URI url, Duration timeout) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null) {
            throw new IllegalArgumentException("--alert-webhook: '" + url + "' is not an http:// or https:// URL");
        }
        this.url = url;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public void notify(Alert alert) {
        ObjectNode o = JSON.createObjectNode();
        o.put("subject", alert.subject());
        o.put("message", alert.message());
        ObjectNode attrs = o.putObject("attributes");
        for (Map.Entry<String, String> e : new TreeMap<>(alert.attributes()).entrySet()) {
            attrs.put(e.getKey(), e.getValue());
        }
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(o.toString())).build();
        HttpResponse<Void> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            throw new IllegalStateException("alert webhook " + url + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("alert webhook " + url + ": interrupted", e);
        }
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("alert webhook " + url + " answered " + response.statusCode());
        }
    }
}
