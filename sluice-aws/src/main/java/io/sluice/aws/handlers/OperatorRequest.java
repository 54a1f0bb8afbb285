package io.sluice.aws.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;

/**
 * What an operator sends the hand-invoked functions (redrive, stream-replay): {@code {"action": .., "max": N}}, both
 * optional ({@code inspect}, 10), and a {@code messageId} for the actions that take one. A {@code max} that is not a
 * whole number in {@code 1..limit} is refused, naming the range.
 */
record OperatorRequest(String action, int max, java.util.Optional<String> messageId) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static OperatorRequest read(InputStream input, int limit) throws IOException {
        JsonNode request = JSON.readTree(input);
        if (request != null && !request.isObject()) {
            throw new IllegalArgumentException("the request must be a JSON object such as {\"action\":\"inspect\",\"max\":10}");
        }
        String action = request == null || request.path("action").isMissingNode() ? "inspect" : request.path("action").asText();
        JsonNode max = request == null ? null : request.get("max");
        if (max != null && !(max.isIntegralNumber() && max.canConvertToInt())) {
            throw new IllegalArgumentException("max must be a whole number 1.." + limit + ", was " + max);
        }
        int n = max == null ? 10 : max.asInt();
        if (n < 1 || n > limit) {
            throw new IllegalArgumentException("max must be 1.." + limit + ", was " + n);
        }
        JsonNode id = request == null ? null : request.get("messageId");
        return new OperatorRequest(action, n, id == null || id.asText().isBlank() ? java.util.Optional.empty()
                : java.util.Optional.of(id.asText()));
    }

    /** The environment variable, or an error naming it (the CDK app sets it). */
    static String required(String name) {
        String v = System.getenv(name);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("Environment variable " + name + " is not set (the CDK app sets it)");
        }
        return v;
    }
}
