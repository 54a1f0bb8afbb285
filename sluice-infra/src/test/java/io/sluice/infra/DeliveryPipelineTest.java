package io.sluice.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.cxapi.CloudAssembly;

/**
 * INF-13: the delivery pipeline builds and tests a commit once and promotes that same assembly dev -> staging -> prod,
 * prod after a manual approval, each stage checked by {@code sluice doctor --deployed}. Synthesized once, with
 * cdk-nag on the pipeline and on every stage: a finding fails the synth.
 */
class DeliveryPipelineTest {
    static final String CONNECTION = "arn:aws:codeconnections:eu-west-1:123456789012:connection/0a1b2c3d-4e5f";
    static final Map<String, Object> CONTEXT = Map.of("pipeline", "acme/sluice", "connectionArn", CONNECTION,
            "prod.AlertEmail", "ops@example.com", "prod.SourceZone", "Europe/London", "prod.DefaultCountry", "GB");
    private static final ObjectMapper JSON = new ObjectMapper();

    static DeliveryPipeline pipeline;
    static CloudAssembly assembly;
    static JsonNode template;

    @BeforeAll
    static void synth() {
        App app = App.Builder.create().context(CONTEXT).build();
        pipeline = DeliveryPipeline.build(app);
        assembly = SluiceApp.synthesize(app, List.of(pipeline)); // fails on any preflight or nag error, stages included
        template = JSON.valueToTree(Template.fromStack(pipeline).toJSON());
    }

    private static List<JsonNode> resources(String type) {
        List<JsonNode> found = new ArrayList<>();
        template.get("Resources").forEach(r -> {
            if (r.get("Type").asText().equals(type)) {
                found.add(r);
            }
        });
        return found;
    }

    private static JsonNode stage(String name) {
        for (JsonNode s : resources("AWS::CodePipeline::Pipeline").get(0).at("/Properties/Stages")) {
            if (s.get("Name").asText().equals(name)) {
                return s;
            }
        }
        throw new AssertionError("no stage " + name);
    }

    /** The stage's actions as "name category runOrder". */
    private static List<String> actions(String stage) {
        return StreamSupport.stream(stage(stage).get("Actions").spliterator(), false)
                .map(a -> a.get("Name").asText() + " " + a.at("/ActionTypeId/Category").asText() + " " + a.get("RunOrder").asInt())
                .toList();
    }

    private static JsonNode buildSpec(String projectIdPrefix) throws Exception {
        var it = template.get("Resources").fields();
        while (it.hasNext()) {
            var e = it.next();
            if (e.getKey().startsWith(projectIdPrefix) && e.getValue().get("Type").asText().equals("AWS::CodeBuild::Project")) {
                return JSON.readTree(e.getValue().at("/Properties/Source/BuildSpec").asText());
            }
        }
        throw new AssertionError("no project " + projectIdPrefix);
    }

    @Test
    void theStagesRunInPromotionOrderAfterOneBuild() {
        JsonNode p = resources("AWS::CodePipeline::Pipeline").get(0);
        assertThat(p.at("/Properties/Name").asText()).isEqualTo("sluice-delivery");
        assertThat(p.at("/Properties/PipelineType").asText()).isEqualTo("V2");
        assertThat(p.at("/Properties/Stages").findValuesAsText("Name").stream()
                .filter(n -> List.of("Source", "Build", "UpdatePipeline", "Assets", "Dev", "Staging", "Prod").contains(n)).toList())
                .containsExactly("Source", "Build", "UpdatePipeline", "Assets", "Dev", "Staging", "Prod");
        assertThat(actions("Source")).containsExactly("acme_sluice Source 1");
        assertThat(stage("Source").at("/Actions/0/Configuration/ConnectionArn").asText()).isEqualTo(CONNECTION);
        assertThat(stage("Source").at("/Actions/0/Configuration/FullRepositoryId").asText()).isEqualTo("acme/sluice");
        assertThat(stage("Source").at("/Actions/0/Configuration/BranchName").asText()).isEqualTo("main");
    }

