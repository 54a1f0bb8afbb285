package io.sluice.aws.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.sluice.aws.redrive.KinesisShardReader;
import io.sluice.aws.redrive.StreamFailureReplay;
import io.sluice.aws.redrive.StreamFailureReplay.Outcome;
import io.sluice.aws.redrive.StreamFailureReplay.Status;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The stream replay function (CDR-12), invoked by an operator:
 * <ul>
 *   <li>{@code {"action": "inspect", "max": 10}} lists the Kinesis batches that ran out of retries (the
 *   stream-failures queue) and the ranges they name;</li>
 *   <li>{@code {"action": "replay", "max": 10}} reads those ranges back from the stream and commits them through the
 *   stream function's pipeline, stopping early while there is still time to answer;</li>
 *   <li>{@code {"action": "discard", "messageId": ".."}} deletes one kept message whose loss is accepted, and logs it.</li>
 * </ul>
 * It answers a JSON summary and logs one JSON line per invocation with the counts (and each loss). The queue comes
 * from {@code SLUICE_STREAM_FAILURES_QUEUE_URL}; the stores from the stream function's variables ({@link Wiring}).
 */
public final class StreamFailureReplayHandler implements RequestStreamHandler {
    static final int MAX_LIMIT = 1_000;
    /** Time kept back when starting another message: one range can take about two minutes, then the answer is due. */
    static final long MARGIN_MILLIS = 150_000;
    private final StreamFailureReplay replay;
    private final String functionName;
    private final PrintStream log;
    private final Wiring alerts;

    public StreamFailureReplayHandler() {
        this(new StreamFailureReplay(SqsClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build(),
                OperatorRequest.required(io.sluice.core.contracts.FunctionEnvironment.STREAM_FAILURES_QUEUE_URL),
                new KinesisShardReader(KinesisClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build()),
                new KinesisBatch(Wiring.shared().processor())), Wiring.shared().functionName(), System.out, Wiring.shared());
    }

    public StreamFailureReplayHandler(StreamFailureReplay replay, String functionName, PrintStream log) {
        this(replay, functionName, log, null);
    }

    /** @param alerts the wiring whose owed fraud alerts (CDR-10) go out after a replay; null for none */
    public StreamFailureReplayHandler(StreamFailureReplay replay, String functionName, PrintStream log, Wiring alerts) {
        this.replay = replay;
        this.functionName = functionName;
        this.log = log;
        this.alerts = alerts;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        byte[] event = input.readAllBytes();
        // One invocation of the core instrumentation (MON-1, MON-2): a failure is thrown to the operator, with an error record.
        io.sluice.core.monitoring.Instrumentation instrumentation = alerts != null ? alerts.instrumentation()
                : new io.sluice.core.monitoring.Instrumentation(io.sluice.core.monitoring.FunctionMetrics.NONE,
                        (fn, at, error, millis, ev) -> "unrecorded");
        instrumentation.invoke(functionName, () -> new String(event, java.nio.charset.StandardCharsets.UTF_8), call -> {
            handle(new java.io.ByteArrayInputStream(event), output, context);
            return null;
        });
    }

    private void handle(InputStream input, OutputStream output, Context context) throws IOException {
        OperatorRequest request = OperatorRequest.read(input, MAX_LIMIT);
        BooleanSupplier timeLeft = context == null ? () -> true : () -> context.getRemainingTimeInMillis() > MARGIN_MILLIS;
        InvocationLog line = new InvocationLog().field("action", request.action());
        try (JsonGenerator g = new JsonFactory().createGenerator(output)) {
            g.writeStartObject();
            g.writeStringField("action", request.action());
            switch (request.action()) {
                case "inspect" -> messages(g, replay.inspect(request.max()), false);
                case "replay" -> {
                    StreamFailureReplay.Report report = replay.replay(request.max(), timeLeft);
                    messages(g, report.outcomes(), true);
                    Map<Status, Integer> totals = new EnumMap<>(Status.class);
                    report.outcomes().forEach(o -> totals.merge(o.status(), 1, Integer::sum));
                    g.writeObjectFieldStart("totals");
                    for (Map.Entry<Status, Integer> t : totals.entrySet()) {
                        g.writeNumberField(t.getKey().name(), t.getValue());
                        line.metric("Messages" + t.getKey().name(), t.getValue());
                    }
                    g.writeEndObject();
                    g.writeBooleanField("stoppedEarly", report.stoppedEarly());
                    for (Outcome o : report.outcomes()) {
                        if (o.problem() != null) {
                            line.field("problem_" + o.messageId(), o.status() + ": " + o.problem());
                        }
                    }
                    line.metric("RecordsIn", report.outcomes().stream().mapToLong(Outcome::recordsIn).sum())
                            .metric("Accepted", report.outcomes().stream().mapToLong(Outcome::accepted).sum())
                            .metric("Duplicates", report.outcomes().stream().mapToLong(Outcome::duplicates).sum());
                    if (alerts != null) {
                        // The replayed records ran the fraud rules: what they raised goes out now, not at the stream's next batch.
                        line.metric("FraudAlertsSent", alerts.deliverAlerts(log));
                    }
                }
                case "discard" -> {
                    String id = request.messageId().orElseThrow(() -> new IllegalArgumentException("discard needs \"messageId\""));
                    Optional<String> body = replay.discard(id, 50);
                    g.writeStringField("messageId", id);
                    g.writeBooleanField("discarded", body.isPresent());
                    // The loss is on record in the log: the on-failure record names the shard and range given up.
                    body.ifPresent(b -> line.field("discarded_" + id, b));
                }
                default -> throw new IllegalArgumentException("action must be inspect, replay or discard, was '" + request.action() + "'");
            }
            g.writeNumberField("waiting", replay.waiting());
            g.writeEndObject();
        }
        log.println(line.render(functionName, System.currentTimeMillis()));
    }

    private static void messages(JsonGenerator g, List<Outcome> outcomes, boolean counts) throws IOException {
        g.writeArrayFieldStart("messages");
        for (Outcome o : outcomes) {
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
            if (counts && o.status() != Status.MALFORMED) {
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
    }
}
