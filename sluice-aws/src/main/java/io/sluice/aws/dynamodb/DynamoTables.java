package io.sluice.aws.dynamodb;

import io.sluice.core.contracts.FunctionEnvironment;
import io.sluice.core.contracts.TableKeys;
import java.util.Map;
import java.util.function.Function;

/**
 * The names of Sluice's DynamoDB tables, read from the function's environment (set by the CDK app; never a
 * reserved name, INF-5; the variables are {@link FunctionEnvironment}'s). The key schemas are {@link TableKeys}.
 *
 * @param profiles    subscriber profiles by {@code msisdn}
 * @param usage       usage per subscriber-day, route statistics per hour, and the record claims that keep
 *                    them exactly-once ({@code pk}, {@code sk})
 * @param manifests   one item per object version (OBJ-1, OBJ-2)
 * @param deadLetters rejected records by content key, with their original bytes (CDR-3)
 * @param errors      the error log, with a GSI on function name + time (MON-2)
 * @param fraud       the fraud rules' calls, day usage and alerts, with a sparse GSI of pending alerts (CDR-10)
 */
public record DynamoTables(String profiles, String usage, String manifests, String deadLetters, String errors, String fraud) {

    public DynamoTables {
        for (String n : new String[] {profiles, usage, manifests, deadLetters, errors, fraud}) {
            if (n == null || !n.matches("[a-zA-Z0-9_.-]{3,255}")) {
                throw new IllegalArgumentException("Invalid DynamoDB table name: " + n);
            }
        }
    }

    /** Names with a common prefix, as the local runtime and the tests create them. */
    public static DynamoTables prefixed(String prefix) {
        return new DynamoTables(prefix + TableKeys.PROFILES, prefix + TableKeys.USAGE, prefix + TableKeys.MANIFESTS,
                prefix + TableKeys.DEAD_LETTERS, prefix + TableKeys.ERRORS, prefix + TableKeys.FRAUD);
    }

    /**
     * From environment variables; a missing one is an error naming the variable (a deployment mistake should
     * fail the first invocation loudly, not write somewhere else).
     */
    public static DynamoTables fromEnvironment(Function<String, String> env) {
        return new DynamoTables(required(env, FunctionEnvironment.PROFILES_TABLE), required(env, FunctionEnvironment.USAGE_TABLE), required(env, FunctionEnvironment.MANIFESTS_TABLE),
                required(env, FunctionEnvironment.DEAD_LETTERS_TABLE), required(env, FunctionEnvironment.ERRORS_TABLE),
                required(env, FunctionEnvironment.FRAUD_TABLE));
    }

    public Map<String, String> asEnvironment() {
        return Map.of(FunctionEnvironment.PROFILES_TABLE, profiles, FunctionEnvironment.USAGE_TABLE, usage, FunctionEnvironment.MANIFESTS_TABLE, manifests, FunctionEnvironment.DEAD_LETTERS_TABLE, deadLetters,
                FunctionEnvironment.ERRORS_TABLE, errors, FunctionEnvironment.FRAUD_TABLE, fraud);
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
