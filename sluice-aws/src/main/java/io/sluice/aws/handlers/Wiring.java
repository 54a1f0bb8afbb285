package io.sluice.aws.handlers;

import io.sluice.aws.Backoff;
import io.sluice.core.pipeline.ErrorLog;
import io.sluice.aws.archive.FirehoseArchive;
import io.sluice.aws.dynamodb.DynamoDbDeadLetters;
import io.sluice.aws.alerts.SnsNotifier;
import io.sluice.aws.dynamodb.DynamoDbErrorLog;
import io.sluice.aws.dynamodb.DynamoDbFraudState;
import io.sluice.core.fraud.FraudAlerts;
import io.sluice.core.fraud.FraudDetector;
import io.sluice.core.fraud.FraudRules;
import io.sluice.core.fraud.FraudState;
import io.sluice.core.pipeline.Notifier;
import io.sluice.core.pipeline.CommitStrategy;
import io.sluice.aws.dynamodb.DynamoDbLedger;
import io.sluice.aws.dynamodb.DynamoDbInputManifest;
import io.sluice.aws.dynamodb.DynamoDbProfileStore;
import io.sluice.aws.dynamodb.DynamoTables;
import io.sluice.aws.dynamodb.WriteMeter;
import io.sluice.aws.objects.ObjectIngest;
import io.sluice.core.intake.InputManifest;
import io.sluice.core.pipeline.memory.InMemoryInputManifest;
import io.sluice.aws.objects.LazyObjectSource;
import io.sluice.aws.objects.ObjectSource;
import io.sluice.aws.objects.S3ObjectSource;
import io.sluice.core.contracts.FunctionEnvironment;
import io.sluice.core.pipeline.Archive;
import io.sluice.core.pipeline.CachingProfileStore;
import io.sluice.core.pipeline.CdrBatchProcessor;
import io.sluice.core.pipeline.CdrPipelineConfig;
import io.sluice.core.pipeline.DeadLetters;
import io.sluice.core.pipeline.ProfileStore;
import io.sluice.core.pipeline.RecordLedger;
import io.sluice.core.pipeline.memory.InMemoryStores;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.function.Function;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * Everything a function needs, built once per container (cold start, INF-9): the SDK clients with the light
 * URLConnection HTTP client, the adapters, the core processor. The handlers take a {@code Wiring}, so tests,
 * benchmarks and {@code sluice invoke} hand them other adapters (in-memory fakes, DynamoDB Local, folders).
 *
 * <p>Settings come from the environment the CDK app sets (never a reserved name: INF-5): the table names of
 * {@link DynamoTables}, {@code SLUICE_ARCHIVE_STREAM}, and optionally {@code SLUICE_SOURCE_ZONE},
 * {@code SLUICE_DEFAULT_COUNTRY}, {@code SLUICE_MAX_OBJECT_BYTES}, {@code SLUICE_PROFILE_CACHE_SECONDS},
 * {@code SLUICE_FRAUD_RULES} (the fraud rules of CDR-10: {@code off}, or rules-file pairs separated by {@code ;}) and
 * {@code SLUICE_ALERTS_TOPIC_ARN} (the SNS topic fraud alerts go to).
 * The names are {@link FunctionEnvironment}'s. The region and credentials are the SDK's defaults (AWS_REGION and the role, read, never set).
 */
