package io.sluice.core.pipeline.memory;

import io.sluice.core.intake.InputManifest;
import io.sluice.core.pipeline.BatchOutcome;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The input manifest in memory, with the semantics of the stored ones: for tests, benchmarks and tools. */
public final class InMemoryInputManifest implements InputManifest {
    private record Held(Entry entry, Instant leaseFrom) {
    }

    private final Map<String, Held> entries = new HashMap<>();

    @Override
    public synchronized Start begin(Input input, String format, Instant now, long leaseSeconds) {
        Held h = entries.get(input.id());
        if (h != null) {
            Entry e = h.entry();
            if (e.status() == Status.PROCESSED || e.status() == Status.REJECTED) {
                return new Done(e);
            }
            if (e.status() == Status.IN_PROGRESS && now.getEpochSecond() - h.leaseFrom().getEpochSecond() < leaseSeconds) {
                return new Busy();
            }
        }
        Progress committed = h == null ? Progress.NONE : h.entry().progress();
        long attempts = h == null ? 1 : h.entry().attempts() + 1;
        String f = format != null ? format : h == null ? null : h.entry().format();
        entries.put(input.id(), new Held(new Entry(input, f, Status.IN_PROGRESS, attempts, committed, null), now));
        return new Process(committed);
    }

    @Override
    public synchronized void chunkDone(Input input, BatchOutcome outcome) {
        Held h = held(input);
        Entry e = h.entry();
        entries.put(input.id(), new Held(new Entry(e.input(), e.format(), e.status(), e.attempts(), e.progress().plus(outcome),
                e.error()), h.leaseFrom()));
    }

    @Override
    public synchronized void finish(Input input, Status status, String error, Instant now) {
        if (status == Status.IN_PROGRESS) {
            throw new IllegalArgumentException("finish needs a final status, not " + status);
        }
        Held h = held(input);
        Entry e = h.entry();
        entries.put(input.id(), new Held(new Entry(e.input(), e.format(), status, e.attempts(), e.progress(), error), h.leaseFrom()));
    }

    @Override
    public synchronized Optional<Entry> find(String id) {
        Held h = entries.get(id);
        return h == null ? Optional.empty() : Optional.of(h.entry());
    }

    private Held held(Input input) {
        Held h = entries.get(input.id());
        if (h == null) {
            throw new IllegalStateException("input " + input.id() + " was not begun");
        }
        return h;
    }
}
