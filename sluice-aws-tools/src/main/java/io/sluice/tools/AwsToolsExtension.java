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

    /**
     * The deployment's telemetry table ({@code TelemetryTableName}), with the caller's AWS credentials; the region is
     * AWS_REGION's, or else the deployment's own (from its telemetry topic's ARN).
     */
    @Override
    public Optional<io.sluice.core.telemetry.DeviceTokens> deployedDevices(List<Path> outputsFiles) {
        io.sluice.aws.deploy.DeployedOutputs outputs = outputs(outputsFiles);
        String table = outputs.require(io.sluice.core.contracts.OutputNames.TELEMETRY_TABLE);
        var client = software.amazon.awssdk.services.dynamodb.DynamoDbClient.builder()
                .httpClientBuilder(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder());
        if (System.getenv("AWS_REGION") == null && System.getProperty("aws.region") == null) {
            outputs.get(io.sluice.core.contracts.OutputNames.TELEMETRY_TOPIC).map(arn -> arn.split(":")).filter(p -> p.length > 3 && !p[3].isBlank())
                    .ifPresent(p -> client.region(software.amazon.awssdk.regions.Region.of(p[3])));
        }
        try {
            software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider.builder().build().resolveCredentials();
        } catch (software.amazon.awssdk.core.exception.SdkClientException e) {
            throw new IllegalArgumentException("no AWS credentials for the deployment's table " + table + ": set AWS_PROFILE, or "
                    + "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, for its account");
        }
        return Optional.of(new io.sluice.aws.dynamodb.DynamoDbDevices(client.build(), table));
    }

    /** The device tokens in the telemetry table the outputs name, through {@code client}. */
    static io.sluice.core.telemetry.DeviceTokens devices(List<Path> outputsFiles, software.amazon.awssdk.services.dynamodb.DynamoDbClient client) {
        return new io.sluice.aws.dynamodb.DynamoDbDevices(client, outputs(outputsFiles).require(io.sluice.core.contracts.OutputNames.TELEMETRY_TABLE));
    }

    private static io.sluice.aws.deploy.DeployedOutputs outputs(List<Path> outputsFiles) {
        try {
            return io.sluice.aws.deploy.DeployedOutputs.read(outputsFiles);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot read the outputs file(s) " + outputsFiles + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<List<DoctorCommand.Check>> checkDeployment(List<Path> outputsFiles) {
        return Optional.of(DeployedCheck.run(outputsFiles));
    }
}
