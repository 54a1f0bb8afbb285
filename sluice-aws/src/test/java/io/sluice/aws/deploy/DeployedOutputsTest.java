package io.sluice.aws.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** INF-6: the outputs file is read flat or nested by stack name; Express execution ARNs are told from Standard ones. */
class DeployedOutputsTest {
    @TempDir
    Path dir;

    private Path file(String json) throws IOException {
        return file("outputs.json", json);
    }

    private Path file(String name, String json) throws IOException {
        return Files.writeString(dir.resolve(name), json);
    }

    @Test
    void nestedAndFlatFilesGiveTheSameOutputs() throws IOException {
        DeployedOutputs nested = DeployedOutputs.read(file("{\"SluiceData-dev\":{\"UsageTableName\":\"sluice-usage-dev\"},"
                + "\"SluiceCompute-dev\":{\"StreamName\":\"sluice-cdrs-dev\"}}"));
        DeployedOutputs flat = DeployedOutputs.read(file("{\"UsageTableName\":\"sluice-usage-dev\",\"StreamName\":\"sluice-cdrs-dev\"}"));
        assertThat(nested.all()).isEqualTo(flat.all());
        assertThat(nested.require("UsageTableName")).isEqualTo("sluice-usage-dev");
        assertThat(flat.get("Missing")).isEmpty();
    }

    @Test
    void aMissingOrAmbiguousOutputIsNamed() throws IOException {
        DeployedOutputs o = DeployedOutputs.read(file("{\"A\":{\"X\":\"1\"}}"));
        assertThatIllegalArgumentException().isThrownBy(() -> o.require("Y")).withMessage("The deployment has no output Y; it has: X");
        assertThatIllegalArgumentException().isThrownBy(() -> DeployedOutputs.read(file("{\"A\":{\"X\":\"1\"},\"B\":{\"X\":\"2\"}}")))
                .withMessage("Output X is '1' in stack A of " + dir.resolve("outputs.json") + " and '2' in stack B of "
                        + dir.resolve("outputs.json") + ": which deployment is meant?");
        assertThatIllegalArgumentException().isThrownBy(() -> DeployedOutputs.read(file("[1]"))).withMessageContaining("holds no JSON object");
    }

    /** What 'aws cloudformation describe-stacks --stack-name S' prints, one file per stack: the pipeline's checks read those. */
    @Test
    void describeStacksOutputIsReadAndSeveralFilesAreOne() throws IOException {
        Path data = file("data.json", "{\"Stacks\":[{\"StackName\":\"SluiceData-dev\",\"StackStatus\":\"UPDATE_COMPLETE\","
                + "\"Outputs\":[{\"OutputKey\":\"UsageTableName\",\"OutputValue\":\"sluice-usage-dev\",\"Description\":\"d\"}]}]}");
        Path compute = file("compute.json", "{\"Stacks\":[{\"StackName\":\"SluiceCompute-dev\",\"Outputs\":["
                + "{\"OutputKey\":\"StreamName\",\"OutputValue\":\"sluice-cdrs-dev\",\"ExportName\":\"e\"}]}]}");
        Path noOutputs = file("none.json", "{\"Stacks\":[{\"StackName\":\"SluiceAnalytics-dev\"}]}");
        DeployedOutputs o = DeployedOutputs.read(java.util.List.of(data, compute, noOutputs));
        assertThat(o.all()).isEqualTo(java.util.Map.of("UsageTableName", "sluice-usage-dev", "StreamName", "sluice-cdrs-dev"));

        Path other = file("other.json", "{\"SluiceData-prod\":{\"UsageTableName\":\"sluice-usage-prod\"}}");
        assertThatIllegalArgumentException().isThrownBy(() -> DeployedOutputs.read(java.util.List.of(data, other)))
                .withMessage("Output UsageTableName is 'sluice-usage-dev' in stack SluiceData-dev of " + data
                        + " and 'sluice-usage-prod' in stack SluiceData-prod of " + other + ": which deployment is meant?");
        Path broken = file("broken.json", "{\"Stacks\":[{\"StackName\":\"S\",\"Outputs\":[{\"OutputValue\":\"v\"}]}]}");
        assertThatIllegalArgumentException().isThrownBy(() -> DeployedOutputs.read(broken))
                .withMessage("Output 0 of stack S in " + broken + " has no OutputKey or OutputValue");
    }

    @Test
    void expressAndStandardExecutionArns() {
        assertThat(DeployedOutputs.isExpressExecution(
                "arn:aws:states:eu-west-1:123456789012:express:sluice-file-load-dev:1a2b3c:4d5e6f")).isTrue();
        assertThat(DeployedOutputs.isExpressExecution(
                "arn:aws:states:eu-west-1:123456789012:execution:sluice-file-load-dev:run-1")).isFalse();
        assertThatIllegalArgumentException().isThrownBy(() -> DeployedOutputs.isExpressExecution("arn:aws:states:eu-west-1:1:stateMachine:x:y"))
                .withMessageContaining("resource type 'stateMachine'");
    }
}
