package io.sluice.aws.testing;

import java.net.URI;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/** ElasticMQ, an SQS-compatible server in this JVM on a free port, and the real SDK client pointed at it. */
public final class ElasticMq implements AutoCloseable {
    private final SQSRestServer server;
    private final SqsClient sqs;

    private ElasticMq(SQSRestServer server, SqsClient sqs) {
        this.server = server;
        this.sqs = sqs;
    }

    public static ElasticMq start() {
        SQSRestServer server = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
        int port = server.waitUntilStarted().localAddress().getPort();
        SqsClient sqs = SqsClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + port)).region(Region.EU_WEST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
                .httpClient(UrlConnectionHttpClient.create()).build();
        return new ElasticMq(server, sqs);
    }

    public SqsClient sqs() {
        return sqs;
    }

    /** A queue attribute that counts messages, e.g. {@code ApproximateNumberOfMessages}. */
    public int count(String queueUrl, String attribute) {
        return Integer.parseInt(sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNamesWithStrings(attribute))
                .attributesAsStrings().get(attribute));
    }

    @Override
    public void close() {
        sqs.close();
        server.stopAndWait();
    }
}
