package io.sluice.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import io.sluice.aws.dynamodb.DynamoDbDevices;
import io.sluice.aws.dynamodb.TableSchemas;
import io.sluice.core.contracts.TableKeys;
import io.sluice.core.telemetry.DeviceTokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IOT-7 on AWS: {@code sluice devices ... --deployed OUTPUTS.json} reaches the table the outputs name, nested or flat. */
class DeployedDevicesTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("the telemetry table of a nested or flat outputs file takes the devices; the function's lookup finds them")
    void devicesOfADeployment() throws Exception {
        AmazonDynamoDBLocal local = DynamoDBEmbedded.create(dir.resolve("db").toFile(), true);
        try {
            var client = local.dynamoDbClient();
            TableSchemas.create(client, "sluice-telemetry-dev", TableKeys.TELEMETRY);
            Path nested = Files.writeString(dir.resolve("nested.json"),
                    "{\"SluiceData-dev\":{\"TelemetryTableName\":\"sluice-telemetry-dev\"},\"SluiceTelemetry-dev\":{\"TelemetryApiUrl\":\"https://x\"}}");
            Path flat = Files.writeString(dir.resolve("flat.json"), "{\"TelemetryTableName\":\"sluice-telemetry-dev\"}");

            String token = DeviceTokens.newToken();
            assertThat(AwsToolsExtension.devices(List.of(nested), client).add("pump-7", token, 1_000L)).isTrue();

            assertThat(AwsToolsExtension.devices(List.of(flat), client).list()).containsExactly(new DeviceTokens.Device("pump-7", 1_000L, null));
            assertThat(new DynamoDbDevices(client, "sluice-telemetry-dev").deviceOf(token)).contains("pump-7");
            assertThat(AwsToolsExtension.devices(List.of(flat), client).revoke("pump-7", 2_000L)).isTrue();
            assertThat(new DynamoDbDevices(client, "sluice-telemetry-dev").deviceOf(token)).isEmpty();
        } finally {
            local.shutdown();
        }
    }

    @Test
    @DisplayName("outputs without the telemetry table: an error naming the output and what the file has")
    void noTable() throws Exception {
        Path other = Files.writeString(dir.resolve("other.json"), "{\"SluiceData-dev\":{\"UsageTableName\":\"u\"}}");
        assertThatThrownBy(() -> AwsToolsExtension.devices(List.of(other), null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("TelemetryTableName").hasMessageContaining("UsageTableName");
    }
}
