package io.sluice.infra;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;

/**
 * The whole app synthesized once per environment, with cdk-nag's AwsSolutions and Serverless packs (which the app
 * applies to every synth), shared by every test class in the JVM (a synth takes seconds; INF-12). A nag error or a preflight finding
 * fails the synth itself ({@link SluiceApp#synthesize}).
 */
final class Synthesized {
    private static final Map<String, Synthesized> CACHE = new LinkedHashMap<>();

    final SluiceEnvironment env;
    final List<Stack> stacks;
    final Map<String, Template> templates = new LinkedHashMap<>();

    private Synthesized(SluiceEnvironment env) {
        this.env = env;
        App app = new App();
        stacks = SluiceApp.build(app, env); // with the cdk-nag packs, as every synth of the app
        SluiceApp.synthesize(app, stacks);
        for (Stack s : stacks) {
            templates.put(s.getStackName().replaceFirst("-" + env.suffix() + "$", ""), Template.fromStack(s));
        }
    }

    static synchronized Synthesized of(String suffix) {
        return CACHE.computeIfAbsent(suffix, s -> new Synthesized(SluiceEnvironment.of(s)));
    }

    Template data() {
        return templates.get("SluiceData");
    }

    Template analytics() {
        return templates.get("SluiceAnalytics");
    }

    Template compute() {
        return templates.get("SluiceCompute");
    }

    Template telemetry() {
        return templates.get("SluiceTelemetry");
    }

    Stack stack(String name) {
        return stacks.stream().filter(s -> s.getStackName().equals(name + "-" + env.suffix())).findFirst().orElseThrow();
    }
}
