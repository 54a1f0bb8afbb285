package io.sluice.local.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Commands that another module adds to {@code sluice}, found with {@link java.util.ServiceLoader} on the class path
 * (a {@code META-INF/services/io.sluice.local.cli.SluiceExtension} file). This is how the AWS developer tools
 * (module {@code sluice-aws-tools}: {@code sluice invoke}, {@code sluice redrive}, {@code sluice doctor --deployed})
 * join the command line while {@code sluice-local} itself, the one-machine distribution, has no AWS dependency
 * (issue 15). Without the extension those commands say how to get them ({@link AwsToolsMissing}).
 */
public interface SluiceExtension {

    /** The subcommands to add, new picocli command objects at every call (each names itself in its {@code @Command}). */
    List<Object> subcommands();

    /**
     * {@code sluice doctor --deployed FILE...}: the checks of a deployment's outputs files, or empty when this
     * extension does not check deployments.
     */
    default Optional<List<DoctorCommand.Check>> checkDeployment(List<Path> outputsFiles) {
        return Optional.empty();
    }

    /**
     * {@code sluice devices ... --deployed FILE...}: the device tokens of a deployment (its telemetry table, named by the
     * outputs files), or empty when this extension does not reach deployments.
     */
    default Optional<io.sluice.core.telemetry.DeviceTokens> deployedDevices(List<Path> outputsFiles) {
        return Optional.empty();
    }

    /** The extensions on the class path, in its order. */
    static List<SluiceExtension> installed() {
        return java.util.ServiceLoader.load(SluiceExtension.class, SluiceExtension.class.getClassLoader()).stream()
                .map(java.util.ServiceLoader.Provider::get).toList();
    }
}
