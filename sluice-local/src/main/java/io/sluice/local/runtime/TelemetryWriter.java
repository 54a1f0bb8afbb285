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
                List<TelemetryBatchProcessor.Outcome> outcomes = rt.pipeline().store().inTransaction(c ->
                        new TelemetryBatchProcessor(rt.telemetryConfig(), new DuckDbDedupStore(rt.pipeline().store()), rt.thresholds(),
                                new DuckDbThresholdState(rt.pipeline().store()), new DuckDbTelemetryStore(rt.pipeline().store(), receivedAtMillis))
                                .processAll(batch, group.stream().map(Pending::parsed).toList()));
                rt.telemetryWritten();
                for (int i = 0; i < group.size(); i++) {
                    group.get(i).done().complete(outcomes.get(i));
                }
                if (DEBUG) {
                    System.err.printf("sluice: telemetry group of %d requests, %d readings committed in %.1f ms%n", group.size(), readings,
                            (System.nanoTime() - started) / 1e6);
                }
            } catch (RuntimeException e) {
                group.forEach(p -> p.done().completeExceptionally(e)); // nothing of the group was kept: each request fails
            }
        }
    }
}
