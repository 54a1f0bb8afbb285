package io.sluice.aws.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.sluice.aws.redrive.KinesisShardReader;
import io.sluice.aws.redrive.StreamFailureReplay;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The stream replay function (CDR-12): invoked by an operator with {@code {"action": "inspect" | "replay", "max": 10}},
 * it lists the Kinesis batches that ran out of retries (the stream-failures queue) or replays them from the stream
 * through the stream function's pipeline, and answers a JSON summary, one entry per message. The queue comes from
 * {@code SLUICE_STREAM_FAILURES_QUEUE_URL}; the stores from the stream function's variables ({@link Wiring}).
 */
public final class StreamFailureReplayHandler implements RequestStreamHandler {
    static final int MAX_LIMIT = 1_000;
    public static final String QUEUE_ENV = "SLUICE_STREAM_FAILURES_QUEUE_URL";
    private final StreamFailureReplay replay;

    public StreamFailureReplayHandler() {
        this(new StreamFailureReplay(SqsClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build(),
                OperatorRequest.required(QUEUE_ENV),
                new KinesisShardReader(KinesisClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build()),
                new KinesisBatch(Wiring.shared().processor())));
    }

    public StreamFailureReplayHandler(StreamFailureReplay replay) {
        this.replay = replay;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        OperatorRequest request = OperatorRequest.read(input, MAX_LIMIT);
        String action = request.action();
        int max = request.max();
        var outcomes = switch (action) {
            case "inspect" -> replay.inspect(max);
            case "replay" -> replay.replay(max);
            default -> throw new IllegalArgumentException("action must be inspect or replay, was '" + action + "'");
        };
        try (JsonGenerator g = new JsonFactory().createGenerator(output)) {
            g.writeStartObject();
            g.writeStringField("action", action);
            g.writeArrayFieldStart("messages");
            for (StreamFailureReplay.Outcome o : outcomes) {
                g.writeStartObject();
                g.writeStringField("messageId", o.messageId());
                g.writeNumberField("receiveCount", o.receiveCount());
                g.writeStringField("status", o.status().name());
                if (o.batch() != null) {
                    g.writeStringField("shardId", o.batch().shardId());
                    g.writeStringField("startSequenceNumber", o.batch().startSequence());
                    g.writeStringField("endSequenceNumber", o.batch().endSequence());
                    g.writeNumberField("batchSize", o.batch().batchSize());
                    g.writeStringField("condition", o.batch().condition());
                }
                if (action.equals("replay") && o.status() != StreamFailureReplay.Status.MALFORMED) {
                    g.writeNumberField("records", o.records());
                    g.writeNumberField("recordsIn", o.recordsIn());
                    g.writeNumberField("accepted", o.accepted());
                    g.writeNumberField("rejected", o.rejected());
                    g.writeNumberField("duplicates", o.duplicates());
                }
                if (o.problem() != null) {
                    g.writeStringField("problem", o.problem());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }
}
