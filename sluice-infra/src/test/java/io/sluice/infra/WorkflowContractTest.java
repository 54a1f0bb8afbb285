package io.sluice.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.aws.events.ObjectEvent;
import io.sluice.aws.events.ObjectEvents;
import io.sluice.aws.events.ObjectNotification;
import io.sluice.aws.events.ObjectRef;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The file workflow and the object function agree (ANA-3, OBJ-2): the event the Load state builds is one the
 * handler decodes into the object the workflow validated, and the key the Manifest state reads is the identity
 * under which the handler writes the manifest. The states' parameters are evaluated here on a sample execution,
 * as Step Functions would: {@code "name.$"} entries take the value at their path.
 */
class WorkflowContractTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The state after Validate: the execution input plus HeadObject's selected result (ETag quoted, as S3 gives it). */
    private static final String STATE = """
            {"bucket": "sluice-objects-123456789012-eu-west-1-dev", "key": "incoming/2026/11/Master Nov.csv",
             "head": {"size": 184532, "etag": "\\"5f2b8c1d9e4a7b3c6d0e1f2a3b4c5d6e\\"", "versionId": "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY"}}""";
    private static final String CONTEXT = """
            {"Execution": {"Name": "run-1", "StartTime": "2026-11-23T04:00:00Z"}}""";

    @Test
    void theLoadEventIsOneTheObjectFunctionDecodesAndTheManifestKeyIsItsIdentity() throws Exception {
        JsonNode states = definition().path("States");
        JsonNode state = JSON.readTree(STATE);
        JsonNode context = JSON.readTree(CONTEXT);

        JsonNode payload = evaluate(states.path("Load").path("Parameters").path("Payload"), state, context);
        ObjectEvent event = ObjectEvents.parse(new ByteArrayInputStream(JSON.writeValueAsBytes(payload)));
        assertThat(event).isInstanceOf(ObjectEvent.Direct.class);
        ObjectNotification n = ((ObjectEvent.Direct) event).n();
        assertThat(n).isInstanceOf(ObjectNotification.Objects.class);
        List<ObjectRef> objects = ((ObjectNotification.Objects) n).objects();
        assertThat(objects).singleElement().satisfies(o -> {
            assertThat(o.bucket()).isEqualTo("sluice-objects-123456789012-eu-west-1-dev");
            assertThat(o.key()).isEqualTo("incoming/2026/11/Master Nov.csv");
            assertThat(o.size()).isEqualTo(184_532);
            assertThat(o.versionId()).isEqualTo("3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY");
        });

        // The Manifest state's key: States.Format('{}/{}@v:{}', $.bucket, $.key, $.head.versionId)
        JsonNode key = states.path("Manifest").path("Parameters").path("Key").path("object");
        String format = key.path("S.$").asText();
        assertThat(format).isEqualTo("States.Format('{}/{}@v:{}', $.bucket, $.key, $.head.versionId)");
        String manifestKey = state.path("bucket").asText() + "/" + state.path("key").asText() + "@v:" + state.path("head").path("versionId").asText();
        assertThat(manifestKey).isEqualTo(objects.get(0).identity());
    }

    @Test
    void theManifestStatusesTheWorkflowWaitsForAreTheOnesTheHandlerWrites() throws Exception {
        String isDone = definition().path("States").path("IsDone").toString();
        for (String status : List.of("PROCESSED", "REJECTED")) {
            assertThat(io.sluice.core.intake.InputManifest.Status.valueOf(status).name()).isEqualTo(status);
            assertThat(isDone).contains("\"" + status + "\"");
        }
    }

    /** Step Functions' parameter evaluation: {@code "x.$": "$.path"} or {@code "$$.path"} becomes {@code "x": value}. */
    private static JsonNode evaluate(JsonNode template, JsonNode state, JsonNode context) {
        if (!template.isObject()) {
            return template;
        }
        ObjectNode out = JSON.createObjectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = template.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().endsWith(".$")) {
                String path = e.getValue().asText();
                JsonNode root = path.startsWith("$$.") ? context : state;
                JsonNode v = root;
                for (String part : path.replaceFirst("^\\$\\$?\\.", "").split("\\.")) {
                    v = v.path(part);
                }
                assertThat(v.isMissingNode()).as("path %s of %s", path, e.getKey()).isFalse();
                out.set(e.getKey().substring(0, e.getKey().length() - 2), v);
            } else {
                out.set(e.getKey(), evaluate(e.getValue(), state, context));
            }
        }
        return out;
    }

    private static JsonNode definition() throws Exception {
        Map<String, Map<String, Object>> machines = Synthesized.of("dev").compute().findResources("AWS::StepFunctions::StateMachine");
        Object body = ((Map<?, ?>) machines.values().iterator().next().get("Properties")).get("DefinitionString");
        StringBuilder b = new StringBuilder();
        if (body instanceof Map<?, ?> m && m.get("Fn::Join") instanceof List<?> join) {
            for (Object part : (List<?>) join.get(1)) {
                b.append(part instanceof String s ? s : "TOKEN");
            }
        } else {
            b.append(body);
        }
        return JSON.readTree(b.toString().getBytes(StandardCharsets.UTF_8));
    }
}
