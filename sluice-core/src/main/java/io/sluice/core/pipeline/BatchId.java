package io.sluice.core.pipeline;

/**
 * The identity of one batch of input: a file's content hash and chunk number, a Kinesis shard and sequence
 * range, an HTTP ingest id. Stores use it to make applying a batch idempotent (CDR-8).
 */
public record BatchId(String value) {
    public BatchId {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("A batch id must not be blank");
        }
    }

    public static BatchId ofFileChunk(String fileSha256, long chunk) {
        return new BatchId("file:" + fileSha256 + ":" + chunk);
    }
}
