package io.sluice.aws.objects;

import io.sluice.aws.events.ObjectRef;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Supplier;

/** An object source made at its first use: a function that never reads an object never pays for its client. */
public final class LazyObjectSource implements ObjectSource {
    private final Supplier<ObjectSource> factory;
    private volatile ObjectSource made;

    public LazyObjectSource(Supplier<ObjectSource> factory) {
        this.factory = factory;
    }

    @Override
    public InputStream open(ObjectRef object) throws IOException {
        ObjectSource s = made;
        if (s == null) {
            synchronized (this) {
                s = made;
                if (s == null) {
                    s = factory.get();
                    made = s;
                }
            }
        }
        return s.open(object);
    }
}
