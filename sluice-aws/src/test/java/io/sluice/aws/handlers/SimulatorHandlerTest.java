package io.sluice.aws.handlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.Context;
import io.sluice.core.contracts.FunctionEnvironment;
import io.sluice.core.monitoring.FunctionMetrics;
import io.sluice.core.monitoring.Instrumentation;
import io.sluice.core.monitoring.SyntheticLoad;
import io.sluice.core.pipeline.memory.InMemoryErrorLog;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** MON-6 on AWS: the simulator function starts its synthetic invocations, each one failing as often as configured. */
class SimulatorHandlerTest {
    private static final String ALIAS_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:sluice-simulator-dev:live";
    private final List<String> invoked = new ArrayList<>();
    private final InMemoryErrorLog errors = new InMemoryErrorLog();
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();

    private SimulatorHandler handler(double errorRate) {
        return new SimulatorHandler(new Instrumentation(FunctionMetrics.NONE, errors),
                (fn, payload) -> invoked.add(fn + " " + new String(payload, StandardCharsets.UTF_8)),
                new SyntheticLoad(errorRate, 1, 2), 5, new SplittableRandom(1), new PrintStream(logged, true, StandardCharsets.UTF_8));
    }

    private static Context context() {
        return (Context) java.lang.reflect.Proxy.newProxyInstance(Context.class.getClassLoader(), new Class<?>[] {Context.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getFunctionName" -> "sluice-simulator-dev";
                    case "getInvokedFunctionArn" -> ALIAS_ARN;
                    default -> null;
                });
    }

    private String run(SimulatorHandler h, String event) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        h.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, context());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("the schedule's event starts the configured number of asynchronous invocations through the alias")
    void theScheduleStartsTheInvocations() throws Exception {
        String scheduled = "{\"version\":\"0\",\"id\":\"53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa\",\"detail-type\":\"Scheduled Event\","
                + "\"source\":\"aws.events\",\"account\":\"123456789012\",\"time\":\"2026-12-04T10:00:00Z\",\"region\":\"eu-west-1\","
                + "\"resources\":[\"arn:aws:events:eu-west-1:123456789012:rule/sluice-simulator-dev\"],\"detail\":{}}";
        assertThat(run(handler(0.07), scheduled)).isEqualTo("{\"started\":5}");
        assertThat(invoked).containsExactly(ALIAS_ARN + " {\"simulated\":0}", ALIAS_ARN + " {\"simulated\":1}",
                ALIAS_ARN + " {\"simulated\":2}", ALIAS_ARN + " {\"simulated\":3}", ALIAS_ARN + " {\"simulated\":4}");
        assertThat(logged.toString(StandardCharsets.UTF_8)).contains("\"SimulatedInvocationsStarted\":5");
    }

    @Test
    @DisplayName("a synthetic invocation that fails throws, so Lambda counts the error, and leaves an error record")
    void aFailingInvocationThrowsAndIsRecorded() throws Exception {
        assertThatThrownBy(() -> run(handler(1), "{\"simulated\":3}")).isInstanceOf(SyntheticLoad.SimulatedFailure.class)
                .hasMessage("simulated failure of invocation 3");
        assertThat(errors.entries()).singleElement().satisfies(e -> {
            assertThat(e.functionName()).isEqualTo("sluice-simulator-dev");
            assertThat(e.eventSnapshot()).isEqualTo("{\"simulated\":3}");
        });
        assertThat(run(handler(0), "{\"simulated\":4}")).isEqualTo("{\"simulated\":true}");
        assertThat(errors.entries()).hasSize(1);
        assertThat(invoked).isEmpty();
    }

    @Test
    @DisplayName("its settings come from the environment, with defaults, and bad ones are refused")
    void settings() {
        assertThat(SimulatorHandler.settings(Map.of())).isEqualTo(new SyntheticLoad(0.07, 20, 120));
        assertThat(SimulatorHandler.invocations(Map.of())).isEqualTo(100);
        assertThat(SimulatorHandler.settings(Map.of(FunctionEnvironment.SIMULATOR_ERROR_RATE, "0.5",
                FunctionEnvironment.SIMULATOR_LATENCY_MS, "5,50"))).isEqualTo(new SyntheticLoad(0.5, 5, 50));
        assertThatThrownBy(() -> SimulatorHandler.invocations(Map.of(FunctionEnvironment.SIMULATOR_INVOCATIONS, "0")))
                .hasMessageContaining("1 to 1000");
    }
}
