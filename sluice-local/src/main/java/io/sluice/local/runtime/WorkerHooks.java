package io.sluice.local.runtime;

/**
 * Where a caller steers the worker, given when the runtime starts (the way a {@link java.time.Clock} is given):
 * hold it so that a backlog builds deterministically, or act between an inbox file's chunks. {@code sluice up}
 * passes {@link #NONE}; the runtime has no other control meant for tests.
 */
interface WorkerHooks {
    WorkerHooks NONE = new WorkerHooks() { };

    /** Whether the worker waits instead of applying, asked before each round of work. */
    default boolean hold() {
        return false;
    }

    /** Run on the worker after each committed chunk of an inbox file. */
    default void afterChunk(LocalRuntime rt) {
    }
}
