package io.sluice.bench;

import io.sluice.core.cdr.CdrFormat;
import io.sluice.local.generate.CdrGenerator;
import io.sluice.local.generate.GeneratorSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Kinesis events of generated Asterisk CDRs, one CDR per Kinesis record, shaped as the event source mapping
 * delivers them (AWS-CONTRACTS.md section 1): the input of the handler benchmarks.
 */
final class KinesisEventFiles {
    private KinesisEventFiles() {
    }

    /** The generated CDR lines (1 % invalid, 1 % duplicates, the given number of subscribers over 7 days). */
    static List<String> lines(int records, int subscribers, int days, long seed) throws IOException {
        Path dir = Files.createTempDirectory("sluice-kinesis-bench");
        var result = CdrGenerator.generate(new GeneratorSpec(records, subscribers, days, CdrFormat.ASTERISK, 0.01, 0.01, seed,
                LocalDate.of(2026, 11, 20), 1, "US"), dir, n -> { });
        return Files.readAllLines(result.files().get(0), StandardCharsets.UTF_8);
    }

    /** One event; each Kinesis record carries {@code perRecord} consecutive lines (a producer that batches). */
    static byte[] event(String shard, long firstSeq, List<String> lines, int perRecord) {
        List<String> data = new ArrayList<>();
        for (int from = 0; from < lines.size(); from += perRecord) {
            data.add(String.join("\n", lines.subList(from, Math.min(lines.size(), from + perRecord))));
        }
        return event(shard, firstSeq, data);
    }

    static byte[] event(String shard, long firstSeq, List<String> lines) {
        StringBuilder b = new StringBuilder(lines.size() * 600).append("{\"Records\":[");
        for (int i = 0; i < lines.size(); i++) {
            String seq = "4959000000000000000000000000000000000000" + String.format("%016d", firstSeq + i);
            if (i > 0) {
                b.append(',');
            }
            b.append("{\"kinesis\":{\"kinesisSchemaVersion\":\"1.0\",\"partitionKey\":\"pk-").append(i % 64)
                    .append("\",\"sequenceNumber\":\"").append(seq).append("\",\"data\":\"")
                    .append(Base64.getEncoder().encodeToString((lines.get(i) + "\n").getBytes(StandardCharsets.UTF_8)))
                    .append("\",\"approximateArrivalTimestamp\":1763600000.123},\"eventSource\":\"aws:kinesis\",")
                    .append("\"eventVersion\":\"1.0\",\"eventID\":\"").append(shard).append(':').append(seq)
                    .append("\",\"eventName\":\"aws:kinesis:record\",\"invokeIdentityArn\":\"arn:aws:iam::123456789012:role/bench\",")
                    .append("\"awsRegion\":\"eu-west-1\",\"eventSourceARN\":\"arn:aws:kinesis:eu-west-1:123456789012:stream/bench\"}");
        }
        return b.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The lines cut into events of {@code perEvent} records, sequence numbers running on. */
    static List<byte[]> events(List<String> lines, int perEvent, int perRecord) {
        List<byte[]> out = new ArrayList<>();
        for (int from = 0; from < lines.size(); from += perEvent) {
            out.add(event("shardId-000000000000", from, lines.subList(from, Math.min(lines.size(), from + perEvent)), perRecord));
        }
        return out;
    }
}
