package io.sluice.aws.dynamodb;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * DynamoDB Local, in this JVM, serving HTTP on a free port: the adapters talk to it through the real SDK client
 * (URLConnection HTTP client, request signing, the SDK's retries and interceptors), as they talk to DynamoDB.
 * One server per test JVM; every test gets its own tables through a unique prefix.
 */
public final class DynamoDbLocal {
    private static DynamoDBProxyServer server;
    private static URI endpoint;
    private static final AtomicInteger TABLES = new AtomicInteger();

    private DynamoDbLocal() {
    }

    public static synchronized URI endpoint() {
        if (server == null) {
            if (System.getProperty("sqlite4java.library.path") == null) {
                System.setProperty("sqlite4java.library.path", "target/native-libs");
            }
            try {
                int port;
                try (ServerSocket s = new ServerSocket(0)) {
                    port = s.getLocalPort();
                }
                // -disableTelemetry: no usage report to AWS, and no dynamodb-local-metadata.json in the working directory.
                server = ServerRunner.createServerFromCommandLineArgs(new String[] {"-inMemory", "-disableTelemetry", "-port",
                        Integer.toString(port)});
                server.start();
                endpoint = URI.create("http://127.0.0.1:" + port);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        server.stop();
                    } catch (Exception ignored) {
                        // the JVM is exiting
                    }
                }));
            } catch (IOException e) {
                throw new IllegalStateException("Cannot find a free port for DynamoDB Local", e);
            } catch (Exception e) {
                throw new IllegalStateException("DynamoDB Local did not start: " + e, e);
            }
        }
        return endpoint;
    }

    public static DynamoDbClient client(List<ExecutionInterceptor> interceptors) {
        return DynamoDbClient.builder().endpointOverride(endpoint()).region(Region.EU_WEST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> {
                    interceptors.forEach(c::addExecutionInterceptor);
                    // The SDK's own retries on throttling, with test-sized waits and no circuit breaker (its retry
                    // quota would otherwise end a deliberately throttled test early).
                    c.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(10)
                            .backoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofMillis(1), Duration.ofMillis(20)))
                            .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofMillis(1), Duration.ofMillis(20)))
                            .circuitBreakerEnabled(false).build());
                })
                .build();
    }

    public static DynamoDbClient client() {
        return client(List.of());
    }

    /** Fresh tables for one test. */
    public static DynamoTables freshTables(DynamoDbClient client) {
        DynamoTables t = DynamoTables.prefixed("t" + TABLES.incrementAndGet() + "-");
        TableSchemas.createAll(client, t);
        return t;
    }
}
