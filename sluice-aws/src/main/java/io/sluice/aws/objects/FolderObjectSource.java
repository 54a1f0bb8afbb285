package io.sluice.aws.objects;

import io.sluice.aws.events.ObjectRef;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Objects from a folder, {@code <root>/<bucket>/<key>}: S3 without an AWS account, for {@code sluice invoke} and
 * tests. Versions are not kept; the file is whatever is there now.
 */
public final class FolderObjectSource implements ObjectSource {
    private final Path root;

    public FolderObjectSource(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public InputStream open(ObjectRef o) throws IOException {
        Path file = root.resolve(o.bucket()).resolve(o.key()).normalize();
        if (!file.startsWith(root)) {
            throw new IOException("Object key " + o.key() + " points outside " + root);
        }
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such object: bucket " + o.bucket() + ", key " + o.key()
                    + " (local S3 folder " + root + ")");
        }
        return Files.newInputStream(file);
    }
}
