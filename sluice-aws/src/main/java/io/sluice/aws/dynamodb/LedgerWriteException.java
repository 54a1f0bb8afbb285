package io.sluice.aws.dynamodb;

/** A write to DynamoDB that Sluice gave up on: the batch fails and its event source retries it (OBJ-3). */
public final class LedgerWriteException extends RuntimeException {
    public LedgerWriteException(String message, Throwable cause) {
        super(message, cause);
    }
}
