package io.sluice.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.local.store.DeviceRegistry;
import io.sluice.local.store.LocalStore;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sluice devices}: per-device credentials for telemetry (IOT-7). */
@Command(name = "devices", mixinStandardHelpOptions = true,
        description = {"Manage the devices that post telemetry with a token of their own.",
            "A device's token is shown once, by 'add'; Sluice keeps only its hash. Devices post with it to",
            "POST /api/v1/<token>/telemetry (ThingsBoard's HTTP device API, so existing firmware works unchanged); a token in a URL",
            "ends up in access logs, so prefer POST /v1/telemetry with the header x-api-key where the firmware allows.",
            "While 'sluice up' runs, these commands go through it. With --deployed OUTPUTS.json they manage the devices of a",
            "deployment instead (its telemetry table, with your AWS credentials and region)."},
        subcommands = {DevicesCommand.Add.class, DevicesCommand.ListDevices.class, DevicesCommand.Revoke.class})
final class DevicesCommand implements Runnable {
    private static final ObjectMapper JSON = new ObjectMapper();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    private static final java.util.regex.Pattern ID = io.sluice.core.telemetry.TelemetryConfig.DEFAULT_DEVICE_ID;

    /** {@code --deployed FILE...}: a deployment's devices instead of this machine's. */
    static final class Deployed {
        @Option(names = "--deployed", paramLabel = "OUTPUTS.json", arity = "1..*",
                description = "The outputs file(s) of a deployment (cdk deploy --outputs-file, or aws cloudformation describe-stacks): "
                        + "manage the devices in its telemetry table (needs AWS credentials; the region is AWS_REGION or the deployment's).")
        List<java.nio.file.Path> files;

        /** The deployment's tokens, or empty without --deployed; exits with a message when no extension reaches deployments. */
        Optional<io.sluice.core.telemetry.DeviceTokens> tokens() {
            if (files == null || files.isEmpty()) {
                return Optional.empty();
            }
            for (SluiceExtension e : SluiceExtension.installed()) {
                Optional<io.sluice.core.telemetry.DeviceTokens> t = e.deployedDevices(files);
                if (t.isPresent()) {
                    return t;
                }
            }
            throw new IllegalStateException("--deployed needs the AWS tools (sluice-aws-tools) on the class path; the ./sluice script has them");
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Register a device and print its token (once).",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:Registered; the token is on stdout.", "1:Failure: the store cannot be written.",
                "2:Usage error, or an active device of that id exists (revoke it first)."})
    static final class Add implements Callable<Integer> {
        @Mixin
        DataDirOption store;

        @Parameters(paramLabel = "ID", description = "The device id: 1 to 128 letters, digits or . _ : - starting with a letter or digit.")
        String id;

        @Option(names = "--json", description = "Print {\"device\", \"token\", \"telemetry_path\"} as JSON.")
        boolean json;

        @Mixin
        Deployed deployed;

