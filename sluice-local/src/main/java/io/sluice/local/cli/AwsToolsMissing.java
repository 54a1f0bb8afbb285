package io.sluice.local.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * Stands in for an AWS developer tool ({@code invoke}, {@code redrive}) when the {@code sluice-aws-tools} module is
 * not on the class path, as in the one-machine distribution ({@code sluice-local/target/sluice.jar}): it takes any
 * arguments and says where the tool is, instead of picocli's "unmatched argument" (issue 15).
 */
@Command(name = "aws-tool", description = "An AWS developer tool; not in this distribution.")
final class AwsToolsMissing implements Callable<Integer> {
    /** The tools' module, for messages. */
    static final String MODULE = "sluice-aws-tools";
    static final String JAR = "sluice-aws-tools/target/sluice-aws-tools.jar";

    /** The tools and their one-line descriptions, as their own commands give them. */
    static final List<List<String>> TOOLS = List.of(
            List.of("invoke", "Run a Lambda handler on an event file, locally, and print its response."),
            List.of("redrive", "List or move back the messages of the object dead-letter queue on AWS."));

    @Spec
    CommandSpec spec;

    private final String tool;

    @Unmatched
    List<String> arguments;

    AwsToolsMissing(String tool) {
        this.tool = tool;
    }

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("sluice: " + message("'" + tool + "'"));
        return ExitCodes.FAILED;
    }

    /** What to do to run {@code what}, an AWS developer tool, with this sluice. */
    static String message(String what) {
        return what + " is one of the AWS developer tools (module " + MODULE + "), which this sluice does not include: "
                + "it is the one-machine distribution, without AWS. From the repository, run ./sluice (it builds and runs "
                + JAR + ", which has them all), or build that jar with 'mvn -B -DskipTests -pl " + MODULE
                + " -am package' and run 'java -jar " + JAR + " ...'.";
    }
}
