package io.sluice.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.aws.deploy.DeployedOutputs;
import io.sluice.core.contracts.OutputNames;
import io.sluice.local.cli.DoctorCommand.Check;
import io.sluice.local.cli.DoctorRun;
import io.sluice.local.cli.ExitCodes;
import io.sluice.tools.DeployedCheck.Location;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice doctor --deployed FILE}: a deployment's outputs file, checked offline (INF-1, INF-6, ANA-3). */
class DeployedCheckTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DEPLOY = "`cd sluice-infra && npx aws-cdk deploy --all -c envSuffix=<env> --outputs-file outputs-<env>.json`";
    private static final String MIXED = "the outputs file mixes deployments: use the one " + DEPLOY + " wrote";
    private static final String QUEUE = "https://sqs.eu-west-1.amazonaws.com/123456789012/";
    private static final String API = "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com";

    /** Every check of a readable file, in order. */
    private static final List<String> NAMES;

    static {
        List<String> names = new ArrayList<>();
        names.add("outputs file");
        names.addAll(OutputNames.REQUIRED);
        names.addAll(List.of("environment", "account/region", "workflow"));
        NAMES = List.copyOf(names);
    }

    @TempDir
    Path dir;

    private final DoctorRun doctorRun = new DoctorRun(NAMES);

    /** A complete deployment of environment dev in eu-west-1, account 123456789012, by stack. */
    private static Map<String, Map<String, String>> stacks() {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("ProfilesTableName", "sluice-profiles-dev");
        data.put("UsageTableName", "sluice-usage-dev");
        data.put("ManifestsTableName", "sluice-manifests-dev");
        data.put("DeadLettersTableName", "sluice-dead-letters-dev");
        data.put("ErrorsTableName", "sluice-errors-dev");
        data.put("FraudTableName", "sluice-fraud-dev");
        data.put("TelemetryTableName", "sluice-telemetry-dev");
        data.put("ObjectBucketName", "sluice-objects-123456789012-eu-west-1-dev");
        data.put("ArchiveBucketName", "sluice-archive-123456789012-eu-west-1-dev");
        data.put("DataKeyArn", "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab");
        Map<String, String> analytics = new LinkedHashMap<>();
        analytics.put("ArchiveDeliveryStreamName", "sluice-archive-dev");
        analytics.put("GlueDatabaseName", "sluice_archive_dev");
        analytics.put("ArchiveCrawlerName", "sluice-archive-crawler-dev");
        analytics.put("AthenaWorkGroupName", "sluice-reports-dev");
        Map<String, String> compute = new LinkedHashMap<>();
        compute.put("CdrStreamName", "sluice-cdrs-dev");
        compute.put("StreamFunctionName", "sluice-stream-dev");
        compute.put("ObjectFunctionName", "sluice-object-dev");
        compute.put("RedriveFunctionName", "sluice-redrive-dev");
        compute.put("StreamReplayFunctionName", "sluice-stream-replay-dev");
        compute.put("ObjectQueueUrl", QUEUE + "sluice-objects-dev");
        compute.put("ObjectDlqUrl", QUEUE + "sluice-objects-dlq-dev");
        compute.put("StreamFailuresQueueUrl", QUEUE + "sluice-stream-failures-dev");
        compute.put("AlertsTopicArn", "arn:aws:sns:eu-west-1:123456789012:sluice-alerts-dev");
        compute.put("IngestWorkflowArn", "arn:aws:states:eu-west-1:123456789012:stateMachine:sluice-ingest-dev");
        Map<String, String> telemetry = new LinkedHashMap<>();
        telemetry.put("TelemetryApiUrl", API);
        telemetry.put("TelemetrySecretName", "sluice-telemetry-api-key-dev");
        telemetry.put("TelemetryAlertsTopicArn", "arn:aws:sns:eu-west-1:123456789012:sluice-telemetry-alerts-dev");
        telemetry.put("TelemetryDeliveryStreamName", "sluice-telemetry-dev");
        telemetry.put("TelemetryFunctionName", "sluice-telemetry-dev");
        Map<String, Map<String, String>> stacks = new LinkedHashMap<>();
        stacks.put("SluiceData-dev", data);
        stacks.put("SluiceAnalytics-dev", analytics);
        stacks.put("SluiceCompute-dev", compute);
        stacks.put("SluiceTelemetry-dev", telemetry);
        return stacks;
    }

    /** Sets (or, with null, removes) one output in whichever stack has it. */
    private static Map<String, Map<String, String>> with(Map<String, Map<String, String>> stacks, String name, String value) {
        Map<String, String> stack = stacks.values().stream().filter(s -> s.containsKey(name)).findFirst().orElseThrow();
        if (value == null) {
            stack.remove(name);
        } else {
            stack.put(name, value);
        }
        return stacks;
    }

    private Path nested(Map<String, Map<String, String>> stacks) throws IOException {
        return write("outputs.json", JSON.writeValueAsString(stacks));
    }

    private Path flat(Map<String, Map<String, String>> stacks) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        stacks.values().forEach(s -> s.forEach(o::put));
        return write("flat-outputs.json", JSON.writeValueAsString(o));
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    private int doctor(String... args) {
        return doctorRun.run(args);
    }

    private String out() {
        return doctorRun.out();
    }

    private List<String[]> lines() {
        return doctorRun.lines();
    }

    private String[] line(String name) {
        return doctorRun.line(name);
    }

    private static Check check(List<Check> checks, String name) {
        return checks.stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no check '" + name + "' in " + checks));
    }

    private static List<Check> failed(List<Check> checks) {
        return checks.stream().filter(c -> c.status().equals("fail")).toList();
    }

    private static String missing(String name, Path file, String env) {
        return "no output " + name + " in " + file.toAbsolutePath().normalize() + ": stack " + OutputNames.stackOf(name) + "-" + env
                + " declares it; deploy with " + DEPLOY.replace("<env>", env);
    }

    // through picocli

    @Test
    @DisplayName("INF-6: a complete outputs file nested by stack: every check ok, exit 0, no local check")
    void completeNestedFile() throws Exception {
        Path file = nested(stacks());

        assertThat(doctor("--deployed", file.toString())).as(out()).isEqualTo(ExitCodes.OK);
        assertThat(lines()).extracting(r -> r[1]).as(out()).containsExactlyElementsOf(NAMES);
        assertThat(lines()).allSatisfy(r -> assertThat(r[0]).as(String.join(" | ", r)).isEqualTo("ok"));
        assertThat(out()).contains("doctor: 33 checks, 0 failed, 0 warnings");
        assertThat(line("outputs file")[2]).isEqualTo(file.toAbsolutePath() + ": 29 outputs");
        assertThat(line("UsageTableName")[2]).isEqualTo("sluice-usage-dev");
        assertThat(line("ObjectDlqUrl")[2]).isEqualTo(QUEUE + "sluice-objects-dlq-dev");
        assertThat(line("environment")[2]).isEqualTo("environment dev: all 21 names end in it");
        assertThat(line("account/region")[2]).isEqualTo("region eu-west-1, account 123456789012: all 10 ARNs, URLs and bucket names agree");
        assertThat(line("workflow")[2]).isEqualTo("state machine sluice-ingest-dev; as an Express workflow its executions have ARNs "
                + "arn:aws:states:eu-west-1:123456789012:express:sluice-ingest-dev:ID:ID (:express:, not :execution:), "
                + "which DescribeExecution does not take: look them up with `aws logs` in its log group, "
                + "or read the `aws stepfunctions start-sync-execution` response");
        assertThat(out()).doesNotContain("data dir", "running instance", "inbox");
        // One message column, after the longest name ("ArchiveDeliveryStreamName"), on every line.
        int width = NAMES.stream().mapToInt(String::length).max().orElseThrow();
        assertThat(out().lines().filter(l -> !l.startsWith("doctor: ")))
                .allSatisfy(l -> assertThat(l.substring(6 + width, 7 + width) + l.charAt(7 + width)).as(l).matches(" \\S"));
    }

    @Test
    @DisplayName("INF-6: a flat outputs file is read as well: every check ok, exit 0")
    void flatFile() throws Exception {
        Path file = flat(stacks());

        assertThat(doctor("--deployed", file.toString())).as(out()).isEqualTo(ExitCodes.OK);
        assertThat(lines()).extracting(r -> r[1]).as(out()).containsExactlyElementsOf(NAMES);
        assertThat(lines()).allSatisfy(r -> assertThat(r[0]).as(String.join(" | ", r)).isEqualTo("ok"));
        assertThat(line("GlueDatabaseName")[2]).isEqualTo("sluice_archive_dev");
    }

    /** What 'aws cloudformation describe-stacks --stack-name S' prints for each stack: how the delivery pipeline checks a stage. */
    private List<Path> describeStacks(Map<String, Map<String, String>> stacks) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Map.Entry<String, Map<String, String>> stack : stacks.entrySet()) {
            ObjectNode s = JSON.createObjectNode().put("StackName", stack.getKey()).put("StackStatus", "UPDATE_COMPLETE");
            var outputs = s.putArray("Outputs");
            stack.getValue().forEach((k, v) -> outputs.addObject().put("OutputKey", k).put("OutputValue", v).put("Description", "d"));
            ObjectNode root = JSON.createObjectNode();
            root.putArray("Stacks").add(s);
            files.add(write(stack.getKey() + ".json", JSON.writeValueAsString(root)));
        }
        return files;
    }

    @Test
    @DisplayName("INF-6, INF-13: describe-stacks answers, one file per stack, are read as one deployment: every check ok, exit 0")
    void describeStacksFiles() throws Exception {
        List<Path> files = describeStacks(stacks());

        assertThat(doctor("--deployed", files.get(0).toString(), "--deployed", files.get(1).toString(), "--deployed",
                files.get(2).toString(), "--deployed", files.get(3).toString())).as(out()).isEqualTo(ExitCodes.OK);
        assertThat(lines()).extracting(r -> r[1]).as(out()).containsExactlyElementsOf(NAMES);
        assertThat(lines()).allSatisfy(r -> assertThat(r[0]).as(String.join(" | ", r)).isEqualTo("ok"));
        assertThat(line("outputs file")[2]).isEqualTo(files.get(0) + ", " + files.get(1) + ", " + files.get(2) + ", " + files.get(3)
                + ": 29 outputs");

        // The compute stack's answer left out: its outputs fail, naming every file read.
        assertThat(doctor("--deployed", files.get(0).toString(), "--deployed", files.get(1).toString())).isEqualTo(ExitCodes.FAILED);
        assertThat(line("CdrStreamName")[2]).startsWith("no output CdrStreamName in " + files.get(0) + ", " + files.get(1)
                + ": stack SluiceCompute-dev declares it");
    }

    /** The telemetry stack's outputs (issue 18), in the shape the CLI writes and flattened by hand: the same checks. */
    @Test
    @DisplayName("INF-6: the telemetry outputs are read nested by stack and flat, and checked like the others")
    void telemetryOutputsNestedAndFlat() throws Exception {
        List<String> telemetry = List.of(OutputNames.TELEMETRY_TABLE, OutputNames.TELEMETRY_API_URL, OutputNames.TELEMETRY_SECRET,
                OutputNames.TELEMETRY_TOPIC, OutputNames.TELEMETRY_DELIVERY_STREAM, OutputNames.TELEMETRY_FUNCTION);
        Map<String, String> expected = new LinkedHashMap<>();
        stacks().values().forEach(s -> s.forEach((k, v) -> {
            if (telemetry.contains(k)) {
                expected.put(k, v);
            }
        }));
        assertThat(expected.keySet()).containsExactlyInAnyOrderElementsOf(telemetry);
        for (Path file : List.of(nested(stacks()), flat(stacks()))) {
            List<Check> checks = DeployedCheck.run(file);
            assertThat(failed(checks)).as(file.toString()).isEmpty();
            expected.forEach((name, value) -> assertThat(check(checks, name)).isEqualTo(Check.ok(name, value)));
            assertThat(DeployedOutputs.read(file).require(OutputNames.TELEMETRY_API_URL)).isEqualTo(API);
        }

        // Missing from either shape: the telemetry stack is named as the one that declares it.
        for (Path file : List.of(nested(with(stacks(), "TelemetryFunctionName", null)), flat(with(stacks(), "TelemetryFunctionName", null)))) {
            assertThat(check(DeployedCheck.run(file), "TelemetryFunctionName"))
                    .isEqualTo(Check.fail("TelemetryFunctionName", missing("TelemetryFunctionName", file, "dev")));
        }
        assertThat(missing("TelemetryFunctionName", dir, "dev")).contains("stack SluiceTelemetry-dev declares it");

        // A telemetry name of another environment, an API in another region, a topic of another account: each is named.
        var mixed = with(stacks(), "TelemetrySecretName", "sluice-telemetry-api-key-prod");
        with(mixed, "TelemetryApiUrl", "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/");
        with(mixed, "TelemetryAlertsTopicArn", "arn:aws:sns:eu-west-1:210987654321:sluice-telemetry-alerts-dev");
        List<Check> checks = DeployedCheck.run(flat(mixed));
        assertThat(failed(checks)).extracting(Check::name).containsExactly("environment", "account/region");
        assertThat(check(checks, "environment").message()).isEqualTo("environment dev, except TelemetrySecretName (prod): " + MIXED);
        assertThat(check(checks, "account/region").message()).isEqualTo("region eu-west-1, except TelemetryApiUrl (us-east-1), "
                + "account 123456789012, except TelemetryAlertsTopicArn (210987654321): " + MIXED);

        // Not an HTTP API's endpoint at all.
        checks = DeployedCheck.run(nested(with(stacks(), "TelemetryApiUrl", "http://devices.example.com/v1/telemetry")));
        assertThat(check(checks, "account/region")).isEqualTo(Check.fail("account/region", "TelemetryApiUrl "
                + "'http://devices.example.com/v1/telemetry' is not https://API_ID.execute-api.REGION.amazonaws.com"));
        assertThat(DeployedCheck.apiRegion("https://a1b2c3d4e5.execute-api.cn-north-1.amazonaws.com.cn")).contains("cn-north-1");
        assertThat(DeployedCheck.apiRegion("https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/v1/telemetry")).isEmpty();
    }

    @Test
    @DisplayName("INF-6: a missing output fails, naming it and the stacks of the environment to deploy; exit 1")
    void missingOutput() throws Exception {
        Path file = nested(with(stacks(), "ErrorsTableName", null));

        assertThat(doctor("--deployed", file.toString())).as(out()).isEqualTo(ExitCodes.FAILED);
        assertThat(line("ErrorsTableName")).containsExactly("fail", "ErrorsTableName", missing("ErrorsTableName", file, "dev"));
        assertThat(lines()).filteredOn(r -> r[0].equals("fail")).extracting(r -> r[1]).containsExactly("ErrorsTableName");
        assertThat(out()).contains("doctor: 33 checks, 1 failed, 0 warnings");
        assertThat(line("environment")[2]).isEqualTo("environment dev: all 20 names end in it");

        JsonNode doc = JSON.readTree(doctorJson(file));
        assertThat(doc.get("ok").asBoolean()).isFalse();
        assertThat(doc.get("checks")).hasSize(NAMES.size());
        JsonNode errors = doc.get("checks").get(NAMES.indexOf("ErrorsTableName"));
        assertThat(errors.get("name").asText()).isEqualTo("ErrorsTableName");
        assertThat(errors.get("status").asText()).isEqualTo("fail");
        assertThat(errors.get("message").asText()).isEqualTo(missing("ErrorsTableName", file, "dev"));
    }

    private String doctorJson(Path file) {
        assertThat(doctor("--deployed", file.toString(), "--json")).isEqualTo(ExitCodes.FAILED);
        return out();
    }

    @Test
    @DisplayName("INF-1: a name of another environment than the rest fails the environment check, naming it")
    void mixedSuffixes() throws Exception {
        Path file = nested(with(stacks(), "CdrStreamName", "sluice-cdrs-prod"));

        assertThat(doctor("--deployed", file.toString())).as(out()).isEqualTo(ExitCodes.FAILED);
        assertThat(line("environment")).containsExactly("fail", "environment",
                "environment dev, except CdrStreamName (prod): " + MIXED);
        assertThat(line("CdrStreamName")).containsExactly("ok", "CdrStreamName", "sluice-cdrs-prod");
        assertThat(out()).contains("doctor: 33 checks, 1 failed, 0 warnings");
    }

    @Test
    @DisplayName("INF-6: a queue URL in another region than the ARNs fails the account/region check, naming it")
    void queueInAnotherRegion() throws Exception {
        Path file = nested(with(stacks(), "ObjectDlqUrl", "https://sqs.us-east-1.amazonaws.com/123456789012/sluice-objects-dlq-dev"));

        assertThat(doctor("--deployed", file.toString())).as(out()).isEqualTo(ExitCodes.FAILED);
        assertThat(line("account/region")).containsExactly("fail", "account/region",
                "region eu-west-1, except ObjectDlqUrl (us-east-1): " + MIXED);
        assertThat(out()).contains("doctor: 33 checks, 1 failed, 0 warnings");
    }

    @Test
    @DisplayName("INF-6: a file that is not JSON is one failed check saying so, exit 1, no stack trace")
    void notJson() throws Exception {
        Path file = write("outputs.json", "not json at all");

        assertThat(doctor("--deployed", file.toString())).as(out()).isEqualTo(ExitCodes.FAILED);
        assertThat(lines()).hasSize(1);
        String[] l = line("outputs file");
        assertThat(l[0]).isEqualTo("fail");
        assertThat(l[2]).startsWith("The outputs file " + file.toAbsolutePath() + " is not JSON: ")
                .endsWith("; use the file " + DEPLOY + " wrote");
        assertThat(out()).contains("doctor: 1 checks, 1 failed, 0 warnings").doesNotContain("Exception", "\tat ");

        JsonNode doc = JSON.readTree(doctorJson(file));
        assertThat(doc.get("ok").asBoolean()).isFalse();
        assertThat(doc.get("checks")).hasSize(1);
        assertThat(doc.get("checks").get(0).get("name").asText()).isEqualTo("outputs file");
    }

    @Test
    @DisplayName("INF-6: a file that does not exist is one failed check naming it")
    void noFile() {
        Path file = dir.resolve("nowhere.json");

        assertThat(doctor("--deployed", file.toString())).as(out()).isEqualTo(ExitCodes.FAILED);
        assertThat(lines()).hasSize(1);
        assertThat(line("outputs file")).containsExactly("fail", "outputs file",
                "cannot read " + file.toAbsolutePath() + ": no such file; " + DEPLOY + " writes it");
    }

    @Test
    @DisplayName("--help mentions --deployed")
    void help() {
        assertThat(doctor("--help")).isEqualTo(ExitCodes.OK);
        assertThat(out()).contains("--deployed=FILE", "With --deployed FILE it checks instead an AWS deployment's outputs file");
    }

    // DeployedCheck itself

    @Test
    @DisplayName("INF-1: the suffix of a physical name: -suffix everywhere, _suffix also for Glue and Athena")
    void suffixes() {
        assertThat(DeployedCheck.suffixOf("UsageTableName", "sluice-usage-dev")).contains("dev");
        assertThat(DeployedCheck.suffixOf("CdrStreamName", "sluice-cdr-stream-pr42")).contains("pr42");
        assertThat(DeployedCheck.suffixOf("ErrorsTableName", "sluice-errors-staging")).contains("staging");
        assertThat(DeployedCheck.suffixOf("GlueDatabaseName", "sluice_archive_prod")).contains("prod");
        assertThat(DeployedCheck.suffixOf("AthenaWorkGroupName", "sluice-reports-pr7")).contains("pr7");
        assertThat(DeployedCheck.suffixOf("UsageTableName", "sluice_usage_dev")).isEmpty();
        assertThat(DeployedCheck.suffixOf("UsageTableName", "sluice-usage-test")).isEmpty();
        assertThat(DeployedCheck.suffixOf("UsageTableName", "usage-dev")).isEmpty();
        assertThat(DeployedCheck.suffixOf("UsageTableName", "sluice-dev")).isEmpty();
        assertThat(DeployedCheck.suffixOf("UsageTableName", "sluice-usage-pr")).isEmpty();
    }

    @Test
    @DisplayName("INF-6: ARNs and queue URLs give their region and account; other shapes none")
    void locations() {
        assertThat(DeployedCheck.arnLocation("arn:aws:sns:eu-west-1:123456789012:t", "sns", ""))
                .contains(new Location("eu-west-1", "123456789012"));
        assertThat(DeployedCheck.arnLocation("arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/k", "kms", "key/"))
                .contains(new Location("us-gov-west-1", "123456789012"));
        assertThat(DeployedCheck.arnLocation("arn:aws:kms:eu-west-1:123456789012:alias/k", "kms", "key/")).isEmpty();
        assertThat(DeployedCheck.arnLocation("arn:aws:sns:eu-west-1:123456789012:t", "kms", "")).isEmpty();
        assertThat(DeployedCheck.arnLocation("arn:aws:sns::123456789012:t", "sns", "")).isEmpty();
        assertThat(DeployedCheck.arnLocation("arn:aws:sns:eu-west-1:12345:t", "sns", "")).isEmpty();
        assertThat(DeployedCheck.arnLocation("arn:gcp:sns:eu-west-1:123456789012:t", "sns", "")).isEmpty();
        assertThat(DeployedCheck.arnLocation("sluice-alerts-dev", "sns", "")).isEmpty();
        assertThat(DeployedCheck.queueLocation(QUEUE + "q")).contains(new Location("eu-west-1", "123456789012"));
        assertThat(DeployedCheck.queueLocation("https://sqs.cn-north-1.amazonaws.com.cn/123456789012/q.fifo"))
                .contains(new Location("cn-north-1", "123456789012"));
        assertThat(DeployedCheck.queueLocation("https://sqs.eu-west-1.amazonaws.com/123456789012/")).isEmpty();
        assertThat(DeployedCheck.queueLocation("http://sqs.eu-west-1.amazonaws.com/123456789012/q")).isEmpty();
        assertThat(DeployedCheck.queueLocation("arn:aws:sqs:eu-west-1:123456789012:q")).isEmpty();
    }

    @Test
    @DisplayName("a mixture names the outliers of the majority, or every group when there is none")
    void mixtures() {
        Map<String, String> same = new LinkedHashMap<>();
        same.put("A", "dev");
        same.put("B", "dev");
        assertThat(DeployedCheck.mixture("environment", same)).isNull();
        assertThat(DeployedCheck.mixture("environment", Map.of())).isNull();
        Map<String, String> tie = new LinkedHashMap<>(same);
        tie.put("C", "prod");
        tie.put("D", "prod");
        assertThat(DeployedCheck.mixture("environment", tie)).isEqualTo("no one environment: dev (A, B), prod (C, D)");
        tie.put("E", "prod");
        tie.put("F", "pr3");
        assertThat(DeployedCheck.mixture("environment", tie)).isEqualTo("environment prod, except A (dev), B (dev), F (pr3)");
        assertThat(DeployedCheck.majority(Map.of())).isEqualTo(Optional.empty());
    }

    @Test
    @DisplayName("INF-1: names that are not sluice-<resource>-<suffix> and buckets not starting sluice- all fail at once")
    void badNames() throws Exception {
        var stacks = with(stacks(), "UsageTableName", "usage");
        with(stacks, "GlueDatabaseName", "archive_dev");
        with(stacks, "ArchiveBucketName", "cdk-archive-123456789012");
        List<Check> checks = DeployedCheck.run(nested(stacks));

        assertThat(failed(checks)).extracting(Check::name).containsExactly("environment");
        assertThat(check(checks, "environment").message()).isEqualTo(
                "UsageTableName 'usage' is not sluice-<resource>-<suffix> (suffix dev, staging, prod or pr<digits>); "
                + "GlueDatabaseName 'archive_dev' is not sluice_<name>_<suffix> or sluice-<name>-<suffix> (suffix dev, staging, prod or pr<digits>); "
                + "ArchiveBucketName 'cdk-archive-123456789012' is not sluice-<resource>-<account>-<region>-<suffix>");
    }

    @Test
    @DisplayName("INF-6: an ARN of another account, and an ARN of the wrong service, fail the account/region check")
    void accountAndArnShape() throws Exception {
        var stacks = with(stacks(), "AlertsTopicArn", "arn:aws:sns:eu-west-1:210987654321:sluice-alerts-dev");
        with(stacks, "DataKeyArn", "arn:aws:sns:eu-west-1:123456789012:key/k");
        with(stacks, "StreamFailuresQueueUrl", "sluice-stream-failures-dev");
        List<Check> checks = DeployedCheck.run(nested(stacks));

        assertThat(failed(checks)).extracting(Check::name).containsExactly("account/region");
        assertThat(check(checks, "account/region").message()).isEqualTo(
                "DataKeyArn 'arn:aws:sns:eu-west-1:123456789012:key/k' is not arn:aws:kms:REGION:ACCOUNT:key/ID; "
                + "StreamFailuresQueueUrl 'sluice-stream-failures-dev' is not https://sqs.REGION.amazonaws.com/ACCOUNT/NAME; "
                + "account 123456789012, except AlertsTopicArn (210987654321): " + MIXED);
    }

    @Test
    @DisplayName("ANA-3: an execution ARN where the state machine's belongs fails, saying which kind it is")
    void workflowArn() throws Exception {
        String express = "arn:aws:states:eu-west-1:123456789012:express:sluice-ingest-dev:a1:b2";
        List<Check> checks = DeployedCheck.run(nested(with(stacks(), "IngestWorkflowArn", express)));
        assertThat(failed(checks)).extracting(Check::name).containsExactly("workflow");
        assertThat(check(checks, "workflow").message()).isEqualTo("IngestWorkflowArn '" + express + "' is the ARN of an Express execution, "
                + "not of the state machine (arn:aws:states:REGION:ACCOUNT:stateMachine:NAME): use the file " + DEPLOY + " wrote");

        String standard = "arn:aws:states:eu-west-1:123456789012:execution:sluice-ingest-dev:a1";
        checks = DeployedCheck.run(nested(with(stacks(), "IngestWorkflowArn", standard)));
        assertThat(check(checks, "workflow").message()).contains("' is the ARN of a Standard execution, not of the state machine");

        String topic = "arn:aws:sns:eu-west-1:123456789012:sluice-alerts-dev";
        checks = DeployedCheck.run(nested(with(stacks(), "IngestWorkflowArn", topic)));
        assertThat(failed(checks)).extracting(Check::name).containsExactly("account/region", "workflow");
        assertThat(check(checks, "workflow").message()).isEqualTo("IngestWorkflowArn '" + topic + "' is not a state machine ARN "
                + "(arn:aws:states:REGION:ACCOUNT:stateMachine:NAME): use the file " + DEPLOY + " wrote");
    }

    @Test
    @DisplayName("INF-6: a blank output counts as missing; with no names to go by the stacks are named with <env>")
    void blankAndUnknownEnvironment() throws Exception {
        Path file = write("pr.json", "{\"SluiceData-pr12\":{\"UsageTableName\":\"sluice-usage-pr12\",\"ErrorsTableName\":\" \"}}");
        List<Check> checks = DeployedCheck.run(file);
        assertThat(check(checks, "ErrorsTableName")).isEqualTo(Check.fail("ErrorsTableName", missing("ErrorsTableName", file, "pr12")));
        assertThat(check(checks, "environment")).isEqualTo(
                Check.ok("environment", "environment pr12: the 1 name ends in it"));
        assertThat(check(checks, "account/region")).isEqualTo(
                Check.ok("account/region", "not checked: the file has none of the ARNs and queue URLs"));
        assertThat(check(checks, "workflow")).isEqualTo(Check.ok("workflow", "not checked: no IngestWorkflowArn"));

        Path empty = write("empty.json", "{}");
        checks = DeployedCheck.run(empty);
        assertThat(check(checks, "outputs file")).isEqualTo(Check.ok("outputs file", empty.toAbsolutePath() + ": 0 outputs"));
        assertThat(failed(checks)).hasSize(OutputNames.REQUIRED.size());
        assertThat(check(checks, "UsageTableName").message()).isEqualTo(missing("UsageTableName", empty, "<env>"));
        assertThat(check(checks, "environment")).isEqualTo(Check.ok("environment", "not checked: the file has none of the names"));
    }

    @Test
    @DisplayName("INF-6: one output with two values in two stacks is one failed check (which deployment is meant?)")
    void conflictingStacks() throws Exception {
        var stacks = stacks();
        stacks.get("SluiceCompute-dev").put("UsageTableName", "sluice-usage-prod");
        Path file = nested(stacks);
        List<Check> checks = DeployedCheck.run(file);
        assertThat(checks).hasSize(1);
        assertThat(checks.get(0).status()).isEqualTo("fail");
        assertThat(checks.get(0).message()).isEqualTo("Output UsageTableName is 'sluice-usage-dev' in stack SluiceData-dev of "
                + file.toAbsolutePath() + " and 'sluice-usage-prod' in stack SluiceCompute-dev of " + file.toAbsolutePath()
                + ": which deployment is meant?"
                + "; use the file " + DEPLOY + " wrote");
        // The same file is fine for DeployedOutputs once the stacks agree.
        stacks.get("SluiceCompute-dev").put("UsageTableName", "sluice-usage-dev");
        assertThat(DeployedOutputs.read(nested(stacks)).require("UsageTableName")).isEqualTo("sluice-usage-dev");
    }

    @Test
    @DisplayName("INF-6: a folder given as the file is one failed check naming it")
    void folder() {
        List<Check> checks = DeployedCheck.run(dir);
        assertThat(checks).hasSize(1);
        assertThat(checks.get(0).status()).isEqualTo("fail");
        assertThat(checks.get(0).message()).startsWith("cannot read " + dir.toAbsolutePath() + ": ")
                .endsWith("; " + DEPLOY + " writes it");
    }

    @Test
    @DisplayName("INF-1: a bucket of another environment, region or account fails like any other name")
    void bucketsCarryTheEnvironmentRegionAndAccount() throws Exception {
        Path staging = nested(with(stacks(), "ArchiveBucketName", "sluice-archive-123456789012-eu-west-1-staging"));
        assertThat(doctor("--deployed", staging.toString())).as(out()).isEqualTo(ExitCodes.FAILED);
        assertThat(line("environment")).containsExactly("fail", "environment",
                "environment dev, except ArchiveBucketName (staging): " + MIXED);

        Path region = nested(with(stacks(), "ObjectBucketName", "sluice-objects-123456789012-us-east-1-dev"));
        assertThat(doctor("--deployed", region.toString())).as(out()).isEqualTo(ExitCodes.FAILED);
        assertThat(line("account/region")).containsExactly("fail", "account/region",
                "region eu-west-1, except ObjectBucketName (us-east-1): " + MIXED);
    }
}
