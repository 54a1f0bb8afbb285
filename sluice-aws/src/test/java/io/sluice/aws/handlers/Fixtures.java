package io.sluice.aws.handlers;

import io.sluice.core.pipeline.ErrorLog;
import io.sluice.aws.dynamodb.WriteMeter;
import io.sluice.core.pipeline.memory.InMemoryInputManifest;
import io.sluice.aws.objects.FolderObjectSource;
import io.sluice.core.cdr.Cdr;
import io.sluice.core.cdr.RecordKey;
import io.sluice.core.pipeline.BatchId;
import io.sluice.core.pipeline.CdrPipelineConfig;
import io.sluice.core.pipeline.RecordLedger;
import io.sluice.core.pipeline.memory.InMemoryStores;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/** Shared pieces of the handler tests: in-memory wiring, sample events, hand-made Kinesis events. */
final class Fixtures {
    static final Path EVENTS = Path.of("..", "docs", "events");

    final InMemoryStores stores = new InMemoryStores();
    final InMemoryInputManifest manifests = new InMemoryInputManifest();
    final List<Throwable> errors = new ArrayList<>();
    final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    final Path bucketRoot;

    Fixtures(Path bucketRoot) {
        this.bucketRoot = bucketRoot;
    }

    Wiring wiring(RecordLedger ledger) {
        ErrorLog errorLog = (fn, at, e, ms, event) -> {
            errors.add(e);
            return "err-" + errors.size();
        };
        return Wiring.of(CdrPipelineConfig.defaults().withDefaultCountry("GB"), stores, ledger, stores, stores, manifests,
                new FolderObjectSource(bucketRoot), errorLog, new WriteMeter(), 10_000_000, "sluice-test-fn");
    }

    Wiring wiring() {
        return wiring(stores);
    }

    /** The wiring with the default fraud rules over {@code fraud}, their alerts sent to {@code notifier}. */
    Wiring wiringWithFraud(RecordLedger ledger, io.sluice.core.fraud.FraudState fraud, io.sluice.core.pipeline.Notifier notifier) {
        ErrorLog errorLog = (fn, at, e, ms, event) -> {
            errors.add(e);
            return "err-" + errors.size();
        };
        return Wiring.of(CdrPipelineConfig.defaults().withDefaultCountry("GB"), stores, ledger, stores, stores, manifests,
                new FolderObjectSource(bucketRoot), errorLog, new WriteMeter(), 10_000_000, "sluice-test-fn",
                io.sluice.core.fraud.FraudRules.defaults(), fraud, notifier);
    }

    /** A usage ledger still throttled after every retry: each commit throws. */
    static RecordLedger ledgerThatStaysDown() {
        return new RecordLedger() {
            @Override
            public Set<RecordKey> claimedByOthers(BatchId batch, Collection<RecordKey> keys) {
                return Set.of();
            }

            @Override
            public Set<RecordKey> claimAndCount(BatchId batch, List<Cdr> accepted, Collection<RecordKey> rejected) {
                throw new IllegalStateException("usage table throttled past the retries (simulated)");
            }
        };
    }

    PrintStream log() {
        return new PrintStream(logged, true, StandardCharsets.UTF_8);
    }

    String logText() {
        return logged.toString(StandardCharsets.UTF_8);
    }

    static byte[] sample(String name) throws IOException {
        return Files.readAllBytes(EVENTS.resolve(name));
    }

    /** A Kinesis event as the event source mapping sends it, one record per data string, sequence numbers from {@code firstSeq}. */
    static byte[] kinesisEvent(String shard, long firstSeq, List<String> data) {
        StringBuilder b = new StringBuilder("{\"Records\":[");
        for (int i = 0; i < data.size(); i++) {
            String seq = "4959000000000000000000000000000000000000" + String.format("%016d", firstSeq + i);
            if (i > 0) {
                b.append(',');
            }
            b.append("{\"kinesis\":{\"kinesisSchemaVersion\":\"1.0\",\"partitionKey\":\"pk-").append(i)
                    .append("\",\"sequenceNumber\":\"").append(seq).append("\",\"data\":\"")
                    .append(Base64.getEncoder().encodeToString(data.get(i).getBytes(StandardCharsets.UTF_8)))
                    .append("\",\"approximateArrivalTimestamp\":1762160400.123},\"eventSource\":\"aws:kinesis\",\"eventVersion\":\"1.0\",")
                    .append("\"eventID\":\"").append(shard).append(':').append(seq).append("\",\"eventName\":\"aws:kinesis:record\",")
                    .append("\"invokeIdentityArn\":\"arn:aws:iam::123456789012:role/sluice-stream\",\"awsRegion\":\"eu-west-1\",")
                    .append("\"eventSourceARN\":\"arn:aws:kinesis:eu-west-1:123456789012:stream/sluice-cdrs-dev\"}");
        }
        return b.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** An Asterisk cdr_csv line (18 columns) of an answered call. */
    static String asteriskLine(String caller, String callee, int minute, int talk, String uniqueId) {
        java.time.LocalDateTime start = java.time.LocalDateTime.of(2026, 11, 3, 9, 0).plusMinutes(minute);
        java.time.format.DateTimeFormatter f = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
        return String.join(",", q("acme"), q(caller), q(callee), q("from-internal"), q("\"\"x\"\" <" + caller + ">"),
                q("PJSIP/a-1"), q("PJSIP/carrier-a-2"), q("Dial"), q("PJSIP/" + callee + "@carrier-a,60"), q(f.format(start)),
                q(f.format(start.plusSeconds(5))), q(f.format(start.plusSeconds(5 + talk))), Integer.toString(5 + talk),
                Integer.toString(talk), q("ANSWERED"), q("DOCUMENTATION"), q(uniqueId), q(""));
    }

    private static String q(String v) {
        return '"' + v + '"';
    }
}
