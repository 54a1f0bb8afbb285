package io.sluice.tools;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.sluice.aws.Backoff;
import io.sluice.aws.archive.FolderArchive;
import io.sluice.aws.dynamodb.DynamoDbDeadLetters;
import io.sluice.aws.dynamodb.DynamoDbErrorLog;
import io.sluice.aws.dynamodb.DynamoDbLedger;
import io.sluice.aws.dynamodb.DynamoDbInputManifest;
import io.sluice.aws.dynamodb.DynamoDbProfileStore;
import io.sluice.aws.dynamodb.DynamoTables;
import io.sluice.aws.dynamodb.TableSchemas;
import io.sluice.aws.dynamodb.WriteMeter;
import io.sluice.aws.events.BatchResponses;
import io.sluice.aws.handlers.CdrObjectHandler;
import io.sluice.aws.handlers.CdrStreamHandler;
import io.sluice.aws.handlers.Wiring;
import io.sluice.aws.objects.FolderObjectSource;
import io.sluice.local.cli.ExitCodes;
import io.sluice.local.cli.StoreOptions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * {@code sluice invoke}: runs a real Lambda handler class in this process against local stand-ins of its AWS
 * services, and prints the handler's response, like {@code sam local invoke} without Docker or an account.
 */
@Command(name = "invoke", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Run a Lambda handler on an event file, locally, and print its response.",
            "The real handler class runs in this process with local backends instead of AWS; for Kinesis and",
            "SQS events the response lists the batchItemFailures AWS would retry.",
            "",
            "Functions: stream (CdrStreamHandler, Kinesis events) and object (CdrObjectHandler, SQS events",
            "carrying S3 notifications, or EventBridge 'Object Created' events). Sample events: docs/events/.",
            "The redrive function needs a real SQS queue: use 'sluice redrive' instead.",
            "",
            "Backends, kept between runs under <data-dir>/aws-local/:",
            "  dynamodb.db  DynamoDB Local, embedded: profiles, usage, claims, manifests, dead letters, errors",
            "  s3/          objects, as s3/<bucket>/<key> (put the file there before invoking 'object')",
            "  archive/     what Firehose would receive: JSON lines under dt=YYYY-MM-DD/",
            "--data-dir holds only aws-local/ here; --source-zone and --default-country play the role of",
            "the functions' SLUICE_SOURCE_ZONE and SLUICE_DEFAULT_COUNTRY (other SLUICE_* settings are not read).",
            "The handler's log line (JSON, with its embedded metrics) goes to standard error.",
            "Rejected records do not make the exit code 3 here: the handler acknowledges them (dead letters)."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:The handler returned and reported no failed item.",
            "1:The handler threw (a malformed event, a backend failure): the message says where and why.",
            "2:Usage error: unknown function or option, or no --event.",
            "3:The handler returned with failed items (they would be retried by AWS)."
        })
