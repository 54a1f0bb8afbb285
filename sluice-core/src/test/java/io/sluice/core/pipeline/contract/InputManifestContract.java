package io.sluice.core.pipeline.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.intake.InputManifest;
import io.sluice.core.intake.InputManifest.Busy;
import io.sluice.core.intake.InputManifest.Done;
import io.sluice.core.intake.InputManifest.Entry;
import io.sluice.core.intake.InputManifest.Input;
import io.sluice.core.intake.InputManifest.Process;
import io.sluice.core.intake.InputManifest.Progress;
import io.sluice.core.intake.InputManifest.Status;
import io.sluice.core.pipeline.BatchOutcome;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What every {@link InputManifest} adapter must do (OBJ-1, OBJ-2, CDR-8; issue 15): the embedded store's, DynamoDB's
 * and the in-memory one. Extend it once per adapter; each test uses inputs of its own.
 */
public abstract class InputManifestContract {
    private static final AtomicInteger IDS = new AtomicInteger();
    private static final Instant T = Instant.parse("2026-11-23T10:00:00Z");

    protected abstract InputManifest manifest();

    private static Input input() {
        int n = IDS.incrementAndGet();
        return new Input("test:" + n + ":" + System.nanoTime(), "in/Master-" + n + ".csv", 1_234);
    }

    /** An outcome without rejections (BatchOutcome lists each rejection; the manifest only adds counts). */
    private static BatchOutcome outcome(long in, long accepted, long rejected, long duplicates, long unknown) {
        return new BatchOutcome(in, accepted, rejected, duplicates, unknown, List.of());
    }

    @Test
    @DisplayName("a new input is processed from its start; once processed it is done however often it comes again")
    void processedOnce() {
        InputManifest m = manifest();
        Input in = input();
        assertThat(m.find(in.id())).isEmpty();
        assertThat(m.begin(in, "asterisk", T, 900)).isEqualTo(new Process(Progress.NONE));
        m.chunkDone(in, outcome(10, 8, 0, 2, 2));
        m.chunkDone(in, outcome(5, 5, 0, 0, 0));
        m.finish(in, Status.PROCESSED, null, T.plusSeconds(2));
        InputManifest.Start again = m.begin(in, "asterisk", T.plusSeconds(60), 900);
        assertThat(again).isInstanceOf(Done.class);
        Entry e = ((Done) again).entry();
        assertThat(e.status()).isEqualTo(Status.PROCESSED);
        assertThat(e.progress()).isEqualTo(new Progress(2, 15, 13, 0, 2, 2));
        assertThat(e.attempts()).isEqualTo(1);
        assertThat(e.format()).isEqualTo("asterisk");
        assertThat(e.input().name()).isEqualTo(in.name());
        assertThat(e.input().size()).isEqualTo(1_234);
        assertThat(m.find(in.id())).contains(e);
    }

    @Test
    @DisplayName("another identity (another version of the same key, other content under the same name) is another input")
    void identityIsTheId() {
        InputManifest m = manifest();
        Input v1 = input();
        Input v2 = new Input(v1.id() + "-v2", v1.name(), 99);
        m.begin(v1, "asterisk", T, 900);
        m.finish(v1, Status.PROCESSED, null, T);
        assertThat(m.begin(v2, "asterisk", T, 900)).isEqualTo(new Process(Progress.NONE));
    }

    @Test
    @DisplayName("an attempt holding its lease makes another wait; an abandoned one is taken over, resuming after its committed chunks")
    void leaseAndResume() {
        InputManifest m = manifest();
        Input in = input();
        m.begin(in, "asterisk", T, 900);
        m.chunkDone(in, outcome(50, 49, 0, 1, 0));
        assertThat(m.begin(in, "asterisk", T.plusSeconds(30), 900)).isInstanceOf(Busy.class);
        assertThat(m.begin(in, "asterisk", T.plusSeconds(900), 900)).isEqualTo(new Process(new Progress(1, 50, 49, 0, 1, 0)));
        assertThat(m.find(in.id()).orElseThrow().attempts()).isEqualTo(2);
        // A home with one writer passes a lease of 0: any attempt still in progress was interrupted.
        assertThat(m.begin(in, "asterisk", T.plusSeconds(900), 0)).isEqualTo(new Process(new Progress(1, 50, 49, 0, 1, 0)));
        assertThat(m.find(in.id()).orElseThrow().status()).isEqualTo(Status.IN_PROGRESS);
    }

    @Test
    @DisplayName("a failed input is retried, resuming after its committed chunks; a rejected one is done and keeps why")
    void failedRetriedRejectedDone() {
        InputManifest m = manifest();
        Input failed = input();
        m.begin(failed, "asterisk", T, 900);
        m.chunkDone(failed, outcome(3, 3, 0, 0, 0));
        m.finish(failed, Status.FAILED, "read error: S3 unavailable", T.plusSeconds(1));
        Entry f = m.find(failed.id()).orElseThrow();
        assertThat(f.status()).isEqualTo(Status.FAILED);
        assertThat(f.error()).isEqualTo("read error: S3 unavailable");
        assertThat(m.begin(failed, "asterisk", T.plusSeconds(2), 900)).isEqualTo(new Process(new Progress(1, 3, 3, 0, 0, 0)));

        Input rejected = input();
        m.begin(rejected, null, T, 900);
        m.finish(rejected, Status.REJECTED, "extension '.exe' is not a CDR file", T);
        InputManifest.Start again = m.begin(rejected, null, T.plusSeconds(1), 900);
        assertThat(again).isInstanceOf(Done.class);
        assertThat(((Done) again).entry().status()).isEqualTo(Status.REJECTED);
        assertThat(((Done) again).entry().error()).isEqualTo("extension '.exe' is not a CDR file");
        assertThat(((Done) again).entry().progress()).isEqualTo(Progress.NONE);
    }

    @Test
    @DisplayName("a format learnt after the claim is kept by a later begin that names it")
    void formatLearntLater() {
        InputManifest m = manifest();
        Input in = input();
        m.begin(in, null, T, 0);
        m.begin(in, "freeswitch", T.plusSeconds(1), 0);
        assertThat(m.find(in.id()).orElseThrow().format()).isEqualTo("freeswitch");
    }

    @Test
    @DisplayName("finish needs a final status")
    void finishNeedsFinalStatus() {
        InputManifest m = manifest();
        Input in = input();
        m.begin(in, "asterisk", T, 0);
        assertThatThrownBy(() -> m.finish(in, Status.IN_PROGRESS, null, T)).isInstanceOf(IllegalArgumentException.class);
    }
}
