package io.sluice.infra;

import java.util.regex.Pattern;
import software.amazon.awscdk.RemovalPolicy;

/**
 * One deployment environment and its settings, in one typed place (INF-7, INF-10): the suffix every physical
 * name carries, what happens to data when a stack is deleted, and the capacity bounds.
 *
 * @param suffix            {@code dev}, {@code staging}, {@code prod} or {@code pr<digits>}
 * @param removalPolicy     destroy for dev and pull-request environments, retain for staging and prod
 * @param profilesMinRead   profiles table: provisioned read capacity, auto-scaled between min and max
 * @param profilesMaxRead   (both within the default quota of 40,000 per table: checked at synth)
 * @param profilesMinWrite  provisioned write capacity, auto-scaled
 * @param profilesMaxWrite  upper bound of the write scaling
 */
public record SluiceEnvironment(String suffix, RemovalPolicy removalPolicy, int profilesMinRead, int profilesMaxRead,
                                int profilesMinWrite, int profilesMaxWrite) {
    static final Pattern SUFFIX = Pattern.compile("dev|staging|prod|pr[0-9]{1,6}");

    public SluiceEnvironment {
        if (suffix == null || !SUFFIX.matcher(suffix).matches()) {
            throw new IllegalArgumentException("envSuffix '" + suffix + "' is not one of dev, staging, prod or pr<number> "
                    + "(e.g. pr123); pass it with -c envSuffix=...");
        }
    }

    /** The settings of an environment by its suffix (the {@code envSuffix} context value; default dev). */
    public static SluiceEnvironment of(String suffix) {
        String s = suffix == null || suffix.isBlank() ? "dev" : suffix.trim();
        if (!SUFFIX.matcher(s).matches()) {
            return new SluiceEnvironment(s, RemovalPolicy.DESTROY, 0, 0, 0, 0); // throws, naming the value
        }
        return switch (s) {
            case "prod" -> new SluiceEnvironment(s, RemovalPolicy.RETAIN, 50, 2_000, 25, 1_000);
            case "staging" -> new SluiceEnvironment(s, RemovalPolicy.RETAIN, 10, 500, 5, 250);
            default -> new SluiceEnvironment(s, RemovalPolicy.DESTROY, 5, 50, 5, 50);
        };
    }

    /** The physical name of a resource: {@code sluice-<resource>-<suffix>}. */
    public String name(String resource) {
        return "sluice-" + resource + "-" + suffix;
    }
}
