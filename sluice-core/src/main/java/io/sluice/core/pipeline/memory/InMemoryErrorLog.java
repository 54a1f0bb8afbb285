package io.sluice.core.pipeline.memory;

import io.sluice.core.pipeline.ErrorLog;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.random.RandomGenerator;

/** The error log in memory, with the entries every adapter stores: for tests and priming. */
public final class InMemoryErrorLog implements ErrorLog, io.sluice.core.pipeline.ErrorLogQuery {
    private final RandomGenerator random;
    private final List<Entry> entries = new ArrayList<>();

    public InMemoryErrorLog(RandomGenerator random) {
        this.random = random;
    }

    public InMemoryErrorLog() {
        this(new Random());
    }

    @Override
    public synchronized String record(String functionName, Instant at, Throwable error, long durationMillis, String event) {
        Entry e = Entry.of(functionName, at, error, durationMillis, event, random);
        entries.add(e);
        return e.id();
    }

    /** The entries, in the order they were recorded. */
    public synchronized List<Entry> entries() {
        return List.copyOf(entries);
    }

    @Override
    public synchronized List<Entry> recent(String functionName, Instant from, Instant to, int limit) {
        return entries.stream().filter(e -> e.functionName().equals(functionName))
                .filter(e -> !e.occurredAt().isBefore(from) && e.occurredAt().isBefore(to))
                .sorted(java.util.Comparator.comparing(Entry::id).reversed()).limit(limit).toList();
    }
}
