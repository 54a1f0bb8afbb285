package io.sluice.local.store;

/** A fault of the embedded store (I/O, lock, SQL), saying what was being done and where. */
public final class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
