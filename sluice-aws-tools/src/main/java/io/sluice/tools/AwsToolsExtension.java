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

    @Override
    public Optional<List<DoctorCommand.Check>> checkDeployment(List<Path> outputsFiles) {
        return Optional.of(DeployedCheck.run(outputsFiles));
    }
}
