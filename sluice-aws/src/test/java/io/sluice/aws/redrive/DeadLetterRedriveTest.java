package io.sluice.aws.redrive;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.aws.handlers.DeadLetterRedriveHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResultEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;

/** OBJ-3: the redrive tool moves dead-lettered messages back, deleting each only after the object queue took it. */
class DeadLetterRedriveTest {
    private static final String DLQ = "https://sqs.eu-west-1.amazonaws.com/123456789012/sluice-objects-dlq-dev";
    private static final String QUEUE = "https://sqs.eu-west-1.amazonaws.com/123456789012/sluice-objects-dev";

    /** Two queues in memory, with SQS's receive/send/delete semantics as far as the tool uses them. */
    static final class FakeSqs implements SqsClient {
        final Map<String, Deque<Message>> queues = new HashMap<>(Map.of(DLQ, new ArrayDeque<>(), QUEUE, new ArrayDeque<>()));
        final Map<String, Message> inFlight = new HashMap<>();
        int refuseSendsOf = -1;
        int ids;

        void put(String queue, String body) {
            queues.get(queue).add(Message.builder().messageId("m-" + ++ids).body(body).receiptHandle("rh-" + ids)
                    .attributes(Map.of(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "5",
                            MessageSystemAttributeName.APPROXIMATE_FIRST_RECEIVE_TIMESTAMP, "1762160400000")).build());
        }

        @Override
        public ReceiveMessageResponse receiveMessage(ReceiveMessageRequest r) {
            Deque<Message> q = queues.get(r.queueUrl());
            List<Message> out = new ArrayList<>();
            for (Message m : q) {
                if (out.size() < r.maxNumberOfMessages() && !inFlight.containsKey(m.receiptHandle())) {
                    out.add(m);
                }
            }
            if (r.visibilityTimeout() > 0) {
                out.forEach(m -> inFlight.put(m.receiptHandle(), m));
            }
            return ReceiveMessageResponse.builder().messages(out).build();
        }

        @Override
        public SendMessageBatchResponse sendMessageBatch(SendMessageBatchRequest r) {
            SendMessageBatchResponse.Builder b = SendMessageBatchResponse.builder();
            List<SendMessageBatchResultEntry> ok = new ArrayList<>();
            List<BatchResultErrorEntry> bad = new ArrayList<>();
            for (var e : r.entries()) {
                if (e.messageBody().contains("refuse-me")) {
                    bad.add(BatchResultErrorEntry.builder().id(e.id()).code("InvalidMessageContents").message("refused").senderFault(true).build());
                } else {
                    put(r.queueUrl(), e.messageBody());
                    ok.add(SendMessageBatchResultEntry.builder().id(e.id()).messageId("new").build());
                }
            }
            return b.successful(ok).failed(bad).build();
        }

        @Override
        public DeleteMessageBatchResponse deleteMessageBatch(DeleteMessageBatchRequest r) {
            List<DeleteMessageBatchResultEntry> ok = new ArrayList<>();
            for (var e : r.entries()) {
                queues.get(r.queueUrl()).removeIf(m -> m.receiptHandle().equals(e.receiptHandle()));
                inFlight.remove(e.receiptHandle());
                ok.add(DeleteMessageBatchResultEntry.builder().id(e.id()).build());
            }
            return DeleteMessageBatchResponse.builder().successful(ok).build();
        }

        @Override
        public String serviceName() {
            return "sqs";
        }

        @Override
        public void close() {
        }
    }

    private static String sampleBody() throws Exception {
        String event = Files.readString(Path.of("..", "docs", "events", "sqs-s3-object-created.json"));
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(event).at("/Records/0/body").asText();
    }

    @Test
    void inspectListsTheObjectsAndLeavesTheMessages() throws Exception {
        FakeSqs sqs = new FakeSqs();
        sqs.put(DLQ, sampleBody());
        sqs.put(DLQ, "not json");
        List<DeadLetterRedrive.Entry> seen = new DeadLetterRedrive(sqs, DLQ, QUEUE).inspect(10);
        assertThat(seen).hasSize(2);
        assertThat(seen.get(0).objects()).singleElement().asString().contains("incoming/2026/11/Master Nov.csv@v:");
        assertThat(seen.get(0).receiveCount()).isEqualTo(5);
        assertThat(seen.get(1).problem()).isNotBlank();
        assertThat(sqs.queues.get(DLQ)).hasSize(2);
    }

    @Test
    void redriveMovesMessagesBackAndKeepsWhatTheQueueRefused() throws Exception {
        FakeSqs sqs = new FakeSqs();
        for (int i = 0; i < 23; i++) {
            sqs.put(DLQ, sampleBody());
        }
        sqs.put(DLQ, "refuse-me");
        DeadLetterRedrive.Result r = new DeadLetterRedrive(sqs, DLQ, QUEUE).redrive(100);
        assertThat(r.moved()).isEqualTo(23);
        assertThat(r.failed()).isEqualTo(1);
        assertThat(r.errors()).singleElement().asString().contains("InvalidMessageContents");
        assertThat(sqs.queues.get(QUEUE)).hasSize(23);
        assertThat(sqs.queues.get(DLQ)).singleElement().satisfies(m -> assertThat(m.body()).isEqualTo("refuse-me"));
    }

    @Test
    void theHandlerAnswersJson() throws Exception {
        FakeSqs sqs = new FakeSqs();
        sqs.put(DLQ, sampleBody());
        DeadLetterRedriveHandler h = new DeadLetterRedriveHandler(new DeadLetterRedrive(sqs, DLQ, QUEUE));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        h.handleRequest(new ByteArrayInputStream("{\"action\":\"redrive\",\"max\":5}".getBytes(StandardCharsets.UTF_8)), out, null);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("{\"action\":\"redrive\",\"moved\":1,\"failed\":0,\"errors\":[]}");
    }
}