public final class InvokeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FUNCTION", description = "stream or object (or its handler class name, e.g. CdrStreamHandler).")
    String function;

    @Option(names = "--event", paramLabel = "FILE.json", required = true, description = "The event, as AWS would deliver it.")
    Path event;

    @Mixin
    StoreOptions options = new StoreOptions();

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        String fn = function.toLowerCase(Locale.ROOT);
        boolean stream = fn.equals("stream") || fn.endsWith("cdrstreamhandler");
        boolean object = fn.equals("object") || fn.endsWith("cdrobjecthandler");
        if (!stream && !object) {
            err.println("sluice: unknown function '" + function + "': use stream (CdrStreamHandler) or object (CdrObjectHandler)");
            return ExitCodes.USAGE;
        }
        if (!Files.isRegularFile(event)) {
            err.println("sluice: " + (Files.isDirectory(event) ? event.toAbsolutePath() + " is a folder, not an event file"
                    : "no event file " + event.toAbsolutePath()) + " (samples are in docs/events/)");
            return ExitCodes.USAGE;
        }
        byte[] eventBytes = Files.readAllBytes(event);
        io.sluice.core.pipeline.CdrPipelineConfig config;
        try {
            config = options.pipelineConfig();
            new io.sluice.core.cdr.PhoneNumberNormalizer(config.defaultCountry(), 1); // a region libphonenumber knows
        } catch (IllegalArgumentException e) {
            err.println("sluice: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        Path home = options.dataDir().resolve("aws-local");
        Files.createDirectories(home);
        // DynamoDB Local's SQLite file takes one process at a time: a second invoke says so instead of failing in SQLite.
        try (java.nio.channels.FileChannel lockFile = java.nio.channels.FileChannel.open(home.resolve("invoke.lock"),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
             java.nio.channels.FileLock lock = lockFile.tryLock()) {
            if (lock == null) {
                err.println("sluice: another 'sluice invoke' is using " + home.toAbsolutePath() + "; wait for it or use another --data-dir");
                return ExitCodes.FAILED;
            }
            return invoke(stream, eventBytes, home, config, err);
        }
    }

    private int invoke(boolean stream, byte[] eventBytes, Path home, io.sluice.core.pipeline.CdrPipelineConfig config, PrintWriter err)
            throws IOException {
        useBundledSqliteLibrary();
        java.util.Set<Thread> before = java.util.Set.copyOf(Thread.getAllStackTraces().keySet());
        // true: telemetry off (no usage report to AWS, no dynamodb-local-metadata.json in the working directory).
        AmazonDynamoDBLocal dynamoLocal = DynamoDBEmbedded.create(home.resolve("dynamodb.db").toAbsolutePath().toFile(), true);
        try {
            DynamoDbClient dynamo = dynamoLocal.dynamoDbClient();
            DynamoTables tables = DynamoTables.prefixed("sluice-");
            TableSchemas.createAll(dynamo, tables);
            WriteMeter meter = new WriteMeter();
            String name = "sluice-invoke-" + (stream ? "stream" : "object");
            Wiring wiring = Wiring.of(config, new DynamoDbProfileStore(dynamo, tables.profiles()),
                    new DynamoDbLedger(dynamo, tables.usage(), meter), new FolderArchive(home.resolve("archive")),
                    new DynamoDbDeadLetters(dynamo, tables.deadLetters(), Backoff.standard(), 8, meter),
                    new DynamoDbInputManifest(dynamo, tables.manifests()), new FolderObjectSource(home.resolve("s3")),
                    new DynamoDbErrorLog(dynamo, tables.errors(), new SecureRandom()), meter, io.sluice.core.contracts.FunctionEnvironment.DEFAULT_MAX_OBJECT_BYTES, name,
                    // CDR-10: the default rules over their DynamoDB state, as deployed; an alert is printed where SNS would send it.
                    io.sluice.core.fraud.FraudRules.defaults(),
                    new io.sluice.aws.dynamodb.DynamoDbFraudState(dynamo, tables.fraud(), java.time.Clock.systemUTC(), meter),
                    new io.sluice.local.alerts.ConsoleNotifier(line -> err.println("sluice: fraud alert: " + line)));
            // The handler's JSON log line goes to stderr as Lambda would log it, and is kept for the readable summary.
            ByteArrayOutputStream logged = new ByteArrayOutputStream();
            java.io.OutputStream stderr = new java.io.FileOutputStream(java.io.FileDescriptor.err);
            PrintStream log = new PrintStream(new java.io.OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    stderr.write(b);
                    logged.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    stderr.write(b, off, len);
                    logged.write(b, off, len);
                }
            }, true, StandardCharsets.UTF_8);
            RequestStreamHandler handler = stream ? new CdrStreamHandler(wiring, log) : new CdrObjectHandler(wiring, log);
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            try {
                handler.handleRequest(new ByteArrayInputStream(eventBytes), response, null);
            } catch (RuntimeException e) {
                err.println("sluice: " + handler.getClass().getSimpleName() + " threw " + e.getClass().getSimpleName() + ": " + e.getMessage());
                return ExitCodes.FAILED;
            }
            String json = response.toString(StandardCharsets.UTF_8);
            // A handler invoked directly (EventBridge) answers nothing: Lambda reports that payload as null.
            spec.commandLine().getOut().println(json.isEmpty() ? "null" : json);
            spec.commandLine().getOut().flush();
            List<String> failed = json.isEmpty() ? List.of() : BatchResponses.read(new ByteArrayInputStream(response.toByteArray()));
            err.println(summary(stream, logged.toString(StandardCharsets.UTF_8), failed.size()));
            return failed.isEmpty() ? ExitCodes.OK : ExitCodes.REJECTED;
        } finally {
            dynamoLocal.shutdown();
            awaitSqliteQueues(before);
        }
    }

    /**
     * One readable line from the handler's JSON log line (its EMF metrics), as {@code sluice ingest} ends (issue 22):
     * {@code sluice: invoke stream: records in 4  accepted 3  rejected 1  duplicates 0  failed items 0}.
     */
    static String summary(boolean stream, String logged, int failedItems) {
        com.fasterxml.jackson.databind.JsonNode line = null;
        for (String l : logged.split("\n")) {
            try {
                com.fasterxml.jackson.databind.JsonNode n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(l);
                if (n != null && n.has("RecordsIn")) {
                    line = n;
                }
            } catch (IOException e) {
                // not a JSON line
            }
        }
        if (line == null) {
            return "sluice: invoke " + (stream ? "stream" : "object") + ": the handler logged no counts";
        }
        StringBuilder b = new StringBuilder("sluice: invoke " + (stream ? "stream" : "object") + ": ");
        if (!stream) {
            b.append("objects ").append(line.path("Objects").asLong()).append(" (processed ").append(line.path("ObjectsProcessed").asLong())
                    .append(", already done ").append(line.path("ObjectsAlreadyDone").asLong()).append(", rejected ")
                    .append(line.path("ObjectsRejected").asLong()).append(", failed ").append(line.path("ObjectsFailed").asLong())
                    .append(", events ignored ").append(line.path("EventsIgnored").asLong()).append(", malformed ")
                    .append(line.path("EventsMalformed").asLong()).append(")  ");
        }
        b.append("records in ").append(line.path("RecordsIn").asLong()).append("  accepted ").append(line.path("Accepted").asLong())
                .append("  rejected ").append(line.path("Rejected").asLong()).append("  duplicates ").append(line.path("Duplicates").asLong());
        if (stream) {
            b.append("  failed items ").append(failedItems);
        }
        if (line.has("error")) {
            b.append("  error: ").append(line.path("error").asText());
        }
        return b.toString();
    }

    /**
     * DynamoDB Local's shutdown stops its SQLite queue without waiting for it (SQLiteDBAccess.close calls
     * SQLiteQueue.stop(true), not join), so the queue thread can still hold dynamodb.db when a next invoke in the
     * same JVM opens it. Wait for the queue threads this invoke started.
     */
    private static void awaitSqliteQueues(java.util.Set<Thread> before) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (!before.contains(t) && t.getName().startsWith("SQLiteQueue[")) {
                try {
                    t.join(java.time.Duration.ofSeconds(30));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** sqlite4java loads its native library from a folder: the one the build puts beside the jar, unless set. */
    private static void useBundledSqliteLibrary() {
        if (System.getProperty("sqlite4java.library.path") != null) {
            return;
        }
        try {
            Path jar = Path.of(InvokeCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path dir = jar.getParent().resolve("lib").resolve("native"); // target/classes or target/sluice.jar
            System.setProperty("sqlite4java.library.path", dir.toString());
        } catch (java.net.URISyntaxException | RuntimeException e) {
            // Leave it unset: sqlite4java then searches java.library.path and says so if it fails.
        }
    }
}
