package io.sluice.aws.archive;

import io.sluice.aws.Backoff;
import io.sluice.aws.Backoff.Sleeper;
import io.sluice.core.cdr.Cdr;
import io.sluice.core.pipeline.Archive;
import io.sluice.core.pipeline.BatchId;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchRequest;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponseEntry;
import software.amazon.awssdk.services.firehose.model.Record;

/**
 * The AWS archive (CDR-9): every accepted CDR becomes one newline-terminated JSON object in its own Firehose
 * record, and the delivery stream converts them to Parquet with the Glue table's schema under {@code dt=}
 * partitions in S3. The columns are those of the local home's {@code ParquetArchive}, so one query runs on both
 * homes. Firehose drops any field the Glue table lacks: a column added here must be added to that table (and to
 * {@code ParquetArchive}) too.
 * Timestamps are UTC in the {@code yyyy-MM-dd HH:mm:ss} form the Hive JSON SerDe parses when no timestamp format is
 * configured ({@code java.sql.Timestamp::valueOf}; https://docs.aws.amazon.com/firehose/latest/APIReference/API_HiveJsonSerDe.html).
 *
 * <p>Calls follow PutRecordBatch's fixed limits (at most 500 records and 4 MiB a call, 1,000 KiB a record; see
 * https://docs.aws.amazon.com/firehose/latest/APIReference/API_PutRecordBatch.html), counting the rows' bytes before
 * base64 encoding. A call can succeed while
 * refusing some of its records ({@code FailedPutCount > 0}, {@code RequestResponses[i]} describing record
 * {@code i}): only the refused ones are sent again, after a {@link Backoff} wait, for at most {@code maxAttempts}
 * calls in all, and then {@link ArchiveDeliveryException} fails the batch. Exceptions of the client itself
 * (throttling that outlasted the SDK's own retries, a missing stream) propagate unchanged.
 *
 * <p><b>At least once, not exactly once.</b> Firehose itself may deliver a record twice; a record whose success
 * answer was lost is sent again; and this adapter keeps no list of archived batches, so a batch retried after any
 * failure (a case the port's contract says is ignored) is archived again. Every row carries {@code record_key},
 * the record's identity (CDR-5): queries over the archive de-duplicate on it, for example by keeping one row per
 * {@code record_key}.
 */
public final class FirehoseArchive implements Archive {
    static final int MAX_RECORDS_PER_CALL = 500;
    static final int MAX_BYTES_PER_CALL = 4 * 1024 * 1024;
    static final int MAX_RECORD_BYTES = 1_000 * 1024;
    public static final int DEFAULT_MAX_ATTEMPTS = 8;

    /** No separator between rows: each record ends with its own newline instead. Thread-safe and costly to build. */

    private final FirehoseClient client;
    private final String deliveryStream;
    private final int maxAttempts;
    private final Backoff backoff;
    private final Sleeper sleeper;

