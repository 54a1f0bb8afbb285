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
        return Files.writeString(dir.resolve("outputs.json"), json);
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
                .withMessageContaining("Output X is '1' in stack A and '2' in stack B");
        assertThatIllegalArgumentException().isThrownBy(() -> DeployedOutputs.read(file("[1]"))).withMessageContaining("holds no JSON object");
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