    @Test
    void eachEnvironmentDeploysItsFourStacksUnderTheirManualNamesThenIsChecked() {
        // Compute and telemetry both follow analytics and depend on nothing of each other's: they deploy side by side.
        for (String env : List.of("dev", "staging")) {
            assertThat(actions(DeliveryPipeline.capitalized(env))).containsExactly(
                    "SluiceData-" + env + ".Prepare Deploy 1", "SluiceData-" + env + ".Deploy Deploy 2",
                    "SluiceAnalytics-" + env + ".Prepare Deploy 3", "SluiceAnalytics-" + env + ".Deploy Deploy 4",
                    "SluiceCompute-" + env + ".Prepare Deploy 5", "SluiceTelemetry-" + env + ".Prepare Deploy 5",
                    "SluiceCompute-" + env + ".Deploy Deploy 6", "SluiceTelemetry-" + env + ".Deploy Deploy 6",
                    "Check" + DeliveryPipeline.capitalized(env) + " Build 7");
        }
        // Prod waits for a person first.
        assertThat(actions("Prod")).containsExactly("PromoteToProd Approval 1",
                "SluiceData-prod.Prepare Deploy 2", "SluiceData-prod.Deploy Deploy 3",
                "SluiceAnalytics-prod.Prepare Deploy 4", "SluiceAnalytics-prod.Deploy Deploy 5",
                "SluiceCompute-prod.Prepare Deploy 6", "SluiceTelemetry-prod.Prepare Deploy 6",
                "SluiceCompute-prod.Deploy Deploy 7", "SluiceTelemetry-prod.Deploy Deploy 7", "CheckProd Build 8");
        assertThat(stage("Prod").at("/Actions/1/Configuration/StackName").asText()).isEqualTo("SluiceData-prod");
    }

    @Test
    void oneJarIsPublishedOnceForEveryStage() {
        // The function code of dev, staging and prod is the one asset the build made: one hash, one publish action.
        List<String> assets = actions("Assets");
        assertThat(assets.stream().filter(a -> a.startsWith("StreamFunction_Code")).toList()).containsExactly("StreamFunction_Code Build 1");
        List<String> jars = new ArrayList<>();
        for (DeliveryPipeline.SluiceStage s : pipeline.stages()) {
            Map<?, ?> fn = (Map<?, ?>) Template.fromStack(s.stacks().get(2)).findResources("AWS::Lambda::Function").values().iterator().next();
            jars.add(String.valueOf(((Map<?, ?>) ((Map<?, ?>) fn.get("Properties")).get("Code")).get("S3Key")));
        }
        assertThat(jars).hasSize(3).allSatisfy(k -> assertThat(k).isEqualTo(jars.get(0)).endsWith(".jar"));
    }

    @Test
    void theBuildRunsTheTestsAndSynthesizesThisSamePipeline() throws Exception {
        JsonNode spec = buildSpec("PipelineBuildBuildTestSynth");
        assertThat(spec.at("/phases/install/runtime-versions/java").asText()).isEqualTo("corretto21");
        List<String> commands = new ArrayList<>();
        spec.at("/phases/build/commands").forEach(c -> commands.add(c.asText()));
        assertThat(commands).containsExactly("./verify", "cd sluice-infra && npm ci --no-audit --no-fund && npx aws-cdk synth -q "
                + "-c 'pipeline=acme/sluice' -c 'connectionArn=" + CONNECTION + "' -c 'staging.SourceZone=Europe/London' "
                + "-c 'staging.DefaultCountry=GB' -c 'prod.AlertEmail=ops@example.com' -c 'prod.SourceZone=Europe/London' "
                + "-c 'prod.DefaultCountry=GB'");
        assertThat(spec.at("/artifacts/secondary-artifacts").toString()).contains("\"base-directory\":\"sluice-infra/cdk.out\"",
                "\"base-directory\":\"sluice-aws-tools/target\"");
        // The build clones the repository (git keeps executable bits), so its role uses the connection too; a
        // codeconnections ARN needs the codeconnections action (IAM matches the service prefix).
        assertThat(stage("Source").at("/Actions/0/Configuration/OutputArtifactFormat").asText()).isEqualTo("CODEBUILD_CLONE_REF");
        for (String role : List.of("PipelineBuildBuildTestSynthCdkBuildProjectRoleDefaultPolicy", "PipelineSourceacmesluice")) {
            assertThat(statements(role).stream().filter(st -> CONNECTION.equals(st.path("Resource").asText()))
                    .map(st -> st.get("Action").asText()).toList())
                    .as(role).contains("codestar-connections:UseConnection", "codeconnections:UseConnection");
        }
    }

    /** The statements of the IAM policies whose logical ID starts with {@code prefix}. */
    private static List<JsonNode> statements(String prefix) {
        List<JsonNode> found = new ArrayList<>();
        template.get("Resources").fields().forEachRemaining(e -> {
            if (e.getKey().startsWith(prefix) && e.getValue().get("Type").asText().equals("AWS::IAM::Policy")) {
                e.getValue().at("/Properties/PolicyDocument/Statement").forEach(found::add);
            }
        });
        assertThat(found).as(prefix).isNotEmpty();
        return found;
    }

