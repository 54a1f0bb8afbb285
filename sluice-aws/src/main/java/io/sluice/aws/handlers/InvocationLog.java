package io.sluice.aws.handlers;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One JSON line per invocation on standard output, which Lambda sends to CloudWatch Logs: a structured log
 * entry and, through its {@code _aws} member, an embedded-metric-format document (MON-1), so the counts become
 * CloudWatch metrics (namespace {@code Sluice}, dimension {@code FunctionName}) with no API call.
 */
final class InvocationLog {
    /**
     * 1 for an invocation that failed but returned normally (a Kinesis or SQS batch reporting failed items), which Lambda
     * does not count in its Errors metric: the error-rate alarm adds it (MON-3), as the one-machine home counts such an
     * invocation as an error. Its name is the CDK app's too (sluice-infra SluiceFunctions).
     */
    static final String HANDLED_FAILURES = "HandledFailures";
    private static final JsonFactory JSON = new JsonFactory();
    private final Map<String, Long> metrics = new LinkedHashMap<>();
    private final Map<String, String> fields = new LinkedHashMap<>();

    InvocationLog metric(String name, long value) {
        metrics.put(name, value);
        return this;
    }

    InvocationLog field(String name, String value) {
        fields.put(name, value);
        return this;
    }

    String render(String functionName, long epochMillis) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartObject();
            g.writeObjectFieldStart("_aws");
            g.writeNumberField("Timestamp", epochMillis);
            g.writeArrayFieldStart("CloudWatchMetrics");
            g.writeStartObject();
            g.writeStringField("Namespace", "Sluice");
            g.writeArrayFieldStart("Dimensions");
            g.writeStartArray();
            g.writeString("FunctionName");
            g.writeEndArray();
            g.writeEndArray();
            g.writeArrayFieldStart("Metrics");
            for (String name : metrics.keySet()) {
                g.writeStartObject();
                g.writeStringField("Name", name);
                g.writeStringField("Unit", name.endsWith("Millis") ? "Milliseconds" : "Count");
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeEndArray();
            g.writeEndObject();
            g.writeStringField("level", fields.containsKey("error") ? "ERROR" : "INFO");
            g.writeStringField("FunctionName", functionName);
            for (Map.Entry<String, String> f : fields.entrySet()) {
                g.writeStringField(f.getKey(), f.getValue());
            }
            for (Map.Entry<String, Long> m : metrics.entrySet()) {
                g.writeNumberField(m.getKey(), m.getValue());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }
}
