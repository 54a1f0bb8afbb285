package io.sluice.bench;

import io.sluice.aws.handlers.CdrStreamHandler;
import io.sluice.aws.handlers.Wiring;
import io.sluice.core.pipeline.CdrPipelineConfig;
import io.sluice.core.pipeline.memory.InMemoryStores;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Cold start of the Kinesis function in a fresh JVM (issue 4 goal: under 1 s without SnapStart): from the JVM's
 * start to the first event answered. Run it with the shaded Lambda jar on the class path, one JVM per
 * measurement (sluice-bench/run-coldstart.sh). Modes:
 * <ul>
 *   <li>{@code memory}: the handler over in-memory ports: class loading, the core's set-up and the first event.</li>
 *   <li>{@code clients}: the same, after building the production wiring's SDK clients (DynamoDB, Firehose, S3
 *       with the URLConnection client) as a cold Lambda container does; no call leaves the machine.</li>
 * </ul>
 * Prints one JSON line: milliseconds from JVM start to main, to the handler ready, and to the response.
 */
public final class ColdStart {
    private ColdStart() {
    }

    public static void main(String[] args) throws Exception {
        long mainAt = System.currentTimeMillis();
        Instant jvmStart = ProcessHandle.current().info().startInstant().orElseThrow();
        String mode = args.length > 0 ? args[0] : "memory";
        byte[] event = Files.readAllBytes(Path.of(args.length > 1 ? args[1] : "docs/events/kinesis-asterisk-csv.json"));
        if (mode.equals("clients")) {
            System.setProperty("aws.region", "eu-west-1");
            System.setProperty("aws.accessKeyId", "cold-start");
            System.setProperty("aws.secretAccessKey", "cold-start");
            Map<String, String> env = Map.of("SLUICE_PROFILES_TABLE", "p-dev", "SLUICE_USAGE_TABLE", "u-dev",
                    "SLUICE_MANIFESTS_TABLE", "m-dev", "SLUICE_DEAD_LETTERS_TABLE", "d-dev", "SLUICE_ERRORS_TABLE", "e-dev", "SLUICE_FRAUD_TABLE", "f-dev",
                    "SLUICE_ALERTS_TOPIC_ARN", "arn:aws:sns:eu-west-1:123456789012:alerts-dev",
                    "SLUICE_ARCHIVE_STREAM", "a-dev", "AWS_REGION", "eu-west-1");
            Wiring.fromEnvironment(env::get);
        }
        InMemoryStores stores = new InMemoryStores(false);
        Wiring w = Wiring.overMemory(CdrPipelineConfig.defaults(), stores, "cold-start");
        CdrStreamHandler handler = new CdrStreamHandler(w, new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8));
        long readyAt = System.currentTimeMillis();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event), out, null);
        long answeredAt = System.currentTimeMillis();
        if (!out.toString(StandardCharsets.UTF_8).equals("{\"batchItemFailures\":[]}")) {
            throw new IllegalStateException("unexpected response " + out);
        }
        long start = jvmStart.toEpochMilli();
        System.out.println("{\"mode\":\"" + mode + "\",\"jvm_to_main_ms\":" + (mainAt - start) + ",\"jvm_to_ready_ms\":"
                + (readyAt - start) + ",\"jvm_to_response_ms\":" + (answeredAt - start) + ",\"first_event_ms\":"
                + Duration.ofMillis(answeredAt - readyAt).toMillis() + "}");
    }
}
