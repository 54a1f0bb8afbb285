package io.sluice.infra;

import java.nio.file.Files;
import java.nio.file.Path;
import software.amazon.awscdk.services.lambda.Code;

/**
 * The code of every Sluice function: {@code sluice-aws}'s shaded jar, as built (INF-9). A missing jar fails synth
 * at once, naming the path and the build that makes it, instead of failing later in asset staging or, worse,
 * deploying something else.
 */
public final class FunctionCode {
    /** Where {@code mvn package} puts the jar, from {@code sluice-infra} (where cdk.json and the tests run). */
    public static final Path DEFAULT_JAR = Path.of("..", "sluice-aws", "target", "sluice-lambda.jar");

    private final Path jar;

    private FunctionCode(Path jar) {
        this.jar = jar;
    }

    /** The jar at {@code path}; throws, naming it and the fix, when it is not a file. */
    public static FunctionCode jar(Path path) {
        Path abs = path.toAbsolutePath().normalize();
        if (!Files.isRegularFile(abs)) {
            throw new IllegalStateException("Preflight: the function code " + abs + " is missing: build it first with ./verify "
                    + "(or mvn -B package -pl sluice-aws -am), then synth again (INF-9).");
        }
        return new FunctionCode(abs);
    }

    Code code() {
        return Code.fromAsset(jar.toString());
    }
}
