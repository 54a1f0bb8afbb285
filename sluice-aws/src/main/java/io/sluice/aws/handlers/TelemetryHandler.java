package io.sluice.aws.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.aws.Backoff;
import io.sluice.aws.alerts.SnsNotifier;
import io.sluice.aws.archive.FirehoseArchive;
import io.sluice.aws.archive.TelemetryRows;
import io.sluice.aws.dynamodb.DynamoDbDevices;
import io.sluice.aws.dynamodb.DynamoDbErrorLog;
import io.sluice.aws.dynamodb.DynamoDbTelemetryStore;
import io.sluice.aws.dynamodb.DynamoDbThresholdState;
import io.sluice.aws.secrets.CachedSecrets;
import io.sluice.core.contracts.FunctionEnvironment;
import io.sluice.core.monitoring.FunctionMetrics;
import io.sluice.core.monitoring.Instrumentation;
import io.sluice.core.pipeline.Notifier;
import io.sluice.core.telemetry.DeviceTokens;
import io.sluice.core.telemetry.TelemetryAlert;
import io.sluice.core.telemetry.TelemetryBatchProcessor;
import io.sluice.core.telemetry.TelemetryConfig;
import io.sluice.core.telemetry.TelemetryRequests;
import io.sluice.core.telemetry.ThresholdEvaluator;
import io.sluice.core.telemetry.ThresholdRule;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The telemetry function (IOT-1..IOT-5, IOT-7; issue 18): an API Gateway HTTP API (payload format 2.0) invokes it for
 * {@code POST /v1/telemetry} (the header {@code x-api-key} against the secret in Secrets Manager, cached and read again
 * when a key stops matching, so a rotation takes effect at once) and {@code POST /api/v1/{token}/telemetry}
 * (ThingsBoard's device API, the token looked up by its hash in the telemetry table). A thin adapter: what a request is
 * answered is {@link TelemetryRequests}, what a body does is {@link TelemetryBatchProcessor}, the same as in
 * {@code sluice up}. A request's batch is its readings ({@link TelemetryRequests#batchOf}), so one resent after a failure
 * finishes what the failed attempt began and counts nothing twice.
 *
 * <p>A store that cannot be written (DynamoDB, Firehose, Secrets Manager out of reach) is answered 503 with Retry-After and
 * counted as a failed invocation with its error record; nothing of it is acknowledged. The error record never holds the
 * key, the token or the body: only the route, its content type and the body's length (SEC-3).
 */
public final class TelemetryHandler implements RequestStreamHandler {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern THINGSBOARD = Pattern.compile("/api/v1/([^/]+)/telemetry");
    /** A key that stops matching makes the function read the secret again, at most this often. */
    static final Duration REREAD_AFTER = Duration.ofSeconds(30);

    /** The API key as it stands, and read anew (rotation). */
    public interface ApiKey {
        String current();

        String reread();
    }

    private final TelemetryBatchProcessor processor;
    private final DeviceTokens devices;
    private final ApiKey apiKey;
    private final Notifier notifier;
    private final Instrumentation instrumentation;
    private final TelemetryConfig config;
    private final String functionName;
    private final Clock clock;
    private final PrintStream log;

    public TelemetryHandler(TelemetryBatchProcessor processor, DeviceTokens devices, ApiKey apiKey, Notifier notifier,
                            Instrumentation instrumentation, TelemetryConfig config, String functionName, Clock clock, PrintStream log) {
        this.processor = processor;
        this.devices = devices;
        this.apiKey = apiKey;
        this.notifier = notifier;
        this.instrumentation = instrumentation;
        this.config = config;
        this.functionName = functionName;
        this.clock = clock;
        this.log = log;
    }

    /** What Lambda calls: the stores, secret and topic of the function's environment. */
    public TelemetryHandler() {
        this(Shared.INSTANCE);
    }

    private TelemetryHandler(TelemetryHandler wired) {
        this(wired.processor, wired.devices, wired.apiKey, wired.notifier, wired.instrumentation, wired.config, wired.functionName,
                wired.clock, wired.log);
    }

    /** One wiring per container (a Lambda container makes its handler once, SnapStart restores it). */
    private static final class Shared {
        static final TelemetryHandler INSTANCE = fromEnvironment(System::getenv);
    }

    /** The function's wiring from its environment variables ({@link FunctionEnvironment}); a missing one names itself. */
    public static TelemetryHandler fromEnvironment(Function<String, String> env) {
        String table = required(env, FunctionEnvironment.TELEMETRY_TABLE);
        String secretId = required(env, FunctionEnvironment.TELEMETRY_SECRET);
        String stream = required(env, FunctionEnvironment.TELEMETRY_ARCHIVE_STREAM);
        String topic = required(env, FunctionEnvironment.ALERTS_TOPIC);
        String errorsTable = required(env, FunctionEnvironment.ERRORS_TABLE);
        int days = Integer.parseInt(Optional.ofNullable(env.apply(FunctionEnvironment.TELEMETRY_RETENTION_DAYS))
                .orElse(Integer.toString(FunctionEnvironment.DEFAULT_TELEMETRY_RETENTION_DAYS)));
        String name = Optional.ofNullable(env.apply("AWS_LAMBDA_FUNCTION_NAME")).orElse("telemetry");
        DynamoDbClient dynamo = DynamoDbClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build();
        FirehoseArchive firehose = new FirehoseArchive(FirehoseClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build(), stream);
        CachedSecrets secrets = new CachedSecrets(SecretsManagerClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build());
        TelemetryConfig cfg = TelemetryConfig.defaults();
        DynamoDbTelemetryStore store = new DynamoDbTelemetryStore(dynamo, table, Duration.ofDays(days), cfg.maxPast().plusDays(1),
                (batch, readings, at) -> firehose.appendRows(batch, TelemetryRows.render(batch, readings, at)), Clock.systemUTC(),
                Backoff.standard(), 8);
        TelemetryBatchProcessor processor = new TelemetryBatchProcessor(cfg, store, new ThresholdEvaluator(ThresholdRule.DEFAULTS),
                new DynamoDbThresholdState(dynamo, table, Backoff.standard(), 8), store);
        ApiKey key = new ApiKey() {
            @Override
            public String current() {
                return secrets.get(secretId);
            }

            @Override
            public String reread() {
                return secrets.getFresh(secretId, REREAD_AFTER);
            }
        };
        return new TelemetryHandler(processor, new DynamoDbDevices(dynamo, table), key,
                new SnsNotifier(SnsClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build(), topic),
                new Instrumentation(FunctionMetrics.NONE, new DynamoDbErrorLog(dynamo, errorsTable, new SecureRandom())), cfg, name,
                Clock.systemUTC(), System.out);
    }

    private static String required(Function<String, String> env, String name) {
        String v = env.apply(name);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("Environment variable " + name + " is not set (the CDK app sets it)");
        }
        return v;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event;
        try {
            event = JSON.readTree(input);
        } catch (IOException e) {
            event = null;
        }
        JSON.writeValue(output, handle(event));
    }

    /** The HTTP API's event in, its response out ({@code statusCode}, {@code headers}, {@code body}). */
    public Map<String, Object> handle(JsonNode event) {
        Request request = Request.of(event);
        return instrumentation.invoke(functionName, () -> request == null ? "not an HTTP API (2.0) event" : request.describe(), call -> {
            try {
                return answer(request);
            } catch (SdkException | CachedSecrets.SecretUnavailableException | io.sluice.aws.dynamodb.LedgerWriteException
                     | io.sluice.aws.archive.ArchiveDeliveryException e) {
                String id = call.failed(e);
                log.println("{\"level\":\"ERROR\",\"telemetry\":\"not stored\",\"error_id\":\"" + id + "\",\"error\":"
                        + quote(e.getMessage()) + "}");
                return response(503, Map.of("error", "the readings could not be stored (error " + id + "); nothing of this request "
                        + "is acknowledged: send the same body again"), Map.of("retry-after", "5"));
            }
        });
    }

    private Map<String, Object> answer(Request r) {
        if (r == null || !"POST".equals(r.method)) {
            return response(404, Map.of("error", "no such resource: POST /v1/telemetry or POST /api/v1/{token}/telemetry"), Map.of());
        }
        TelemetryRequests.Entry entry;
        String device = null;
        Matcher tb = THINGSBOARD.matcher(r.path);
        if (r.path.equals("/v1/telemetry")) {
            entry = TelemetryRequests.Entry.API_KEY;
            String given = r.headers.get("x-api-key");
            if (!matches(apiKey.current(), given) && !(given != null && matches(apiKey.reread(), given))) {
                return refuse(TelemetryRequests.unauthorized(entry, given == null, "the secret named by the stack output TelemetrySecretName"));
            }
        } else if (tb.matches()) {
            entry = TelemetryRequests.Entry.THINGSBOARD;
            Optional<String> d = devices.deviceOf(tb.group(1));
            if (d.isEmpty()) {
                return refuse(TelemetryRequests.unauthorized(entry, false, null));
            }
            device = d.get();
        } else {
            return response(404, Map.of("error", "no such resource: POST /v1/telemetry or POST /api/v1/{token}/telemetry"), Map.of());
        }
        long stated = r.contentLength();
        Optional<TelemetryRequests.Refusal> early = TelemetryRequests.beforeReading(entry, r.headers.get("content-type"), stated, config);
        if (early.isPresent()) {
            return refuse(early.get());
        }
        byte[] body;
        try {
            body = r.body();
        } catch (IllegalArgumentException e) {
            return refuse(new TelemetryRequests.Refusal(400, "the body is marked base64 but is not"));
        }
        long now = clock.millis();
        switch (TelemetryRequests.read(entry, body, device, config, now)) {
            case TelemetryRequests.Refused refused -> {
                return refuse(refused.refusal());
            }
            case TelemetryRequests.Accepted accepted -> {
                TelemetryBatchProcessor.Outcome out = processor.process(TelemetryRequests.batchOf(entry, device, accepted.parsed()), accepted.parsed());
                for (TelemetryAlert a : out.alerts()) {
                    try {
                        notifier.notify(TelemetryRequests.alert(a));
                    } catch (RuntimeException e) {
                        log.println("{\"level\":\"ERROR\",\"telemetry\":\"threshold alert not sent\",\"rule\":\"" + a.rule() + "\",\"error\":"
                                + quote(e.getMessage()) + "}");
                    }
                }
                return response(200, TelemetryRequests.answer(out), Map.of());
            }
        }
    }

    private static String quote(String s) {
        try {
            return JSON.writeValueAsString(String.valueOf(s));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return "\"?\"";
        }
    }

    private static boolean matches(String expected, String given) {
        return given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, Object> refuse(TelemetryRequests.Refusal refusal) {
        return response(refusal.status(), Map.of("error", refusal.message()), Map.of());
    }

    private static Map<String, Object> response(int status, Map<String, Object> body, Map<String, String> headers) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put("content-type", "application/json");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("statusCode", status);
        out.put("headers", h);
        try {
            out.put("body", JSON.writeValueAsString(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("an answer of plain values did not render", e);
        }
        out.put("isBase64Encoded", false);
        return out;
    }

    /** The parts of an HTTP API (2.0) event the function reads; null for an event of another shape. */
    private record Request(String method, String path, Map<String, String> headers, String rawBody, boolean base64) {
        static Request of(JsonNode e) {
            if (e == null || !e.path("rawPath").isTextual()) {
                return null;
            }
            Map<String, String> headers = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = e.path("headers").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> h = it.next();
                headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue().asText());
            }
            JsonNode body = e.path("body");
            return new Request(e.path("requestContext").path("http").path("method").asText(""), e.path("rawPath").asText(), headers,
                    body.isTextual() ? body.asText() : "", e.path("isBase64Encoded").asBoolean(false));
        }

        byte[] body() {
            return base64 ? Base64.getDecoder().decode(rawBody) : rawBody.getBytes(StandardCharsets.UTF_8);
        }

        long contentLength() {
            try {
                return Long.parseLong(headers.getOrDefault("content-length", "-1").strip());
            } catch (NumberFormatException e) {
                return -1;
            }
        }

        /** For the error record: never the key, the token or the body (SEC-3). */
        String describe() {
            String route = THINGSBOARD.matcher(path).matches() ? "/api/v1/{token}/telemetry" : path;
            return method + " " + route + " content-type=" + headers.getOrDefault("content-type", "") + " body-length=" + rawBody.length();
        }
    }
}
