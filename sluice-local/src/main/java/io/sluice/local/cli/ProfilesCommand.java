package io.sluice.local.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.core.cdr.PhoneNumberNormalizer;
import io.sluice.local.store.LocalStore;
import io.sluice.local.store.ProfileImporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sluice profiles}: subscriber profiles used to enrich CDRs (CDR-6). */
@Command(name = "profiles", mixinStandardHelpOptions = true, description = "Manage subscriber profiles.",
        subcommands = ProfilesCommand.Import.class)
final class ProfilesCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = {
                "Load profiles from a CSV file with the header msisdn,plan,home_country[,status].",
                "Numbers are normalized to E.164 with --default-country; a number imported again replaces its profile."
            })
    static final class Import implements Callable<Integer> {
        @Mixin
        StoreOptions store;

        @Option(names = "--json", description = "Print the outcome as JSON.")
        boolean json;

        @Parameters(paramLabel = "FILE.csv", description = "The profiles CSV file.")
        Path file;

        @Override
        public Integer call() throws Exception {
            if (!Files.isRegularFile(file)) {
                System.err.println("sluice: " + file + ": no such file");
                return ExitCodes.REJECTED;
            }
            java.util.Optional<UpClient> up = UpClient.of(store.data.dataDir);
            if (up.isPresent()) {
                // 'sluice up' owns the store: it imports between batches and enriches with the new profiles at once.
                var resp = up.get().post("/v1/profiles?default_country=" + store.defaultCountry + "&name="
                        + java.net.URLEncoder.encode(file.toAbsolutePath().normalize().toString(), java.nio.charset.StandardCharsets.UTF_8),
                        "text/csv", file);
                if (resp.statusCode() != 200) {
                    System.err.println("sluice: " + UpClient.error(resp));
                    return resp.statusCode() == 400 ? ExitCodes.REJECTED : UpClient.exitCode(resp);
                }
                var n = new ObjectMapper().readTree(resp.body());
                int shown = 0;
                for (var p : n.path("problems")) {
                    if (shown++ < 10) {
                        System.err.println("rejected " + p.asText());
                    }
                }
                if (json) {
                    System.out.println(new ObjectMapper().writeValueAsString(Map.of("rows", n.path("rows").asLong(),
                            "imported", n.path("imported").asLong(), "rejected", n.path("rejected").asLong())));
                } else {
                    System.out.printf("profiles: %d rows, %d imported, %d rejected%n", n.path("rows").asLong(),
                            n.path("imported").asLong(), n.path("rejected").asLong());
                }
                return n.path("rejected").asLong() == 0 ? ExitCodes.OK : ExitCodes.REJECTED;
            }
            ProfileImporter.Result r;
            try (LocalStore s = LocalStore.open(store.data.dataDir)) {
                r = new ProfileImporter(s, new PhoneNumberNormalizer(store.defaultCountry, 100_000)).importCsv(file);
            } catch (IllegalArgumentException e) {
                System.err.println("sluice: " + e.getMessage());
                return ExitCodes.REJECTED;
            }
            r.problems().stream().limit(10).forEach(p -> System.err.println("rejected " + p));
            if (json) {
                System.out.println(new ObjectMapper().writeValueAsString(Map.of("rows", r.rows(), "imported", r.imported(),
                        "rejected", r.problems().size())));
            } else {
                System.out.printf("profiles: %d rows, %d imported, %d rejected%n", r.rows(), r.imported(), r.problems().size());
            }
            return r.problems().isEmpty() ? ExitCodes.OK : ExitCodes.REJECTED;
        }
    }
}
