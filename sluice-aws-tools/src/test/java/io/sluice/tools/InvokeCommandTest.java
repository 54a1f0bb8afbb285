package io.sluice.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.sluice.local.cli.SluiceCli;
import picocli.CommandLine;

/** 'sluice invoke' runs the real handlers on the sample events of docs/events against embedded DynamoDB Local. */
class InvokeCommandTest {
    private static final Path EVENTS = Path.of("..", "docs", "events");

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = SluiceCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    private String event(String name) {
        return EVENTS.resolve(name).toString();
    }

    private long archivedLines() throws IOException {
        Path archive = dir.resolve("aws-local").resolve("archive");
        if (!Files.isDirectory(archive)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(archive)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.readAllLines(p).size();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).sum();
        }
    }

    @Test
    void theStreamHandlerAnswersTheSampleKinesisEventAndKeepsItsStateBetweenRuns() throws IOException {
        int code = run("invoke", "stream", "--event", event("kinesis-asterisk-csv.json"), "--data-dir", dir.toString(),
                "--default-country", "GB");

        assertThat(code).as(err.toString()).isEqualTo(0);
        assertThat(out.toString().strip()).isEqualTo("{\"batchItemFailures\":[]}");
        assertThat(archivedLines()).isEqualTo(3);
        // Issue 22 item 10: a readable line besides the JSON log, counted by the handler (the sample's fourth record is invalid).
        assertThat(err.toString()).contains("sluice: invoke stream: records in 4  accepted 3  rejected 1  duplicates 0  failed items 0");
        assertThat(dir.resolve("aws-local").resolve("dynamodb.db")).isRegularFile();

        // A second event adds to the same archive; the first one again adds nothing (its records are claimed).
        assertThat(run("invoke", "stream", "--event", event("kinesis-json-lines.json"), "--data-dir", dir.toString(),
                "--default-country", "GB")).as(err.toString()).isEqualTo(0);
        assertThat(archivedLines()).isEqualTo(3 + 3);
        assertThat(run("invoke", "stream", "--event", event("kinesis-asterisk-csv.json"), "--data-dir", dir.toString(),
                "--default-country", "GB")).as(err.toString()).isEqualTo(0);
        assertThat(archivedLines()).isEqualTo(3 + 3);
        // DynamoDB Local ran with its telemetry off: it wrote no metadata file where it ran.
        assertThat(Path.of("dynamodb-local-metadata.json")).doesNotExist();
    }

    @Test
    void theObjectHandlerReadsTheObjectFromTheLocalBucketFolder() throws IOException {
        Path object = dir.resolve("aws-local/s3/sluice-cdr-incoming-123456789012/incoming/2026/11/Master Nov.csv");
        Files.createDirectories(object.getParent());
        Files.writeString(object, "\"acme\",\"+442079460123\",\"+447700900812\",\"from-internal\",\"\"\"R\"\" <+442079460123>\","
                + "\"PJSIP/a-1\",\"PJSIP/b-2\",\"Dial\",\"PJSIP/+447700900812@carrier-a,60\",\"2026-11-03 09:14:02\","
                + "\"2026-11-03 09:14:09\",\"2026-11-03 09:17:21\",199,192,\"ANSWERED\",\"DOCUMENTATION\",\"1793697242.2591\",\"\"\n");

        assertThat(run("invoke", "object", "--event", event("sqs-s3-object-created.json"), "--data-dir", dir.toString()))
                .as(err.toString()).isEqualTo(0);
        assertThat(out.toString().strip()).isEqualTo("{\"batchItemFailures\":[]}");
        assertThat(archivedLines()).isEqualTo(1);
    }

    @Test
    void aMissingObjectIsAFailedItemAndExitCode3() {
        assertThat(run("invoke", "object", "--event", event("sqs-s3-object-created.json"), "--data-dir", dir.toString()))
                .isEqualTo(3);
        assertThat(out.toString()).contains("2e1424d4-f796-459a-8184-9c92662be6da");
    }

    @Test
    void theWrongEventForAFunctionSaysWhereAndWhy() {
        assertThat(run("invoke", "object", "--event", event("kinesis-json-lines.json"), "--data-dir", dir.toString()))
                .isEqualTo(1);
        assertThat(err.toString()).contains("Records[0].eventSource").contains("aws:kinesis");
    }

    @Test
    void anUnknownFunctionOrAMissingEventIsAUsageError() {
        assertThat(run("invoke", "lambda", "--event", event("kinesis-json-lines.json"), "--data-dir", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("use stream (CdrStreamHandler) or object (CdrObjectHandler)");
        assertThat(run("invoke", "stream", "--event", dir.resolve("none.json").toString(), "--data-dir", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("no event file");
    }
}
