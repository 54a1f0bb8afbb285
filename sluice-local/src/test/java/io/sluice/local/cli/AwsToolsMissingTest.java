package io.sluice.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * sluice-local alone, the one-machine distribution, has no AWS developer tools (issue 15): its command line still
 * lists them, and using one says where it is, with no stack trace. (sluice-aws-tools' tests run the real ones.)
 */
class AwsToolsMissingTest {
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

    @Test
    void noExtensionIsOnThisModulesClassPath() {
        assertThat(SluiceExtension.installed()).isEmpty();
    }

    @Test
    void helpStillListsTheToolsAndSaysTheyAreNotInThisDistribution() {
        assertThat(run("--help")).isZero();
        String help = out.toString();
        assertThat(help).contains("  invoke ", "  redrive ", "  help ");
        assertThat(help.indexOf("  dlq ")).isLessThan(help.indexOf("  invoke ")).isLessThan(help.indexOf("  help "));
        assertThat(help.replaceAll("\\s+", " ")).contains("(Not in this distribution: needs the sluice-aws-tools module.)");
    }

    @Test
    void invokeAndRedriveSayWhatToDoWhateverTheirArguments() {
        for (List<String> args : List.of(List.of("invoke", "stream", "--event", "docs/events/kinesis-asterisk-csv.json"),
                List.of("redrive", "--dlq-url", "https://sqs.eu-west-1.amazonaws.com/123456789012/a", "--inspect"),
                List.of("invoke", "--help"), List.of("invoke"))) {
            err.getBuffer().setLength(0);
            assertThat(run(args.toArray(String[]::new))).as(args.toString()).isEqualTo(ExitCodes.FAILED);
            assertThat(err.toString()).as(args.toString())
                    .startsWith("sluice: '" + args.get(0) + "' is one of the AWS developer tools (module sluice-aws-tools)")
                    .contains("run ./sluice", "sluice-aws-tools/target/sluice-aws-tools.jar")
                    .doesNotContain("Exception", "\tat ");
        }
    }

    @Test
    void doctorDeployedFailsWithOneCheckSayingWhereTheCheckIs() throws Exception {
        Path outputs = Files.writeString(dir.resolve("outputs.json"), "{}");
        assertThat(run("doctor", "--deployed", outputs.toString())).isEqualTo(ExitCodes.FAILED);
        assertThat(out.toString()).contains("fail  deployed", "'doctor --deployed' is one of the AWS developer tools",
                "doctor: 1 checks, 1 failed");
    }
}
