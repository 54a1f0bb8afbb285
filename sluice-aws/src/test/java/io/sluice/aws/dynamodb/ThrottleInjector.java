package io.sluice.aws.dynamodb;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;

/**
 * Makes DynamoDB look throttled for a seeded fraction of calls, the hard way: the request has reached DynamoDB
 * Local and been applied, then the answer the client sees is replaced by a 400
 * {@code ProvisionedThroughputExceededException} (so the SDK retries a write that already happened), or, for
 * BatchGetItem and BatchWriteItem, by a success that hands every key or item back as unprocessed. Everything
 * must still be written exactly once (OBJ-3).
 */
final class ThrottleInjector implements ExecutionInterceptor {
    private static final ExecutionAttribute<Boolean> THROTTLE = new ExecutionAttribute<>("sluice.throttle");
    private final Random random;
    private final double fraction;
    final AtomicInteger throttled = new AtomicInteger();
    final AtomicInteger unprocessed = new AtomicInteger();

    ThrottleInjector(long seed, double fraction) {
        this.random = new Random(seed);
        this.fraction = fraction;
    }

    private synchronized boolean draw() {
        return random.nextDouble() < fraction;
    }

    @Override
    public SdkHttpResponse modifyHttpResponse(Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
        boolean batch = context.request() instanceof BatchGetItemRequest || context.request() instanceof BatchWriteItemRequest;
        if (!batch && context.httpResponse().isSuccessful() && draw()) {
            attributes.putAttribute(THROTTLE, true);
            throttled.incrementAndGet();
            return context.httpResponse().toBuilder().statusCode(400).statusText("Bad Request").build();
        }
        return context.httpResponse();
    }

    @Override
    public Optional<InputStream> modifyHttpResponseContent(Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
        if (Boolean.TRUE.equals(attributes.getAttribute(THROTTLE))) {
            attributes.putAttribute(THROTTLE, false);
            String body = "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException\","
                    + "\"message\":\"injected by ThrottleInjector\"}";
            return Optional.of(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
        }
        return context.responseBody();
    }

    @Override
    public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
        if (context.request() instanceof BatchGetItemRequest r && draw()) {
            unprocessed.incrementAndGet();
            return BatchGetItemResponse.builder().responses(java.util.Map.of()).unprocessedKeys(r.requestItems()).build();
        }
        if (context.request() instanceof BatchWriteItemRequest r && draw()) {
            unprocessed.incrementAndGet();
            return BatchWriteItemResponse.builder().unprocessedItems(r.requestItems()).build();
        }
        return context.response();
    }
}
