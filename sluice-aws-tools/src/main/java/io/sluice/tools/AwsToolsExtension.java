package io.sluice.tools;

import io.sluice.local.cli.DoctorCommand;
import io.sluice.local.cli.SluiceExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The AWS developer tools as an extension of the {@code sluice} command line (issue 15): {@code sluice invoke}
 * (a real Lambda handler over DynamoDB Local and folders), {@code sluice redrive} (the deployed object queue's
 * dead-letter queue) and {@code sluice doctor --deployed} (a deployment's outputs file, offline). Registered in
 * {@code META-INF/services/io.sluice.local.cli.SluiceExtension}; sluice-local finds it on the class path.
 */
public final class AwsToolsExtension implements SluiceExtension {

    @Override
    public List<Object> subcommands() {
        return List.of(new InvokeCommand(), new RedriveCommand());
    }

    /** The deployment's telemetry table ({@code TelemetryTableName}), with the caller's AWS credentials and region. */
    @Override
    public Optional<io.sluice.core.telemetry.DeviceTokens> deployedDevices(List<Path> outputsFiles) {
        return Optional.of(devices(outputsFiles, software.amazon.awssdk.services.dynamodb.DynamoDbClient.builder()
                .httpClientBuilder(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder()).build()));
    }

    /** The device tokens in the telemetry table the outputs name, through {@code client}. */
    static io.sluice.core.telemetry.DeviceTokens devices(List<Path> outputsFiles, software.amazon.awssdk.services.dynamodb.DynamoDbClient client) {
        io.sluice.aws.deploy.DeployedOutputs outputs;
        try {
            outputs = io.sluice.aws.deploy.DeployedOutputs.read(outputsFiles);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot read the outputs file(s) " + outputsFiles + ": " + e.getMessage(), e);
        }
        return new io.sluice.aws.dynamodb.DynamoDbDevices(client, outputs.require(io.sluice.core.contracts.OutputNames.TELEMETRY_TABLE));
    }

    @Override
    public Optional<List<DoctorCommand.Check>> checkDeployment(List<Path> outputsFiles) {
        return Optional.of(DeployedCheck.run(outputsFiles));
    }
}