    /**
     * @param maxAttempts calls made for a record before giving up, the first one included
     * @param backoff     the waits between calls
     * @param sleeper     what waits; tests record instead of sleeping
     */
    public FirehoseArchive(FirehoseClient client, String deliveryStreamName, int maxAttempts, Backoff backoff, Sleeper sleeper) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("Firehose archive to '" + deliveryStreamName + "' needs at least 1 attempt, not " + maxAttempts);
        }
        this.client = client;
        this.deliveryStream = deliveryStreamName;
        this.maxAttempts = maxAttempts;
        this.backoff = backoff;
        this.sleeper = sleeper;
    }

    /** With the standard {@link Backoff} (50 ms base, 2 s cap). */
    public FirehoseArchive(FirehoseClient client, String deliveryStreamName, int maxAttempts, Sleeper sleeper) {
        this(client, deliveryStreamName, maxAttempts, Backoff.standard(), sleeper);
    }

    /** {@value #DEFAULT_MAX_ATTEMPTS} attempts, the standard backoff, real sleeps. */
    public FirehoseArchive(FirehoseClient client, String deliveryStreamName) {
        this(client, deliveryStreamName, DEFAULT_MAX_ATTEMPTS, Sleeper.real());
    }

    @Override
    public void append(BatchId batch, List<Cdr> records) {
        // Rows are rendered as the calls fill, so a large batch never holds all of its JSON at once.
        try (ArchiveRows rows = new ArchiveRows()) {
            send(batch, records.size(), i -> rows.render(records.get(i)),
                    i -> "The archive row of " + records.get(i).source() + " line " + records.get(i).line());
        }
    }

    /**
     * Rows rendered by the caller, one JSON object and its newline each (the telemetry archive's), under the same limits,
     * retries and failure as {@link #append}.
     */
    public void appendRows(BatchId batch, List<byte[]> rows) {
        send(batch, rows.size(), rows::get, i -> "Row " + i + " of batch " + batch.value());
    }

    private void send(BatchId batch, int count, java.util.function.IntFunction<byte[]> render, java.util.function.IntFunction<String> what) {
        List<Record> call = new ArrayList<>();
        long callBytes = 0;
        int handedOver = 0;
        for (int i = 0; i < count; i++) {
            byte[] row = render.apply(i);
            if (row.length > MAX_RECORD_BYTES) {
                throw new IllegalArgumentException(what.apply(i) + " has " + row.length + " bytes, more than the "
                        + MAX_RECORD_BYTES + " a Firehose record may hold");
            }
            if (call.size() == MAX_RECORDS_PER_CALL || callBytes + row.length > MAX_BYTES_PER_CALL) {
                deliver(batch, call, count, count - handedOver - call.size());
                handedOver += call.size();
                call = new ArrayList<>();
                callBytes = 0;
            }
            call.add(Record.builder().data(SdkBytes.fromByteArrayUnsafe(row)).build());
            callBytes += row.length;
        }
        if (!call.isEmpty()) {
            deliver(batch, call, count, 0);
        }
    }

    /**
     * Sends one call's records, then again those refused, until all are taken or the attempts are spent.
     *
     * @param unsent records of the batch after this call's, not sent yet: undelivered too if this call gives up
     */
    private void deliver(BatchId batch, List<Record> call, int batchSize, int unsent) {
        List<Record> pending = call;
        String lastError = "";
        for (int attempt = 1; ; attempt++) {
            PutRecordBatchResponse response = client.putRecordBatch(
                    PutRecordBatchRequest.builder().deliveryStreamName(deliveryStream).records(pending).build());
            Integer failed = response.failedPutCount();
            if (failed != null && failed == 0) {
                return;
            }
            List<PutRecordBatchResponseEntry> answers = response.requestResponses();
            List<Record> refused = new ArrayList<>();
            for (int i = 0; i < pending.size(); i++) {
                // An entry the answer lacks is not known to be stored: sending it again costs at most a duplicate.
                PutRecordBatchResponseEntry answer = i < answers.size() ? answers.get(i) : null;
                if (answer == null || answer.errorCode() != null) {
                    refused.add(pending.get(i));
                    lastError = answer == null ? "no answer for the record" : answer.errorCode() + ": " + answer.errorMessage();
                }
            }
            if (refused.isEmpty()) {
                return;
            }
            pending = refused;
            if (attempt == maxAttempts) {
                throw new ArchiveDeliveryException("Firehose stream '" + deliveryStream + "' did not take " + (pending.size() + unsent)
                        + " of the " + batchSize + " records of batch " + batch.value() + " (" + pending.size()
                        + " still refused after " + maxAttempts + " attempts, " + unsent + " not sent); last error " + lastError);
            }
            try {
                sleeper.sleep(backoff.delayMillis(attempt));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ArchiveDeliveryException("Interrupted while waiting to resend " + pending.size() + " records of batch "
                        + batch.value() + " to Firehose stream '" + deliveryStream + "'", e);
            }
        }
    }

}
