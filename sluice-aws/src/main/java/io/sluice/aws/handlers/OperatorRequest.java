package io.sluice.aws.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;

/**
 * What an operator sends the hand-invoked functions (redrive, stream-replay): {@code {"action": .., "max": N}}, both
 * optional ({@code inspect}, 10). A {@code max} outside {@code 1..limit} is refused, naming the range.
 */
record OperatorRequest(String action, int max) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static OperatorRequest read(InputStream input, int limit) throws IOException {
        JsonNode request = JSON.readTree(input);
        String action = request == null || request.path("action").isMissingNode() ? "inspect" : request.path("action").asText();
        int max = request == null ? 10 : request.path("max").asInt(10);
        if (max < 1 || max > limit) {
            throw new IllegalArgumentException("max must be 1.." + limit + ", was " + max);
        }
        return new OperatorRequest(action, max);
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
