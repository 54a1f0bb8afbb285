package io.sluice.aws.objects;

import io.sluice.aws.events.ObjectRef;
import java.io.IOException;
import java.io.InputStream;

/** Reads the bytes of one object version, as a stream (CDR-11: a file is never held in memory whole). */
@FunctionalInterface
public interface ObjectSource {

    /** The object's content; the caller closes it. The version (or, unversioned, the ETag) must match the event's. */
    InputStream open(ObjectRef object) throws IOException;
}
