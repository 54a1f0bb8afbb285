package io.sluice.aws.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * The partial batch response that Kinesis and SQS event source mappings read when {@code ReportBatchItemFailures} is
 * on (CDR-12, OBJ-3): {@code {"batchItemFailures":[{"itemIdentifier":"..."}]}}, naming a sequence number (Kinesis) or
 * a {@code messageId} (SQS). Defined at
 * https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html and
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html.
 *
 * <p>Written key by key rather than by a serializer: Lambda reads a misspelled key as an empty list, that is as
 * success, and the failed records are lost (AWS-CONTRACTS.md section 8, item 3). A null or empty identifier is refused
 * here because Lambda would fail the whole batch on it.
 */
public final class BatchResponses {
    private static final String FAILURES = "batchItemFailures";
    private static final String IDENTIFIER = "itemIdentifier";
    private static final JsonFactory JSON = JsonFactory.builder().disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build();

    private BatchResponses() {
    }

    /**
     * Writes the response naming {@code failedItemIdentifiers}, in order; an empty list reports success. The stream is
     * flushed, not closed: it belongs to the caller.
     *
     * @throws IllegalArgumentException if an identifier is null or empty; nothing is written then
     */
    public static void write(OutputStream out, List<String> failedItemIdentifiers) {
        Objects.requireNonNull(out, "out");
        for (int i = 0; i < failedItemIdentifiers.size(); i++) {
            String id = failedItemIdentifiers.get(i);
            if (id == null || id.isEmpty()) {
                throw new IllegalArgumentException("failed item identifier " + i + " is " + (id == null ? "null" : "empty")
                        + ": Lambda would count the whole batch as failed");
            }
        }
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeArrayFieldStart(FAILURES);
            for (String id : failedItemIdentifiers) {
                g.writeStartObject();
                g.writeStringField(IDENTIFIER, id);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing the batch response", e);
        }
    }

    /**
     * The identifiers of a response, for tests and the CLI. Stricter than Lambda on purpose: any other key, at either
     * level, is refused, because Lambda would ignore it and count the batch as a success.
     *
     * @throws MalformedEventException naming the offending path
     */
    public static List<String> read(InputStream in) {
        EventNode response = EventNode.read(in, "response");
        onlyField(response, FAILURES);
        EventNode failures = response.array(FAILURES);
        List<String> ids = new ArrayList<>(failures.count());
        for (int i = 0; i < failures.count(); i++) {
            EventNode failure = failures.element(i);
            onlyField(failure, IDENTIFIER);
            ids.add(failure.text(IDENTIFIER));
        }
        return List.copyOf(ids);
    }

    private static void onlyField(EventNode node, String expected) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals(expected)) {
                throw node.problem(name, "is not part of a batch response (expected only " + expected + "); Lambda would ignore it");
            }
        }
    }
}
