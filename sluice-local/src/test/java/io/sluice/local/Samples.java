package io.sluice.local;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one place tests find the shared CDR samples (../shared/samples beside the project root, written by others:
 * read, never copied into the project). Tests run in a module's folder, so the samples are two or three levels up.
 */
public final class Samples {
    /** The reason a test that needs them is skipped when they are absent: printed in the build's summary. */
    public static final String MISSING = "the shared CDR samples (../shared/samples beside the project root) are absent";

    private Samples() {
    }

    /** The samples folder, or null when this checkout has none beside it. */
    public static Path dir() {
        for (Path p : new Path[] {Path.of("..", "..", "shared", "samples"), Path.of("..", "shared", "samples")}) {
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        return null;
    }
}