public record Wiring(CdrBatchProcessor processor, DeadLetters deadLetters, InputManifest manifests, ObjectSource objects,
                     ErrorLog errors, WriteMeter meter, long maxObjectBytes, String functionName, FraudState fraudState,
                     Notifier notifier) {

    /**
     * The instrumentation the handlers run in (MON-1, MON-2), the same wrapper as on one machine: an error record on
     * failure. Lambda itself counts invocations, errors, duration and throttles (the AWS/Lambda metrics the alarms read),
     * so no metric is sent from here beyond the EMF line each handler prints.
     */
    public io.sluice.core.monitoring.Instrumentation instrumentation() {
        return new io.sluice.core.monitoring.Instrumentation(io.sluice.core.monitoring.FunctionMetrics.NONE, errors);
    }

    /** An object's processing lease: a function's longest timeout, after which an abandoned attempt is taken over. */
    public static final long OBJECT_LEASE_SECONDS = 15 * 60;
    static final int OBJECT_CHUNK_RECORDS = 5_000;

    private static volatile Wiring fromEnvironment;

    /** The container's wiring, built at the first call (or during SnapStart's init) and kept. */
    public static Wiring shared() {
        Wiring w = fromEnvironment;
        if (w == null) {
            synchronized (Wiring.class) {
                w = fromEnvironment;
                if (w == null) {
                    w = fromEnvironment(System::getenv);
                    fromEnvironment = w;
                }
            }
        }
        return w;
    }

    public static Wiring fromEnvironment(Function<String, String> env) {
        DynamoTables tables = DynamoTables.fromEnvironment(env);
        String stream = env.apply(FunctionEnvironment.ARCHIVE_STREAM);
        if (stream == null || stream.isBlank()) {
            throw new IllegalStateException("Environment variable " + FunctionEnvironment.ARCHIVE_STREAM + " is not set: the function does not know "
                    + "its Firehose delivery stream (the CDK app sets it)");
        }
        UrlConnectionHttpClient.Builder http = UrlConnectionHttpClient.builder();
        // The region as Lambda sets it (read, never set: INF-5); the SDK's provider chain is slower to start.
        String regionName = env.apply("AWS_REGION");
        Region region = regionName == null || regionName.isBlank() ? null : Region.of(regionName);
        DynamoDbClient dynamo = DynamoDbClient.builder().httpClientBuilder(http).region(region).build();
        FirehoseClient firehose = FirehoseClient.builder().httpClientBuilder(http).region(region).build();
        // Only the object function reads S3: its client is built at the first object, not in every cold start.
        ObjectSource s3 = new LazyObjectSource(() -> new S3ObjectSource(S3Client.builder().httpClientBuilder(http).region(region).build()));
        WriteMeter meter = new WriteMeter();
        ProfileStore profiles = new CachingProfileStore(new DynamoDbProfileStore(dynamo, tables.profiles()), 200_000,
                Duration.ofSeconds(longSetting(env, FunctionEnvironment.PROFILE_CACHE_SECONDS, FunctionEnvironment.DEFAULT_PROFILE_CACHE_SECONDS)));
        FraudRules rules = fraudRules(env);
        String topic = env.apply(FunctionEnvironment.ALERTS_TOPIC);
        // Only a function that raised an alert publishes: the SNS client is built at the first alert.
        Notifier notifier = topic == null || topic.isBlank() ? null : new LazyNotifier(
                () -> new SnsNotifier(SnsClient.builder().httpClientBuilder(http).region(region).build(), topic.trim()));
        return of(config(env), profiles, new DynamoDbLedger(dynamo, tables.usage(), meter), new FirehoseArchive(firehose, stream),
                new DynamoDbDeadLetters(dynamo, tables.deadLetters(), Backoff.standard(), 8, meter),
                new DynamoDbInputManifest(dynamo, tables.manifests()), s3,
                new DynamoDbErrorLog(dynamo, tables.errors(), new SecureRandom()), meter,
                longSetting(env, FunctionEnvironment.MAX_OBJECT_BYTES, FunctionEnvironment.DEFAULT_MAX_OBJECT_BYTES),
                env.apply("AWS_LAMBDA_FUNCTION_NAME") == null ? "sluice" : env.apply("AWS_LAMBDA_FUNCTION_NAME"),
                rules, rules == null ? null : new DynamoDbFraudState(dynamo, tables.fraud(), Clock.systemUTC(), meter), notifier);
    }

    /** Without fraud rules. */
    public static Wiring of(CdrPipelineConfig config, ProfileStore profiles, RecordLedger ledger, Archive archive,
                            DeadLetters deadLetters, InputManifest manifests, ObjectSource objects, ErrorLog errors,
                            WriteMeter meter, long maxObjectBytes, String functionName) {
        return of(config, profiles, ledger, archive, deadLetters, manifests, objects, errors, meter, maxObjectBytes, functionName,
                null, null, null);
    }

    /**
     * With the fraud rules of CDR-10 ({@code rules} over {@code fraudState}; both null for none) and the notifier their
     * alerts go to (null: stored, not sent).
     */
    public static Wiring of(CdrPipelineConfig config, ProfileStore profiles, RecordLedger ledger, Archive archive,
                            DeadLetters deadLetters, InputManifest manifests, ObjectSource objects, ErrorLog errors,
                            WriteMeter meter, long maxObjectBytes, String functionName, FraudRules rules,
                            FraudState fraudState, Notifier notifier) {
        FraudDetector detector = rules == null || fraudState == null ? null : new FraudDetector(rules, fraudState);
        return new Wiring(new CdrBatchProcessor(config, profiles, new CommitStrategy.ThroughLedger(ledger), archive, deadLetters,
                detector), deadLetters, manifests, objects, errors, meter, maxObjectBytes, functionName,
                detector == null ? null : fraudState, notifier);
    }

    /**
     * The fraud rules of {@code SLUICE_FRAUD_RULES}: null when {@code off}, every rule at its default when unset, else
     * the rules file's {@code key=value} pairs separated by {@code ;}. A mistake is an error naming the variable.
     */
    static FraudRules fraudRules(Function<String, String> env) {
        String v = env.apply(FunctionEnvironment.FRAUD_RULES);
        if (v == null || v.isBlank()) {
            return FraudRules.defaults();
        }
        if (v.strip().equalsIgnoreCase("off")) {
            return null;
        }
        java.util.Map<String, String> pairs = new java.util.LinkedHashMap<>();
        for (String part : v.split(";")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new IllegalStateException("Environment variable " + FunctionEnvironment.FRAUD_RULES
                        + ": expected 'key=value' pairs separated by ';' or 'off', not '" + part.strip() + "'");
            }
            pairs.put(part.substring(0, eq).strip(), part.substring(eq + 1).strip());
        }
        try {
            return FraudRules.parse(pairs);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("Environment variable " + FunctionEnvironment.FRAUD_RULES + ": " + e.getMessage(), e);
        }
    }

    /**
     * Sends the fraud alerts that owe a notification (CDR-10), after the batch that raised them committed. Never
     * throws: a topic that cannot be reached must not fail ingestion, so the failure is logged and recorded, and what
     * is still owed goes out at the next invocation.
     *
     * @return the notifications sent
     */
    public int deliverAlerts(java.io.PrintStream log) {
        if (fraudState == null || notifier == null) {
            return 0;
        }
        long started = System.nanoTime();
        FraudAlerts.Delivery d;
        try {
            d = FraudAlerts.deliver(fraudState, notifier);
        } catch (RuntimeException e) {
            d = new FraudAlerts.Delivery(0, e);
        }
        if (d.failure() != null) {
            String id = errors.record(functionName, java.time.Instant.now(), d.failure(), (System.nanoTime() - started) / 1_000_000,
                    "fraud alert delivery");
            log.println(new InvocationLog().metric("FraudAlertsSent", d.sent()).metric("FraudAlertsFailed", 1)
                    .field("error", "fraud alerts not sent (retried at the next invocation): " + d.failure())
                    .field("error_id", id).render(functionName, System.currentTimeMillis()));
        }
        return d.sent();
    }

    /** A notifier built at its first alert. */
    private static final class LazyNotifier implements Notifier {
        private final java.util.function.Supplier<Notifier> make;
        private volatile Notifier made;

        LazyNotifier(java.util.function.Supplier<Notifier> make) {
            this.make = make;
        }

        @Override
        public void notify(Alert alert) {
            Notifier n = made;
            if (n == null) {
                synchronized (this) {
                    n = made;
                    if (n == null) {
                        n = make.get();
                        made = n;
                    }
                }
            }
            n.notify(alert);
        }
    }

    /**
     * Every port in memory (objects cannot be read, errors are dropped): for SnapStart priming, benchmarks of the
     * handlers' own cost, and cold-start measurements.
     */
    public static Wiring overMemory(CdrPipelineConfig config, InMemoryStores stores, String functionName) {
        return of(config, stores, stores, stores, stores, new InMemoryInputManifest(), o -> {
            throw new IllegalStateException(functionName + " reads no object");
        }, (fn, at, e, ms, ev) -> "not-recorded", new WriteMeter(), 1, functionName);
    }

    public static CdrPipelineConfig config(Function<String, String> env) {
        CdrPipelineConfig c = CdrPipelineConfig.defaults();
        String zone = env.apply(FunctionEnvironment.SOURCE_ZONE);
        if (zone != null && !zone.isBlank()) {
            c = c.withSourceZone(ZoneId.of(zone));
        }
        String country = env.apply(FunctionEnvironment.DEFAULT_COUNTRY);
        if (country != null && !country.isBlank()) {
            c = c.withDefaultCountry(country);
        }
        String template = env.apply(FunctionEnvironment.FREESWITCH_TEMPLATE);
        if (template != null && !template.isBlank()) {
            c = c.withFreeSwitchTemplate(io.sluice.core.cdr.FreeSwitchTemplate.parse(template));
        }
        return c;
    }

    public ObjectIngest objectIngest() {
        return new ObjectIngest(processor, manifests, objects, maxObjectBytes, OBJECT_CHUNK_RECORDS, OBJECT_LEASE_SECONDS,
                Clock.systemUTC());
    }

    private static long longSetting(Function<String, String> env, String name, long dflt) {
        String v = env.apply(name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException("Environment variable " + name + " must be a whole number, not '" + v + "'");
        }
    }
}
