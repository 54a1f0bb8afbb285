package io.sluice.core.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.pipeline.memory.InMemoryErrorLog;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** MON-1, MON-2: the one wrapper counts every invocation once, records errors, and never breaks the function. */
class InstrumentationTest {
    private static final Instant T = Instant.parse("2026-12-04T10:00:00Z");
    private final List<String> counted = new ArrayList<>();
    private final InMemoryErrorLog errors = new InMemoryErrorLog();
    private final AtomicLong nanos = new AtomicLong();
    private final Instrumentation inst = new Instrumentation(
            (f, at, d, o) -> counted.add(f + " " + at + " " + d / 1_000_000 + "ms " + o), errors,
            Clock.fixed(T, ZoneOffset.UTC), nanos::get);

    @Test
    @DisplayName("a successful invocation is counted once with its duration, and leaves no error record")
    void success() throws Exception {
        String r = inst.invoke("http-ingest", () -> "{}", call -> {
            nanos.addAndGet(42_000_000);
            return "done";
        });
        assertThat(r).isEqualTo("done");
        assertThat(counted).containsExactly("http-ingest " + T + " 42ms OK");
        assertThat(errors.entries()).isEmpty();
    }

    @Test
    @DisplayName("a thrown error is rethrown, counted as an error and recorded with the sanitized event and its duration")
    void thrown() {
        assertThatThrownBy(() -> inst.invoke("inbox", () -> "{\"caller\":\"+442079460123\"}", call -> {
            nanos.addAndGet(7_000_000);
            throw new IOException("disk gone");
        })).isInstanceOf(IOException.class).hasMessage("disk gone");
        assertThat(counted).containsExactly("inbox " + T + " 7ms ERROR");
        assertThat(errors.entries()).singleElement().satisfies(e -> {
            assertThat(e.functionName()).isEqualTo("inbox");
            assertThat(e.type()).isEqualTo("java.io.IOException");
            assertThat(e.durationMillis()).isEqualTo(7);
            assertThat(e.eventSnapshot()).contains("***123").doesNotContain("2079460123");
        });
    }

    @Test
    @DisplayName("a failure the body handles (a partial batch) counts as an error, gets a record, and the body goes on")
    void handledFailure() throws Exception {
        String id = inst.invoke("stream", () -> "{}", call -> call.failed(new IllegalStateException("ledger down")));
        assertThat(id).isEqualTo(errors.entries().get(0).id());
        assertThat(counted).containsExactly("stream " + T + " 0ms ERROR");
    }

    @Test
    @DisplayName("a failure the body records and then throws gives one record, not two")
    void recordedThenThrown() {
        IllegalStateException failure = new IllegalStateException("object unreadable");
        assertThatThrownBy(() -> inst.invoke("object", () -> "{}", call -> {
            call.failed(failure);
            throw failure;
        })).isSameAs(failure);
        assertThat(errors.entries()).hasSize(1);
        assertThat(counted).containsExactly("object " + T + " 0ms ERROR");
    }

    @Test
    @DisplayName("a throttled request counts as a throttle, not an error")
    void throttle() throws Exception {
        inst.invoke("http-ingest", () -> "{}", call -> {
            call.throttled();
            return null;
        });
        assertThat(counted).containsExactly("http-ingest " + T + " 0ms THROTTLED");
        assertThat(errors.entries()).isEmpty();
    }

    @Test
    @DisplayName("an error log or a metrics sink that throws breaks nothing")
    void brokenSinks() throws Exception {
        Instrumentation broken = new Instrumentation((f, at, d, o) -> {
            throw new IllegalStateException("metrics down");
        }, (f, at, e, d, ev) -> {
            throw new IllegalStateException("table down");
        });
        Integer answer = broken.invoke("fn", () -> "{}", call -> {
            call.failed(new RuntimeException("x"));
            return 1;
        });
        assertThat(answer).isEqualTo(1);
        assertThatThrownBy(() -> broken.invoke("fn", () -> "{}", call -> {
            throw new IllegalArgumentException("the function's own");
        })).hasMessage("the function's own");
    }

    @Test
    @DisplayName("the event is read only when there is an error to record")
    void eventOnlyOnFailure() throws Exception {
        inst.invoke("fn", () -> {
            throw new AssertionError("read without an error");
        }, call -> 1);
        assertThat(counted).containsExactly("fn " + T + " 0ms OK");
    }
}
