package io.sluice.core.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one place every module's tests find the shared CDR samples: {@code ../shared/samples} beside the project root,
 * real files written by others (CDR-FORMATS.md), read in place and never copied into the project. Tests run in their
 * module's folder, so the samples are two levels up. Without them a test that needs them is skipped, and the reason
 * is printed in {@code ./verify}'s summary.
 */
public final class Samples {
    /** Where the samples are, from a module's folder. */
    public static final Path DIR = Path.of("..", "..", "shared", "samples");

    private Samples() {
    }

    /** One sample file; skips the calling test, saying why, when the samples are not beside this checkout. */
    public static Path file(String name) {
        Path dir = DIR.toAbsolutePath().normalize();
        assumeTrue(Files.isDirectory(dir), "the shared CDR samples are not beside the project (" + dir + ")");
        Path file = dir.resolve(name);
        assumeTrue(Files.isRegularFile(file), "the sample " + file + " is missing");
        return file;
    }
}
