package io.sluice.aws.dynamodb;

import java.util.Map;
import java.util.function.Function;

/**
 * The names of Sluice's DynamoDB tables, read from the function's environment (set by the CDK app; never a
 * reserved name, INF-5). The key schemas are in {@link TableSchemas}.
 *
 * @param profiles    subscriber profiles by {@code msisdn}
 * @param usage       usage per subscriber-day, route statistics per hour, and the record claims that keep
 *                    them exactly-once ({@code pk}, {@code sk})
 * @param manifests   one item per object version (OBJ-1, OBJ-2)
 * @param deadLetters rejected records by content key, with their original bytes (CDR-3)
 * @param errors      the error log, with a GSI on function name + time (MON-2)
 */
public record DynamoTables(String profiles, String usage, String manifests, String deadLetters, String errors) {

    public static final String PROFILES_ENV = "SLUICE_PROFILES_TABLE";
    public static final String USAGE_ENV = "SLUICE_USAGE_TABLE";
    public static final String MANIFESTS_ENV = "SLUICE_MANIFESTS_TABLE";
    public static final String DEAD_LETTERS_ENV = "SLUICE_DEAD_LETTERS_TABLE";
    public static final String ERRORS_ENV = "SLUICE_ERRORS_TABLE";

    public DynamoTables {
        for (String n : new String[] {profiles, usage, manifests, deadLetters, errors}) {
            if (n == null || !n.matches("[a-zA-Z0-9_.-]{3,255}")) {
                throw new IllegalArgumentException("Invalid DynamoDB table name: " + n);
            }
        }
    }

    /** Names with a common prefix, as the local runtime and the tests create them. */
    public static DynamoTables prefixed(String prefix) {
        return new DynamoTables(prefix + "profiles", prefix + "usage", prefix + "manifests", prefix + "dead-letters",
                prefix + "errors");
    }

    /**
     * From environment variables; a missing one is an error naming the variable (a deployment mistake should
     * fail the first invocation loudly, not write somewhere else).
     */
    public static DynamoTables fromEnvironment(Function<String, String> env) {
        return new DynamoTables(required(env, PROFILES_ENV), required(env, USAGE_ENV), required(env, MANIFESTS_ENV),
                required(env, DEAD_LETTERS_ENV), required(env, ERRORS_ENV));
    }

    public Map<String, String> asEnvironment() {
        return Map.of(PROFILES_ENV, profiles, USAGE_ENV, usage, MANIFESTS_ENV, manifests, DEAD_LETTERS_ENV, deadLetters,
                ERRORS_ENV, errors);
    }

    private static String required(Function<String, String> env, String name) {
        String v = env.apply(name);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("Environment variable " + name + " is not set: the function does not know its "
                    + "DynamoDB table (the CDK app sets it)");
        }
        return v;
    }
}
