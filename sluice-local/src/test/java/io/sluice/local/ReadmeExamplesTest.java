package io.sluice.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22: the README's one-machine example is run as a newcomer runs it, command by command, in a fresh folder, each
 * {@code ./sluice} line as its own process of the sluice command: a README example that stops working fails the build.
 */
public class ReadmeExamplesTest {
    /** The project's README, from a module's folder. */
    public static final Path README = Path.of("..", "README.md");

    @TempDir
    Path work;

    /** The {@code ./sluice} lines of the first sh block under the heading, without their comments. */
    public static List<List<String>> commands(String readme, String heading) {
        int at = readme.indexOf("\n" + heading + "\n");
        assertThat(at).as("README has the heading " + heading).isPositive();
        int open = readme.indexOf("```sh\n", at);
        int close = readme.indexOf("```", open + 6);
        List<List<String>> out = new ArrayList<>();
        for (String line : readme.substring(open + 6, close).split("\n")) {
            String command = line.replaceFirst("\\s+#.*$", "").strip();
            if (command.startsWith("./sluice ")) {
                List<String> words = new ArrayList<>(Arrays.asList(command.split("\\s+")));
                words.remove(0);
                out.add(words);
            }
        }
        return out;
    }

    record Run(int code, String out, String err) {
    }

    Run sluice(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("io.sluice.local.cli.SluiceCli");
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile())
                .redirectOutput(work.resolve("out.txt").toFile()).redirectError(work.resolve("err.txt").toFile());
        pb.environment().remove("SLUICE_DATA_DIR");
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("'sluice " + String.join(" ", args) + "' did not finish in 120 s");
        }
        return new Run(p.exitValue(), Files.readString(work.resolve("out.txt"), StandardCharsets.UTF_8),
                Files.readString(work.resolve("err.txt"), StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("README 'On one machine': every command runs in a fresh folder and exits 0 (ingest: 3, for the rejected records it "
            + "names), and the report has rows")
    void oneMachineExampleRuns() throws Exception {
        List<List<String>> commands = commands(Files.readString(README), "## On one machine");
        assertThat(commands).as("the example's commands").hasSizeGreaterThanOrEqualTo(4);
        List<String> names = new ArrayList<>();
        for (List<String> args : commands) {
            Run r = sluice(args);
            // Exit 3 means "done, some records rejected": the example's generated invalid records, said in the summary.
            boolean rejectedSome = args.get(0).equals("ingest") && r.out().matches("(?s).*rejected [1-9].*");
            assertThat(r.code()).as("sluice " + String.join(" ", args) + "\nstdout: " + r.out() + "\nstderr: " + r.err())
                    .isEqualTo(rejectedSome ? 3 : 0);
            assertThat(r.err()).as("no stack trace").doesNotContain("Exception", "\tat ");
            names.add(args.get(0));
            if (args.get(0).equals("ingest")) {
                assertThat(r.out()).containsPattern("records in [1-9][0-9]*  accepted [1-9]");
            }
            if (args.get(0).equals("report")) {
                assertThat(r.out().lines().count()).as("the report has rows:\n" + r.out()).isGreaterThan(3);
            }
            if (args.get(0).equals("alerts")) {
                // CDR-10: the generator's premium-rate bursts, as the README says.
                assertThat(r.out()).as("the alerts:\n" + r.out()).contains("international-burst");
            }
        }
        assertThat(names).contains("generate", "ingest", "report", "dlq", "alerts");
    }
}
