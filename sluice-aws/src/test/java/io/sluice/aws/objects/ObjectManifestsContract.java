package io.sluice.aws.objects;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.aws.events.ObjectRef;
import io.sluice.aws.objects.ObjectManifests.Start;
import io.sluice.aws.objects.ObjectManifests.Status;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What every {@link ObjectManifests} adapter must do (OBJ-1, OBJ-2). Extend it once per adapter. */
public abstract class ObjectManifestsContract {
    private static final AtomicInteger KEYS = new AtomicInteger();
    private static final Instant T = Instant.parse("2026-11-23T10:00:00Z");

    protected abstract ObjectManifests manifests();

    /** Status, attempts, records in, accepted, rejected, duplicates, error of the object as stored. */
    protected abstract Object[] stored(ObjectRef o);

    private static ObjectRef object(String version) {
        return new ObjectRef("cdr-bucket", "in/Master-" + KEYS.incrementAndGet() + ".csv", 1_234, "\"abc123\"", version, null,
                "ObjectCreated:Put", "eu-west-1");
    }

    @Test
    void anObjectIsProcessedOnceHoweverOftenItsEventComes() {
        ObjectManifests m = manifests();
        ObjectRef o = object("v1");
        assertThat(m.begin(o, T, 900)).isEqualTo(Start.PROCESS);
        m.finish(o, Status.PROCESSED, 10, 8, 1, 1, null, T.plusSeconds(2));
        assertThat(m.begin(o, T.plusSeconds(60), 900)).isEqualTo(Start.ALREADY_DONE);
        assertThat(stored(o)).containsExactly("PROCESSED", 1L, 10L, 8L, 1L, 1L, "");
    }

    @Test
    void anotherVersionOfTheSameKeyIsAnotherObject() {
        ObjectManifests m = manifests();
        ObjectRef v1 = object("v1");
        ObjectRef v2 = new ObjectRef(v1.bucket(), v1.key(), 99, "def", "v2", null, "ObjectCreated:Put", "eu-west-1");
        m.begin(v1, T, 900);
        m.finish(v1, Status.PROCESSED, 1, 1, 0, 0, null, T);
        assertThat(m.begin(v2, T, 900)).isEqualTo(Start.PROCESS);
    }

    @Test
    void aConcurrentDeliveryWaitsAndAnAbandonedAttemptIsTakenOver() {
        ObjectManifests m = manifests();
        ObjectRef o = object(null);
        assertThat(m.begin(o, T, 900)).isEqualTo(Start.PROCESS);
        assertThat(m.begin(o, T.plusSeconds(30), 900)).isEqualTo(Start.IN_PROGRESS);
        assertThat(m.begin(o, T.plusSeconds(901), 900)).isEqualTo(Start.PROCESS);
        assertThat(stored(o)[1]).isEqualTo(2L);
    }

    @Test
    void aFailedObjectIsRetriedAndARejectedOneIsNot() {
        ObjectManifests m = manifests();
        ObjectRef failed = object("v1");
        m.begin(failed, T, 900);
        m.finish(failed, Status.FAILED, 0, 0, 0, 0, "S3 unavailable", T);
        assertThat(stored(failed)[6]).isEqualTo("S3 unavailable");
        assertThat(m.begin(failed, T.plusSeconds(1), 900)).isEqualTo(Start.PROCESS);

        ObjectRef rejected = object("v1");
        m.begin(rejected, T, 900);
        m.finish(rejected, Status.REJECTED, 0, 0, 0, 0, "extension 'exe'", T);
        assertThat(m.begin(rejected, T.plusSeconds(1), 900)).isEqualTo(Start.ALREADY_DONE);
    }
}
