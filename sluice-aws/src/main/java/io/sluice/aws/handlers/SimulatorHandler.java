package io.sluice.aws.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.aws.dynamodb.DynamoDbErrorLog;
import io.sluice.core.contracts.FunctionEnvironment;
import io.sluice.core.monitoring.FunctionMetrics;
import io.sluice.core.monitoring.Instrumentation;
import io.sluice.core.monitoring.SyntheticLoad;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;

/**
 * The simulator function of a non-production environment (MON-6; issue 19; {@code -c simulator=true}): a schedule
 * invokes it once a minute, and it invokes itself asynchronously {@code SLUICE_SIMULATOR_INVOCATIONS} times; each of
 * those is one synthetic invocation through the core instrumentation ({@link SyntheticLoad}: a log-normal duration of
 * {@code SLUICE_SIMULATOR_LATENCY_MS} "P50,P99", failing with probability {@code SLUICE_SIMULATOR_ERROR_RATE}, 0.07 by
 * default). A failure is thrown, so Lambda counts it in its Errors metric and the function's standing alarms
 * (error rate, p99, throttles) fire and clear as they would for a real one, and its error record goes to the error
 * table. Asynchronous retries are off for it (the CDK app sets 0), so an error is counted once.
 */
public final class SimulatorHandler implements RequestStreamHandler {
    static final int MAX_INVOCATIONS = 1_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Starts one synthetic invocation of this function, asynchronously. */
    @FunctionalInterface
    public interface Invoker {
        void invokeAsync(String function, byte[] payload);
    }

    private final Instrumentation instrumentation;
    private final Invoker invoker;
    private final SyntheticLoad load;
    private final int perRun;
    private final RandomGenerator random;
    private final PrintStream log;

    /** What Lambda calls: the error table and the settings from the environment. */
    public SimulatorHandler() {
        this(new Instrumentation(FunctionMetrics.NONE, new DynamoDbErrorLog(
                        DynamoDbClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build(),
                        OperatorRequest.required(FunctionEnvironment.ERRORS_TABLE), new SecureRandom())),
                lambda(), settings(System.getenv()), invocations(System.getenv()), new SplittableRandom(), System.out);
    }

    public SimulatorHandler(Instrumentation instrumentation, Invoker invoker, SyntheticLoad load, int perRun,
                            RandomGenerator random, PrintStream log) {
        this.instrumentation = instrumentation;
        this.invoker = invoker;
        this.load = load;
        this.perRun = perRun;
        this.random = random;
        this.log = log;
    }

    private static Invoker lambda() {
        LambdaClient client = LambdaClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build();
        return (function, payload) -> client.invoke(b -> b.functionName(function).invocationType(InvocationType.EVENT)
                .payload(SdkBytes.fromByteArray(payload)));
    }

    static SyntheticLoad settings(java.util.Map<String, String> env) {
        double errorRate = Double.parseDouble(Optional.ofNullable(env.get(FunctionEnvironment.SIMULATOR_ERROR_RATE)).orElse("0.07"));
        return SyntheticLoad.of(errorRate, Optional.ofNullable(env.get(FunctionEnvironment.SIMULATOR_LATENCY_MS)).orElse("20,120"));
    }

    static int invocations(java.util.Map<String, String> env) {
        int n = Integer.parseInt(Optional.ofNullable(env.get(FunctionEnvironment.SIMULATOR_INVOCATIONS)).orElse("100"));
        if (n < 1 || n > MAX_INVOCATIONS) {
            throw new IllegalArgumentException(FunctionEnvironment.SIMULATOR_INVOCATIONS + " is 1 to " + MAX_INVOCATIONS + ", was " + n);
        }
        return n;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        byte[] event = input.readAllBytes();
        JsonNode e = event.length == 0 ? JSON.createObjectNode() : JSON.readTree(event);
        String function = context != null && context.getFunctionName() != null ? context.getFunctionName() : "simulator";
        if (e != null && e.has("simulated")) {
            long seq = e.path("simulated").asLong();
            long nanos = load.durationNanos(random);
            boolean fails = load.fails(random);
            instrumentation.invoke(function, () -> new String(event, StandardCharsets.UTF_8), call -> {
                load.run(seq, nanos, fails); // throws SimulatedFailure: Lambda counts the error
                return null;
            });
            output.write("{\"simulated\":true}".getBytes(StandardCharsets.UTF_8));
            return;
        }
        // The schedule's event (or a hand-made one): start this minute's synthetic invocations.
        // Through the ARN it was invoked by (the alias live), so that the synthetic invocations run the same version.
        String self = context != null && context.getInvokedFunctionArn() != null ? context.getInvokedFunctionArn() : function;
        for (int i = 0; i < perRun; i++) {
            invoker.invokeAsync(self, ("{\"simulated\":" + i + "}").getBytes(StandardCharsets.UTF_8));
        }
        log.println(new InvocationLog().metric("SimulatedInvocationsStarted", perRun).field("error_rate", Double.toString(load.errorRate()))
                .render(function, System.currentTimeMillis()));
        output.write(("{\"started\":" + perRun + "}").getBytes(StandardCharsets.UTF_8));
    }
}