    @Test
    void theCheckAfterAStageReadsThatStagesOutputsWithTheBuiltCli() throws Exception {
        JsonNode spec = buildSpec("PipelineProdCheckProd");
        List<String> commands = new ArrayList<>();
        spec.at("/phases/build/commands").forEach(c -> commands.add(c.asText()));
        assertThat(commands).containsExactly(
                "aws cloudformation describe-stacks --stack-name SluiceData-prod --output json > SluiceData-prod.json",
                "aws cloudformation describe-stacks --stack-name SluiceAnalytics-prod --output json > SluiceAnalytics-prod.json",
                "aws cloudformation describe-stacks --stack-name SluiceCompute-prod --output json > SluiceCompute-prod.json",
                "aws cloudformation describe-stacks --stack-name SluiceTelemetry-prod --output json > SluiceTelemetry-prod.json",
                "java -jar sluice-aws-tools.jar doctor --deployed SluiceData-prod.json --deployed SluiceAnalytics-prod.json "
                        + "--deployed SluiceCompute-prod.json --deployed SluiceTelemetry-prod.json");
        // It may describe those four stacks and nothing else.
        List<String> describe = new ArrayList<>();
        for (JsonNode policy : resources("AWS::IAM::Policy")) {
            for (JsonNode st : policy.at("/Properties/PolicyDocument/Statement")) {
                if (st.get("Action").toString().contains("cloudformation:DescribeStacks") && st.toString().contains("-prod/*")) {
                    st.get("Resource").forEach(r -> describe.add(r.at("/Fn::Join/1").get(r.at("/Fn::Join/1").size() - 1).asText()));
                }
            }
        }
        assertThat(describe).containsExactly(":stack/SluiceData-prod/*", ":stack/SluiceAnalytics-prod/*", ":stack/SluiceCompute-prod/*",
                ":stack/SluiceTelemetry-prod/*");
    }

    @Test
    void artifactsAreEncryptedWithARotatedKeyAndAccessLogged() {
        JsonNode key = resources("AWS::KMS::Key").get(0);
        assertThat(key.at("/Properties/EnableKeyRotation").asBoolean()).isTrue();
        List<JsonNode> encrypted = resources("AWS::S3::Bucket").stream()
                .filter(b -> b.at("/Properties/BucketEncryption").toString().contains("aws:kms")).toList();
        assertThat(encrypted).hasSize(1);
        assertThat(encrypted.get(0).at("/Properties/LoggingConfiguration/LogFilePrefix").asText()).isEqualTo("artifacts/");
        assertThat(resources("AWS::CodeBuild::Project")).allSatisfy(p ->
                assertThat(p.at("/Properties/EncryptionKey/Fn::GetAtt/0").asText()).startsWith("ArtifactsKey"));
    }

