package io.sluice.aws.archive;

/**
 * Firehose kept refusing some records of a batch after every attempt {@link FirehoseArchive} makes (CDR-9). The
 * batch has to be retried as a whole; records already delivered are then archived twice, which queries absorb by
 * de-duplicating on {@code record_key}.
 */
public final class ArchiveDeliveryException extends RuntimeException {

    public ArchiveDeliveryException(String message) {
        super(message);
    }

    public ArchiveDeliveryException(String message, Throwable cause) {
        super(message, cause);
    }
}
