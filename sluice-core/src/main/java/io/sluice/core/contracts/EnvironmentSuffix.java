package io.sluice.core.contracts;

import java.util.regex.Pattern;

/**
 * The environment suffix every physical name on AWS ends in (INF-1): {@code dev}, {@code staging}, {@code prod}
 * or {@code pr<digits>} (a pull-request environment, up to six digits); {@code dev} unless one is given. The CDK
 * app refuses any other, and {@code sluice doctor --deployed} checks deployed names against the same rule.
 */
public final class EnvironmentSuffix {
    public static final String DEFAULT = "dev";

    /** The rule as a regular expression without anchors or groups, to embed in larger name patterns. */
    public static final String REGEX = "dev|staging|prod|pr[0-9]{1,6}";

    private static final Pattern PATTERN = Pattern.compile(REGEX);

    private EnvironmentSuffix() {
    }

    /** True for {@code dev}, {@code staging}, {@code prod} and {@code pr<digits>}. */
    public static boolean isValid(String suffix) {
        return suffix != null && PATTERN.matcher(suffix).matches();
    }
}