    /** A deploy action passes no parameters: each deploy sets the defaults. Staging rehearses prod's zone and country. */
    @Test
    void stagingReadsCdrsInProdsZoneAndCountry() {
        Map<String, Object> params = parameters(pipeline.stages().get(1).stacks().get(2));
        assertThat(((Map<?, ?>) params.get("SourceZone")).get("Default")).isEqualTo("Europe/London");
        assertThat(((Map<?, ?>) params.get("DefaultCountry")).get("Default")).isEqualTo("GB");
        assertThat(((Map<?, ?>) params.get("AlertEmail")).get("Default")).isEqualTo("");
        assertThat(((Map<?, ?>) parameters(pipeline.stages().get(0).stacks().get(2)).get("SourceZone")).get("Default")).isEqualTo("UTC");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parameters(Stack stack) {
        return (Map<String, Object>) Template.fromStack(stack).toJSON().get("Parameters");
    }

    @Test
    void prodParametersComeFromContextAsDefaults() {
        Stack prodCompute = pipeline.stages().get(2).stacks().get(2);
        assertThat(prodCompute.getStackName()).isEqualTo("SluiceCompute-prod");
        Map<String, Object> params = parameters(prodCompute);
        assertThat(((Map<?, ?>) params.get("AlertEmail")).get("Default")).isEqualTo("ops@example.com");
        assertThat(((Map<?, ?>) params.get("SourceZone")).get("Default")).isEqualTo("Europe/London");
        assertThat(((Map<?, ?>) params.get("DefaultCountry")).get("Default")).isEqualTo("GB");
    }

    /**
     * Same logical IDs as the app's own dev stacks, so the pipeline takes over stacks a manual deploy created without
     * replacing anything (the CDK's own IDs for event source mappings carry the stage's path; ComputeStack fixes them).
     */
    @Test
    void theStagesAreTheStacksAManualDeployMakes() {
        Synthesized manual = Synthesized.of("dev");
        List<Stack> stage = pipeline.stages().get(0).stacks();
        assertThat(stage).hasSameSizeAs(manual.stacks).hasSize(4);
        for (int i = 0; i < stage.size(); i++) {
            Map<?, ?> inStage = (Map<?, ?>) Template.fromStack(stage.get(i)).toJSON().get("Resources");
            Map<?, ?> alone = (Map<?, ?>) Template.fromStack(manual.stacks.get(i)).toJSON().get("Resources");
            assertThat(stage.get(i).getStackName()).isEqualTo(manual.stacks.get(i).getStackName());
            assertThat(inStage.keySet()).isEqualTo(alone.keySet());
        }
    }

    @Test
    void cdkNagRanOnEveryStageStack() throws Exception {
        // Aspects stop at a stage's boundary: each stage has its own packs, and their reports land beside the pipeline's.
        Path root = Path.of(assembly.getDirectory());
        for (String stack : List.of("SluicePipeline", "SluiceData-dev", "SluiceAnalytics-dev", "SluiceCompute-dev",
                "SluiceTelemetry-dev", "SluiceData-staging", "SluiceAnalytics-staging", "SluiceCompute-staging", "SluiceTelemetry-staging",
                "SluiceData-prod", "SluiceAnalytics-prod", "SluiceCompute-prod", "SluiceTelemetry-prod")) {
            for (String pack : List.of("AwsSolutions", "Serverless")) {
                assertThat(root.resolve(pack + "-" + stack + "-NagReport.csv")).isRegularFile();
            }
        }
    }

    /** INF-2: dev, staging and prod share the pipeline's account, so their reservations add up; a stage's finding fails synth. */
    @Test
    void reservedConcurrencyIsCheckedOverEveryStageOfTheAccount() {
        Map<String, Object> c = new HashMap<>(CONTEXT);
        c.put("accountConcurrency", "150");
        App app = App.Builder.create().context(c).build();
        DeliveryPipeline p = DeliveryPipeline.build(app);
        assertThatIllegalStateException().isThrownBy(() -> SluiceApp.synthesize(app, List.of(p)))
                .withMessageContaining("Preflight: the functions reserve 70 concurrent executions (")
                .withMessageContaining("SluicePipeline/Prod/SluiceCompute-prod/StreamFunction/Resource=50")
                .withMessageContaining("leaving 80 of the account's 150");
        assertThat(buildSpecCommands(p)).contains("-c 'accountConcurrency=150'");
    }

    private static String buildSpecCommands(DeliveryPipeline p) {
        return Template.fromStack(p).findResources("AWS::CodeBuild::Project").values().stream().map(Object::toString)
                .filter(s -> s.contains("./verify")).findFirst().orElseThrow();
    }

    // ---------------------------------------------------------------- wrong context fails synth with a message

    private static String failure(Map<String, Object> context) {
        Map<String, Object> c = new HashMap<>(CONTEXT);
        context.forEach((k, v) -> {
            if (v == null) {
                c.remove(k);
            } else {
                c.put(k, v);
            }
        });
        try {
            DeliveryPipeline.build(App.Builder.create().context(c).build());
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        throw new AssertionError("no failure for " + context);
    }

    @Test
    void withoutProdParametersThePipelineStopsAtSynth() {
        Map<String, Object> c = new HashMap<>();
        c.put("prod.AlertEmail", null);
        c.put("prod.DefaultCountry", null);
        assertThat(failure(c)).isEqualTo("the pipeline deploys prod without CloudFormation parameters, and prod has no defaults "
                + "for them: give -c prod.AlertEmail=... -c prod.DefaultCountry=... (INF-7)");
        assertThat(failure(Map.of("prod.AlertEmail", "ops"))).isEqualTo("-c prod.AlertEmail=ops must be an e-mail address: prod "
                + "alerts must reach someone (INF-7)");
    }

    @Test
    void aWrongRepositoryOrConnectionIsNamed() {
        assertThat(failure(Map.of("pipeline", "sluice"))).isEqualTo("-c pipeline=sluice is not owner/repository, e.g. acme/sluice");
        Map<String, Object> c = new HashMap<>();
        c.put("connectionArn", null);
        assertThat(failure(c)).startsWith("the pipeline needs -c connectionArn=<a CodeConnections ARN");
        assertThat(failure(Map.of("connectionArn", "arn:aws:iam::123456789012:role/x"))).startsWith(
                "-c connectionArn=arn:aws:iam::123456789012:role/x is not a CodeConnections ARN");
    }
}
