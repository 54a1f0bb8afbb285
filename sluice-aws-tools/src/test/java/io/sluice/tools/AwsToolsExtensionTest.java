package io.sluice.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.local.cli.ExitCodes;
import io.sluice.local.cli.SluiceCli;
import io.sluice.local.cli.SluiceExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** With this module on the class path, sluice-local's command line finds the tools (issue 15). */
class AwsToolsExtensionTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = SluiceCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void theServiceLoaderFindsTheExtension() {
        assertThat(SluiceExtension.installed()).hasExactlyElementsOfTypes(AwsToolsExtension.class);
    }

    @Test
    void helpListsTheRealToolsInTheirPlace() {
        assertThat(run("--help")).isZero();
        String help = out.toString();
        assertThat(help).contains("  invoke ", "  redrive ").doesNotContain("Not in this distribution");
        assertThat(help.indexOf("  dlq ")).isLessThan(help.indexOf("  invoke ")).isLessThan(help.indexOf("  redrive "))
                .isLessThan(help.indexOf("  help "));
        out.getBuffer().setLength(0);
        assertThat(run("invoke", "--help")).isZero();
        assertThat(out.toString()).contains("Usage: sluice invoke", "--event=FILE.json");
    }

    @Test
    void redriveIsTheRealCommand() {
        assertThat(run("redrive", "--dlq-url", "not-a-url", "--queue-url", "https://sqs.eu-west-1.amazonaws.com/123456789012/q"))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).startsWith("sluice: --dlq-url 'not-a-url' is not a queue URL");
    }
}
