package io.sluice.aws.events;

/**
 * An event that cannot be what its trigger sends (OBJ-4): not JSON, over the 6 MB synchronous payload limit or
 * nested too deep (SEC-5), or missing what the trigger always writes. The message says where (a JSON path such as
 * {@code Records[3].kinesis.sequenceNumber}) and why, so the log line of the failed invocation explains itself.
 *
 * <p>Only the envelope fails this way. A Kinesis record whose data cannot be decoded and an SQS message whose body is
 * not an S3 notification are values ({@link KinesisEventRecord#problem()}, {@link ObjectNotification.Malformed}):
 * the handler dead-letters them and the rest of the batch goes on.
 */
public final class MalformedEventException extends RuntimeException {
    private final String where;
    private final String why;

    public MalformedEventException(String where, String why) {
        super(where + ": " + why);
        this.where = where;
        this.why = why;
    }

    /** The JSON path of the offending value, or {@code event} for the document as a whole. */
    public String where() {
        return where;
    }

    /** What is wrong with it. */
    public String why() {
        return why;
    }
}
