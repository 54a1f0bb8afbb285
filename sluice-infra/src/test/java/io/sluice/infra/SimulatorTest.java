package io.sluice.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * Issue 19 (MON-3, MON-5, MON-6): {@code -c simulator=true} adds the simulator function to a non-production environment,
 * watched by the same standing alarms as every function, synthesized with the preflight checks and cdk-nag as every
 * synth is; prod refuses it.
 */
class SimulatorTest {
    private static Template dev;

    private static List<Stack> synth(String suffix, Map<String, Object> context) {
        App app = new App(AppProps.builder().context(context).build());
        List<Stack> stacks = SluiceApp.build(app, SluiceEnvironment.of(suffix));
        SluiceApp.synthesize(app, stacks); // fails on a preflight finding or a cdk-nag error
        return stacks;
    }

    @BeforeAll
    static void synthDev() {
        dev = Template.fromStack(synth("dev", Map.of("simulator", "true")).stream()
                .filter(s -> s.getStackName().equals("SluiceCompute-dev")).findFirst().orElseThrow());
    }

    @Test
    void theSimulatorRunsEveryMinuteThroughItsAliasWithoutRetries() {
        dev.hasResourceProperties("AWS::Lambda::Function", Map.of("FunctionName", "sluice-simulator-dev",
                "Handler", ComputeStack.SIMULATOR_HANDLER, "ReservedConcurrentExecutions", ComputeStack.SIMULATED_CONCURRENCY,
                "Environment", Map.of("Variables", Match.objectLike(Map.of("SLUICE_SIMULATOR_ERROR_RATE", "0.07",
                        "SLUICE_SIMULATOR_INVOCATIONS", "100", "SLUICE_SIMULATOR_LATENCY_MS", "20,120")))));
        dev.hasResourceProperties("AWS::Lambda::EventInvokeConfig", Map.of("MaximumRetryAttempts", 0, "Qualifier", Match.anyValue()));
        assertThat(dev.findResources("AWS::Lambda::EventInvokeConfig").keySet()).as("on the alias live").allMatch(id -> id.startsWith("SimulatorLive"));
        dev.hasResourceProperties("AWS::Events::Rule", Map.of("Name", "sluice-simulator-dev", "ScheduleExpression", "rate(1 minute)",
                "Targets", List.of(Match.objectLike(Map.of("RetryPolicy", Map.of("MaximumRetryAttempts", 0))))));
    }

    @Test
    void itMayWriteTheErrorTableAndInvokeItselfNothingMore() {
        Map<String, Map<String, Object>> roles = dev.findResources("AWS::IAM::Role", Map.of("Properties",
                Map.of("Description", "Sluice simulator function")));
        assertThat(roles).hasSize(1);
        String policy = roles.values().iterator().next().toString();
        assertThat(policy).contains("dynamodb:PutItem", "lambda:InvokeFunction", "function:sluice-simulator-dev:live")
                .doesNotContain("dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan", "kinesis:", "sqs:", "s3:");
    }

    @Test
    void itHasTheStandingAlarmsWithActionsOnTheAlertsTopic() {
        for (String alarm : List.of("error-rate", "duration-p99", "throttles")) {
            dev.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("AlarmName", "sluice-simulator-" + alarm + "-dev",
                    "AlarmActions", Match.anyValue(), "OKActions", Match.anyValue()));
        }
    }

    @Test
    void withoutTheFlagThereIsNoSimulatorAndProdRefusesIt() {
        assertThat(Synthesized.of("dev").compute().findResources("AWS::Lambda::Function",
                Map.of("Properties", Map.of("FunctionName", "sluice-simulator-dev")))).isEmpty();
        assertThatThrownBy(() -> synth("prod", Map.of("simulator", "true"))).hasMessageContaining("refused in prod");
    }
}