        @Override
        public Integer call() throws Exception {
            if (!ID.matcher(id).matches()) {
                System.err.println("sluice devices add: '" + id + "' is not 1 to 128 letters, digits or . _ : - starting with a letter or digit");
                return ExitCodes.USAGE;
            }
            String token;
            Optional<io.sluice.core.telemetry.DeviceTokens> remote = deployed.tokens();
            Optional<UpClient> up = remote.isPresent() ? Optional.empty() : UpClient.of(store.dataDir);
            if (remote.isPresent()) {
                token = io.sluice.core.telemetry.DeviceTokens.newToken();
                if (!remote.get().add(id, token, System.currentTimeMillis())) {
                    System.err.println("sluice devices add: device " + id + " exists in the deployment; revoke it first (sluice devices revoke "
                            + id + " --deployed ...)");
                    return ExitCodes.USAGE;
                }
            } else if (up.isPresent()) {
                HttpResponse<byte[]> r = up.get().post("/v1/devices", "application/json", JSON.writeValueAsBytes(Map.of("id", id)));
                if (r.statusCode() != 201) {
                    System.err.println("sluice devices add: " + UpClient.error(r));
                    return UpClient.exitCode(r);
                }
                token = JSON.readTree(r.body()).path("token").asText();
            } else {
                token = DeviceRegistry.newToken();
                String t = token;
                try (LocalStore s = LocalStore.open(store.dataDir)) {
                    if (!s.inTransaction(c -> DeviceRegistry.add(c, id, t, System.currentTimeMillis()))) {
                        System.err.println("sluice devices add: device " + id + " exists; revoke it first (sluice devices revoke " + id + ")");
                        return ExitCodes.USAGE;
                    }
                }
            }
            if (json) {
                System.out.println(JSON.writeValueAsString(Map.of("device", id, "token", token, "telemetry_path", "/api/v1/" + token + "/telemetry")));
            } else {
                System.out.println(token);
                System.err.println("sluice devices add: " + id + " registered; its token is shown this once. It posts to "
                        + "POST /api/v1/<token>/telemetry");
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the devices: id, registered, revoked (never a token).")
    static final class ListDevices implements Callable<Integer> {
        @Mixin
        DataDirOption store;

        @Option(names = "--json", description = "One JSON array on stdout: device, created_at, revoked_at.")
        boolean json;

        @Mixin
        Deployed deployed;

        @Override
        public Integer call() throws Exception {
            JsonNode devices;
            Optional<io.sluice.core.telemetry.DeviceTokens> remote = deployed.tokens();
            Optional<UpClient> up = remote.isPresent() ? Optional.empty() : UpClient.of(store.dataDir);
            if (remote.isPresent()) {
                com.fasterxml.jackson.databind.node.ArrayNode a = JSON.createArrayNode();
                for (io.sluice.core.telemetry.DeviceTokens.Device d : remote.get().list()) {
                    a.addObject().put("device", d.deviceId()).put("created_at", Instant.ofEpochMilli(d.createdAt()).toString())
                            .put("revoked_at", d.revokedAt() == null ? null : Instant.ofEpochMilli(d.revokedAt()).toString());
                }
                devices = a;
            } else if (up.isPresent()) {
                HttpResponse<byte[]> r = up.get().get("/v1/devices");
                if (r.statusCode() != 200) {
                    System.err.println("sluice devices list: " + UpClient.error(r));
                    return UpClient.exitCode(r);
                }
                devices = JSON.readTree(r.body()).path("devices");
            } else {
                com.fasterxml.jackson.databind.node.ArrayNode a = JSON.createArrayNode();
                try (LocalStore s = LocalStore.openExisting(store.dataDir)) {
                    for (DeviceRegistry.Device d : DeviceRegistry.list(s.connection())) {
                        a.addObject().put("device", d.deviceId()).put("created_at", Instant.ofEpochMilli(d.createdAt()).toString())
                                .put("revoked_at", d.revokedAt() == null ? null : Instant.ofEpochMilli(d.revokedAt()).toString());
                    }
                }
                devices = a;
            }
            if (json) {
                System.out.println(JSON.writeValueAsString(devices));
                return ExitCodes.OK;
            }
            if (devices.isEmpty()) {
                System.out.println("no devices; register one with 'sluice devices add ID'");
            }
            for (JsonNode d : devices) {
                System.out.printf("%-40s registered %s%s%n", d.path("device").asText(), d.path("created_at").asText(),
                        d.path("revoked_at").isNull() ? "" : "  REVOKED " + d.path("revoked_at").asText());
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Refuse a device's token from now on.",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:Revoked.", "1:Failure: the store cannot be written.", "2:No active device of that id."})
    static final class Revoke implements Callable<Integer> {
        @Mixin
        DataDirOption store;

        @Parameters(paramLabel = "ID", description = "The device id.")
        String id;

        @Mixin
        Deployed deployed;

        @Override
        public Integer call() throws Exception {
            boolean revoked;
            Optional<io.sluice.core.telemetry.DeviceTokens> remote = deployed.tokens();
            Optional<UpClient> up = remote.isPresent() ? Optional.empty() : UpClient.of(store.dataDir);
            if (remote.isPresent()) {
                revoked = remote.get().revoke(id, System.currentTimeMillis());
            } else if (up.isPresent()) {
                HttpResponse<byte[]> r = up.get().post("/v1/devices/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "/revoke",
                        "application/json", new byte[0]);
                revoked = r.statusCode() == 200;
                if (!revoked && r.statusCode() != 404) {
                    System.err.println("sluice devices revoke: " + UpClient.error(r));
                    return UpClient.exitCode(r);
                }
            } else {
                try (LocalStore s = LocalStore.openExisting(store.dataDir)) {
                    revoked = s.inTransaction(c -> DeviceRegistry.revoke(c, id, System.currentTimeMillis()));
                }
            }
            if (!revoked) {
                System.err.println("sluice devices revoke: no active device " + id + " (see sluice devices list)");
                return ExitCodes.USAGE;
            }
            System.err.println("sluice devices revoke: " + id + "'s token is refused from now on");
            return ExitCodes.OK;
        }
    }
}
