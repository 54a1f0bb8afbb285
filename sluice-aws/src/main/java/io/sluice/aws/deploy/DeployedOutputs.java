package io.sluice.aws.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The outputs of a deployment, read from the file {@code cdk deploy --outputs-file} writes (INF-6): nested by
 * stack name ({@code {"SluiceData-dev": {"UsageTableName": "..."}}}) or flat ({@code {"UsageTableName": "..."}}),
 * both accepted; or from what {@code aws cloudformation describe-stacks} prints
 * ({@code {"Stacks": [{"StackName": .., "Outputs": [{"OutputKey": .., "OutputValue": ..}]}]}}), for a deployment
 * whose outputs file is gone or was never written (the delivery pipeline). Several files are read as one. An output
 * name found in two stacks with different values is refused, naming both.
 */
public final class DeployedOutputs {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, String> values;

    private DeployedOutputs(Map<String, String> values) {
        this.values = values;
    }

    public static DeployedOutputs read(Path file) throws IOException {
        return read(java.util.List.of(file));
    }

    /** The outputs in all of {@code files}, each in any of the accepted shapes. */
    public static DeployedOutputs read(java.util.List<Path> files) throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> origin = new LinkedHashMap<>();
        for (Path file : files) {
            read(file, values, origin);
        }
        return new DeployedOutputs(values);
    }

    private static void read(Path file, Map<String, String> values, Map<String, String> origin) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("The outputs file " + file + " is not JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("The outputs file " + file + " holds no JSON object (cdk deploy --outputs-file writes one)");
        }
        if (root.size() == 1 && root.get("Stacks") != null && root.get("Stacks").isArray()) {
            readDescribeStacks(file, root.get("Stacks"), values, origin);
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> inner = e.getValue().fields(); inner.hasNext(); ) {
                    Map.Entry<String, JsonNode> o = inner.next();
                    put(values, origin, o.getKey(), o.getValue(), "stack " + e.getKey(), file);
                }
            } else {
                put(values, origin, e.getKey(), e.getValue(), "the top level", file);
            }
        }
    }

    /** {@code describe-stacks}: a stack without outputs has no {@code Outputs} member at all. */
    private static void readDescribeStacks(Path file, JsonNode stacks, Map<String, String> values, Map<String, String> origin) {
        for (int i = 0; i < stacks.size(); i++) {
            JsonNode stack = stacks.get(i);
            String name = stack.path("StackName").asText("Stacks[" + i + "]");
            JsonNode outputs = stack.path("Outputs");
            for (int j = 0; j < outputs.size(); j++) {
                JsonNode o = outputs.get(j);
                if (!o.path("OutputKey").isTextual() || o.get("OutputValue") == null) {
                    throw new IllegalArgumentException("Output " + j + " of stack " + name + " in " + file
                            + " has no OutputKey or OutputValue");
                }
                put(values, origin, o.get("OutputKey").asText(), o.get("OutputValue"), "stack " + name, file);
            }
        }
    }

    private static void put(Map<String, String> values, Map<String, String> origin, String name, JsonNode value, String where, Path file) {
        if (!value.isValueNode()) {
            throw new IllegalArgumentException("Output " + name + " in " + where + " of " + file + " is not a value");
        }
        String text = value.asText();
        String before = values.putIfAbsent(name, text);
        if (before != null && !before.equals(text)) {
            throw new IllegalArgumentException("Output " + name + " is '" + before + "' in " + origin.get(name) + " and '" + text
                    + "' in " + where + " of " + file + ": which deployment is meant?");
        }
        origin.putIfAbsent(name, where + " of " + file);
    }

    public Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name));
    }

    /** The output, or an error naming it and the outputs there are. */
    public String require(String name) {
        String v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("The deployment has no output " + name + "; it has: " + String.join(", ", values.keySet()));
        }
        return v;
    }

    public Map<String, String> all() {
        return Map.copyOf(values);
    }

    /**
     * True for an Express workflow's execution ARN ({@code arn:aws:states:REGION:ACCOUNT:express:NAME:ID:ID}),
     * false for a Standard one ({@code ...:execution:NAME:ID}). DescribeExecution does not take Express
     * executions, so tools must know which they hold (AWS-CONTRACTS.md section 5).
     */
    public static boolean isExpressExecution(String executionArn) {
        String[] parts = executionArn.split(":", 7);
        if (parts.length < 7 || !parts[0].equals("arn") || !parts[2].equals("states")) {
            throw new IllegalArgumentException("Not a Step Functions execution ARN: " + executionArn);
        }
        return switch (parts[5]) {
            case "express" -> true;
            case "execution" -> false;
            default -> throw new IllegalArgumentException("Not a Step Functions execution ARN (resource type '" + parts[5] + "'): " + executionArn);
        };
    }
}
