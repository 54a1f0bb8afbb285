package io.sluice.aws.redrive;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.aws.testing.ElasticMq;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * OBJ-3 against ElasticMQ, an SQS-compatible server in this JVM, through the real SDK client: receive with a zero
 * visibility timeout leaves messages in place, a redrive moves each message once and empties the dead-letter queue.
 */
class DeadLetterRedriveElasticMqTest {
    private static ElasticMq elasticMq;
    private static SqsClient sqs;

    @BeforeAll
    static void start() {
        elasticMq = ElasticMq.start();
        sqs = elasticMq.sqs();
    }

    @AfterAll
    static void stop() {
        elasticMq.close();
    }

    private static int count(String url) {
        return elasticMq.count(url, "ApproximateNumberOfMessages");
    }

    @Test
    void inspectLeavesTheMessagesAndRedriveMovesEachOnce() throws Exception {
        String dlq = sqs.createQueue(b -> b.queueName("sluice-objects-dlq-test")).queueUrl();
        String queue = sqs.createQueue(b -> b.queueName("sluice-objects-test")).queueUrl();
        String event = Files.readString(Path.of("..", "docs", "events", "sqs-s3-object-created.json"));
        String body = new com.fasterxml.jackson.databind.ObjectMapper().readTree(event).at("/Records/0/body").asText();
        for (int i = 0; i < 12; i++) {
            sqs.sendMessage(b -> b.queueUrl(dlq).messageBody(body));
        }
        sqs.sendMessage(b -> b.queueUrl(dlq).messageBody("not a notification"));
        DeadLetterRedrive tool = new DeadLetterRedrive(sqs, dlq, queue);

        List<DeadLetterRedrive.Entry> seen = tool.inspect(100);
        assertThat(seen).hasSize(13);
        assertThat(seen).filteredOn(e -> e.problem() != null).hasSize(1);
        assertThat(count(dlq)).isEqualTo(13);

        DeadLetterRedrive.Result r = tool.redrive(100);
        assertThat(r.moved()).isEqualTo(13);
        assertThat(r.failed()).isZero();
        assertThat(count(dlq)).isZero();
        assertThat(count(queue)).isEqualTo(13);
    }
}
