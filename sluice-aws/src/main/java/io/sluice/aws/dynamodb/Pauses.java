package io.sluice.aws.dynamodb;

import io.sluice.aws.Backoff;

/** Waits out a backoff delay; an interrupt (the function is being stopped) ends the write as a failure. */
final class Pauses {
    private Pauses() {
    }

    static void pause(Backoff backoff, int attempt) {
        try {
            Thread.sleep(backoff.delayMillis(attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LedgerWriteException("Interrupted while backing off before retrying a DynamoDB write", e);
        }
    }
}
