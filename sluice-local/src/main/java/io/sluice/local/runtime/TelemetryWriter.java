package io.sluice.local.runtime;

import io.sluice.core.pipeline.BatchId;
import io.sluice.core.telemetry.TelemetryBatchProcessor;
import io.sluice.core.telemetry.TelemetryParser;
import io.sluice.local.store.DuckDbDedupStore;
import io.sluice.local.store.DuckDbTelemetryStore;
import io.sluice.local.store.DuckDbThresholdState;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;

/**
 * Group commit of telemetry requests (IOT-3; issue 18): a request's readings are queued, and the store's one writer
 * takes every request waiting when it gets to them and commits them in one transaction, as one batch of the core
 * ({@link TelemetryBatchProcessor#processAll}); each request is answered once that transaction committed. Under load,
 * the requests that arrive during one commit share the next: a transaction's fixed cost is paid per group, not per
 * request.
 */
final class TelemetryWriter {
    /** At most this many readings in one transaction: its memory and latency stay bounded. */
    static final int MAX_GROUP_READINGS = 50_000;
    private static final boolean DEBUG = System.getenv("SLUICE_DEBUG") != null;

    private record Pending(TelemetryParser.Parsed parsed, CompletableFuture<TelemetryBatchProcessor.Outcome> done) {
    }

    private final LocalRuntime rt;
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();

    TelemetryWriter(LocalRuntime rt) {
        this.rt = rt;
    }

    /** Commits {@code parsed} (with whatever else waits) and returns its outcome once committed. */
    TelemetryBatchProcessor.Outcome commit(TelemetryParser.Parsed parsed, long receivedAtMillis) throws Exception {
        Pending p = new Pending(parsed, new CompletableFuture<>());
        queue.add(p);
        // This task or an earlier one takes p: the worker runs them in order, so p is done when this one has run.
        rt.onWorker(() -> {
            drain(receivedAtMillis);
            return null;
        });
        try {
            return p.done().get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception x ? x : e;
        }
    }

    /** On the worker: every waiting request, in groups of at most {@link #MAX_GROUP_READINGS} readings. */
    private void drain(long receivedAtMillis) {
        while (!queue.isEmpty()) {
            List<Pending> group = new ArrayList<>();
            int readings = 0;
            for (Pending p; (p = queue.peek()) != null && (group.isEmpty() || readings + p.parsed().readingsIn() <= MAX_GROUP_READINGS); ) {
                queue.poll();
                group.add(p);
                readings += p.parsed().readingsIn();
            }
            // Purged with the HTTP batch marks: a group commits before its requests are answered and is never replayed.
            BatchId batch = new BatchId("http:telemetry:" + UUID.randomUUID());
            long started = System.nanoTime();
            try {
                long[] spent = new long[3]; // claim, threshold state, store write (SLUICE_DEBUG)
                io.sluice.core.pipeline.DedupStore dedup = timed(new DuckDbDedupStore(rt.pipeline().store()), spent);
                io.sluice.core.telemetry.ThresholdState state = timed(new DuckDbThresholdState(rt.pipeline().store()), spent);
                io.sluice.core.telemetry.TelemetryStore store = timed(new DuckDbTelemetryStore(rt.pipeline().store(), receivedAtMillis), spent);
                List<TelemetryBatchProcessor.Outcome> outcomes = rt.pipeline().store().inTransaction(c ->
                        new TelemetryBatchProcessor(rt.telemetryConfig(), dedup, rt.thresholds(), state, store)
                                .processAll(batch, group.stream().map(Pending::parsed).toList()));
                rt.telemetryWritten();
                for (int i = 0; i < group.size(); i++) {
                    group.get(i).done().complete(outcomes.get(i));
                }
                if (DEBUG) {
                    System.err.printf("sluice: telemetry group of %d requests, %d readings committed in %.1f ms (claim %.1f, "
                                    + "threshold state %.1f, store %.1f)%n", group.size(), readings, (System.nanoTime() - started) / 1e6,
                            spent[0] / 1e6, spent[1] / 1e6, spent[2] / 1e6);
                }
            } catch (RuntimeException e) {
                group.forEach(p -> p.done().completeExceptionally(e)); // nothing of the group was kept: each request fails
            }
        }
    }

    /** With SLUICE_DEBUG, the port as it is, adding its time to {@code spent[0]}. */
    private static io.sluice.core.pipeline.DedupStore timed(io.sluice.core.pipeline.DedupStore d, long[] spent) {
        if (!DEBUG) {
            return d;
        }
        return (batch, keys) -> {
            long t = System.nanoTime();
            try {
                return d.claim(batch, keys);
            } finally {
                spent[0] += System.nanoTime() - t;
            }
        };
    }

    /** With SLUICE_DEBUG, the port as it is, adding its time to {@code spent[1]}. */
    private static io.sluice.core.telemetry.ThresholdState timed(io.sluice.core.telemetry.ThresholdState s, long[] spent) {
        if (!DEBUG) {
            return s;
        }
        return new io.sluice.core.telemetry.ThresholdState() {
            @Override
            public java.util.Map<Key, State> load(java.util.Collection<Key> keys) {
                long t = System.nanoTime();
                try {
                    return s.load(keys);
                } finally {
                    spent[1] += System.nanoTime() - t;
                }
            }

            @Override
            public void save(java.util.Map<Key, State> changed) {
                long t = System.nanoTime();
                try {
                    s.save(changed);
                } finally {
                    spent[1] += System.nanoTime() - t;
                }
            }
        };
    }

    /** With SLUICE_DEBUG, the port as it is, adding its time to {@code spent[2]}. */
    private static io.sluice.core.telemetry.TelemetryStore timed(io.sluice.core.telemetry.TelemetryStore s, long[] spent) {
        if (!DEBUG) {
            return s;
        }
        return (batch, accepted, rejected, rollups) -> {
            long t = System.nanoTime();
            try {
                s.write(batch, accepted, rejected, rollups);
            } finally {
                spent[2] += System.nanoTime() - t;
            }
        };
    }
}
