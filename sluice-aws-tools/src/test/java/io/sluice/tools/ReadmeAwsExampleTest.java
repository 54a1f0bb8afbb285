package io.sluice.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.local.ReadmeExamplesTest;
import io.sluice.local.cli.SluiceCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue 22: the README's AWS example, the real handler on a sample event, run as written (its event paths are the
 * project root's, so from this module's folder they are one level up); its data goes to a fresh --data-dir. The CDK
 * synth line of the same block is run by .ci/run.
 */
class ReadmeAwsExampleTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("README 'On AWS': every sluice invoke line runs, answers what its comment says, and ends with the summary line")
    void awsExampleRuns() throws Exception {
        List<List<String>> commands = ReadmeExamplesTest.commands(Files.readString(ReadmeExamplesTest.README), "## On AWS");
        assertThat(commands).as("the example's sluice lines").isNotEmpty().allSatisfy(c -> assertThat(c.get(0)).isEqualTo("invoke"));
        for (List<String> written : commands) {
            List<String> args = new ArrayList<>();
            for (String a : written) {
                args.add(a.startsWith("docs/") ? "../" + a : a);
            }
            args.add("--data-dir");
            args.add(dir.toString());
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cl = SluiceCli.commandLine();
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            assertThat(cl.execute(args.toArray(String[]::new))).as(String.join(" ", written) + "\n" + err).isZero();
            assertThat(out.toString().strip()).isEqualTo("{\"batchItemFailures\":[]}");
            assertThat(err.toString()).contains("sluice: invoke stream: records in 4  accepted 3  rejected 1");
        }
    }
}
