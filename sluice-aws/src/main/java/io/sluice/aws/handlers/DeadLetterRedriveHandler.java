package io.sluice.aws.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.sluice.aws.redrive.DeadLetterRedrive;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The redrive function (OBJ-3): invoked by an operator (console, CLI, a schedule) with
 * {@code {"action": "inspect" | "redrive", "max": 100}}, it lists the object queue's dead-lettered messages or
 * sends them back to the object queue, and answers a JSON summary. Queue URLs come from
 * {@code SLUICE_OBJECT_DLQ_URL} and {@code SLUICE_OBJECT_QUEUE_URL}.
 */
public final class DeadLetterRedriveHandler implements RequestStreamHandler {
    static final int MAX_LIMIT = 10_000;
    private final DeadLetterRedrive redrive;

    public DeadLetterRedriveHandler() {
        this(new DeadLetterRedrive(SqsClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build(),
                OperatorRequest.required(io.sluice.core.contracts.FunctionEnvironment.OBJECT_DLQ_URL),
                OperatorRequest.required(io.sluice.core.contracts.FunctionEnvironment.OBJECT_QUEUE_URL)));
    }

    public DeadLetterRedriveHandler(DeadLetterRedrive redrive) {
        this.redrive = redrive;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        OperatorRequest request = OperatorRequest.read(input, MAX_LIMIT);
        String action = request.action();
        int max = request.max();
        try (JsonGenerator g = new JsonFactory().createGenerator(output)) {
            g.writeStartObject();
            g.writeStringField("action", action);
            switch (action) {
                case "inspect" -> {
                    g.writeArrayFieldStart("messages");
                    for (DeadLetterRedrive.Entry e : redrive.inspect(max)) {
                        g.writeStartObject();
                        g.writeStringField("messageId", e.messageId());
                        g.writeNumberField("receiveCount", e.receiveCount());
                        g.writeNumberField("firstReceived", e.firstReceivedEpochMillis());
                        g.writeArrayFieldStart("objects");
                        for (String o : e.objects()) {
                            g.writeString(o);
                        }
                        g.writeEndArray();
                        if (e.problem() != null) {
                            g.writeStringField("problem", e.problem());
                        }
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                }
                case "redrive" -> {
                    DeadLetterRedrive.Result r = redrive.redrive(max);
                    g.writeNumberField("moved", r.moved());
                    g.writeNumberField("failed", r.failed());
                    g.writeArrayFieldStart("errors");
                    for (String e : r.errors()) {
                        g.writeString(e);
                    }
                    g.writeEndArray();
                }
                default -> throw new IllegalArgumentException("action must be inspect or redrive, was '" + action + "'");
            }
            g.writeEndObject();
        }
    }
}
