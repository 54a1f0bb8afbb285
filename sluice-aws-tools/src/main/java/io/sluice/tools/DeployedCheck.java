package io.sluice.tools;

import static io.sluice.core.contracts.OutputNames.ALERTS_TOPIC_ARN;
import static io.sluice.core.contracts.OutputNames.ARCHIVE_BUCKET;
import static io.sluice.core.contracts.OutputNames.ARCHIVE_CRAWLER;
import static io.sluice.core.contracts.OutputNames.ARCHIVE_DELIVERY_STREAM;
import static io.sluice.core.contracts.OutputNames.ATHENA_WORKGROUP;
import static io.sluice.core.contracts.OutputNames.CDR_STREAM;
import static io.sluice.core.contracts.OutputNames.DATA_KEY_ARN;
import static io.sluice.core.contracts.OutputNames.DEAD_LETTERS_TABLE;
import static io.sluice.core.contracts.OutputNames.ERRORS_TABLE;
import static io.sluice.core.contracts.OutputNames.FRAUD_TABLE;
import static io.sluice.core.contracts.OutputNames.GLUE_DATABASE;
import static io.sluice.core.contracts.OutputNames.INGEST_WORKFLOW_ARN;
import static io.sluice.core.contracts.OutputNames.MANIFESTS_TABLE;
import static io.sluice.core.contracts.OutputNames.OBJECT_BUCKET;
import static io.sluice.core.contracts.OutputNames.OBJECT_DLQ_URL;
import static io.sluice.core.contracts.OutputNames.OBJECT_FUNCTION;
import static io.sluice.core.contracts.OutputNames.OBJECT_QUEUE_URL;
import static io.sluice.core.contracts.OutputNames.PROFILES_TABLE;
import static io.sluice.core.contracts.OutputNames.REDRIVE_FUNCTION;
import static io.sluice.core.contracts.OutputNames.STREAM_FAILURES_QUEUE_URL;
import static io.sluice.core.contracts.OutputNames.STREAM_FUNCTION;
import static io.sluice.core.contracts.OutputNames.STREAM_REPLAY_FUNCTION;
import static io.sluice.core.contracts.OutputNames.TELEMETRY_API_URL;
import static io.sluice.core.contracts.OutputNames.TELEMETRY_DELIVERY_STREAM;
import static io.sluice.core.contracts.OutputNames.TELEMETRY_FUNCTION;
import static io.sluice.core.contracts.OutputNames.TELEMETRY_SECRET;
import static io.sluice.core.contracts.OutputNames.TELEMETRY_TABLE;
import static io.sluice.core.contracts.OutputNames.TELEMETRY_TOPIC;
import static io.sluice.core.contracts.OutputNames.USAGE_TABLE;

import io.sluice.aws.deploy.DeployedOutputs;
import io.sluice.core.contracts.OutputNames;
import io.sluice.local.cli.DoctorCommand;
import io.sluice.local.cli.DoctorCommand.Check;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code sluice doctor --deployed FILE}: checks the outputs file of a deployment, the one
 * {@code cdk deploy --outputs-file} writes (INF-6), offline, without any AWS call. One check per output in
 * {@link OutputNames#REQUIRED}; then that every physical name carries one environment suffix (INF-1), that the
 * ARNs, queue URLs and the telemetry API's URL share one region and account, and that the ingest workflow is a state
 * machine whose executions are Express ones (ANA-3; AWS-CONTRACTS.md section 5).
 */
final class DeployedCheck {
    static final String FILE = "outputs file";
    static final String ENVIRONMENT = "environment";
    static final String ACCOUNT_REGION = "account/region";
    static final String WORKFLOW = "workflow";

    static final String DEPLOY = deploy("<env>");
    static final String ONE_DEPLOYMENT = "the outputs file mixes deployments: use the one " + DEPLOY + " wrote";

    /** {@code dev}, {@code staging}, {@code prod} or {@code pr<digits>} (INF-1). */
    private static final String SUFFIX = io.sluice.core.contracts.EnvironmentSuffix.REGEX;
    /** {@code sluice-<resource>-<suffix>}. */
    private static final Pattern NAME = Pattern.compile("sluice-.+-(" + SUFFIX + ")");
    /** Glue and Athena names may use underscores, which Glue requires: {@code sluice_<x>_<suffix>} or as {@link #NAME}. */
    private static final Pattern CATALOG_NAME = Pattern.compile("sluice[-_].+[-_](" + SUFFIX + ")");
    private static final Pattern PARTITION = Pattern.compile("aws[-a-z]*");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(?:-[a-z]+)+-[0-9]+");
    private static final Pattern ACCOUNT = Pattern.compile("[0-9]{12}");
    private static final Pattern QUEUE_URL = Pattern.compile(
            "https://sqs\\.(" + REGION.pattern() + ")\\.amazonaws\\.com(?:\\.cn)?/(" + ACCOUNT.pattern() + ")/[A-Za-z0-9_-]{1,80}(?:\\.fifo)?");
    /** An HTTP API's default endpoint, {@code https://API_ID.execute-api.REGION.amazonaws.com}; a trailing slash is taken too. */
    private static final Pattern API_URL = Pattern.compile(
            "https://[a-z0-9]{10}\\.execute-api\\.(" + REGION.pattern() + ")\\.amazonaws\\.com(?:\\.cn)?/?");

    /** Bucket names are global: {@code sluice-<resource>-<account>-<region>-<suffix>}. */
    private static final Pattern BUCKET = Pattern.compile("sluice-[a-z0-9-]+?-(" + ACCOUNT.pattern() + ")-(" + REGION.pattern()
            + ")-(" + SUFFIX + ")");

    /** The command that deploys environment {@code env} and writes its outputs file (docs/deploy.md section 3). */
    static String deploy(String env) {
        return "`cd sluice-infra && npx aws-cdk deploy --all -c envSuffix=" + env + " --outputs-file outputs-" + env + ".json`"
                + (env.equals("prod") ? " with prod's parameters (AlertEmail, SourceZone, DefaultCountry: docs/deploy.md section 3)" : "");
    }

    /** The outputs that are physical names {@code sluice-<resource>-<suffix>}. */
    static final List<String> NAMES = List.of(PROFILES_TABLE, USAGE_TABLE, MANIFESTS_TABLE, DEAD_LETTERS_TABLE, ERRORS_TABLE, FRAUD_TABLE,
            ARCHIVE_DELIVERY_STREAM, GLUE_DATABASE, ARCHIVE_CRAWLER, ATHENA_WORKGROUP, CDR_STREAM, STREAM_FUNCTION, OBJECT_FUNCTION,
            REDRIVE_FUNCTION, STREAM_REPLAY_FUNCTION, TELEMETRY_TABLE, TELEMETRY_SECRET, TELEMETRY_DELIVERY_STREAM, TELEMETRY_FUNCTION);
    static final List<String> CATALOG_NAMES = List.of(GLUE_DATABASE, ATHENA_WORKGROUP);
    /** Bucket names: {@link #BUCKET}. */
    static final List<String> BUCKETS = List.of(OBJECT_BUCKET, ARCHIVE_BUCKET);
    static final List<String> QUEUE_URLS = List.of(OBJECT_QUEUE_URL, OBJECT_DLQ_URL, STREAM_FAILURES_QUEUE_URL);

    /** An ARN output: the service it must name, how its resource starts, and its shape, for messages. */
    private record ArnForm(String output, String service, String resourceStart, String shape) {
    }

    private static final List<ArnForm> ARNS = List.of(
            new ArnForm(DATA_KEY_ARN, "kms", "key/", "arn:aws:kms:REGION:ACCOUNT:key/ID"),
            new ArnForm(ALERTS_TOPIC_ARN, "sns", "", "arn:aws:sns:REGION:ACCOUNT:NAME"),
            new ArnForm(INGEST_WORKFLOW_ARN, "states", "", "arn:aws:states:REGION:ACCOUNT:stateMachine:NAME"),
            new ArnForm(TELEMETRY_TOPIC, "sns", "", "arn:aws:sns:REGION:ACCOUNT:NAME"));

    /** Where an ARN or queue URL points. */
    record Location(String region, String account) {
    }

    private DeployedCheck() {
    }

    /** Every check of the outputs file {@code file}; one failed check when it cannot be read. */
    static List<Check> run(Path file) {
        return run(List.of(file));
    }

    /**
     * Every check of the outputs in {@code files}, read as one (e.g. one {@code describe-stacks} answer per stack);
     * one failed check when one cannot be read.
     */
    static List<Check> run(List<Path> files) {
        List<Path> paths = files.stream().map(f -> f.toAbsolutePath().normalize()).toList();
        String where = String.join(", ", paths.stream().map(Path::toString).toList());
        DeployedOutputs outputs;
        try {
            outputs = DeployedOutputs.read(paths);
        } catch (NoSuchFileException e) {
            return List.of(Check.fail(FILE, "cannot read " + e.getFile() + ": no such file; " + DEPLOY + " writes it"));
        } catch (IOException e) {
            return List.of(Check.fail(FILE, "cannot read " + where + ": " + DoctorCommand.describe(e) + "; " + DEPLOY + " writes it"));
        } catch (IllegalArgumentException e) {
            // Not JSON, no object, or one output with two values: DeployedOutputs' message names the file.
            return List.of(Check.fail(FILE, DoctorCommand.firstLine(e.getMessage()) + "; use the file " + DEPLOY + " wrote"));
        }
        List<Check> checks = new ArrayList<>();
        checks.add(Check.ok(FILE, where + ": " + outputs.all().size() + " outputs"));
        checks.addAll(check(outputs, where));
        return checks;
    }

    /** The checks of outputs read from {@code file}: one per required output, then environment, account/region, workflow. */
    static List<Check> check(DeployedOutputs outputs, String file) {
        List<Check> checks = new ArrayList<>();
        String env = environment(outputs).orElse("<env>");
        for (String name : OutputNames.REQUIRED) {
            Optional<String> value = present(outputs, name);
            checks.add(value.isPresent() ? Check.ok(name, value.get())
                    : Check.fail(name, "no output " + name + " in " + file + ": stack " + OutputNames.stackOf(name) + "-" + env
                            + " declares it; deploy with " + deploy(env)));
        }
        checks.add(checkEnvironment(outputs));
        checks.add(checkAccountRegion(outputs));
        checks.add(checkWorkflow(outputs));
        return checks;
    }

    // environment

    static Check checkEnvironment(DeployedOutputs outputs) {
        List<String> problems = new ArrayList<>();
        Map<String, String> suffixes = new LinkedHashMap<>();
        for (String name : NAMES) {
            present(outputs, name).ifPresent(v -> suffixOf(name, v).ifPresentOrElse(s -> suffixes.put(name, s),
                    () -> problems.add(name + " '" + v + "' is not " + (CATALOG_NAMES.contains(name)
                            ? "sluice_<name>_<suffix> or sluice-<name>-<suffix>" : "sluice-<resource>-<suffix>")
                            + " (suffix dev, staging, prod or pr<digits>)")));
        }
        for (String name : BUCKETS) {
            present(outputs, name).ifPresent(v -> {
                Matcher m = BUCKET.matcher(v);
                if (m.matches()) {
                    suffixes.put(name, m.group(3));
                } else {
                    problems.add(name + " '" + v + "' is not sluice-<resource>-<account>-<region>-<suffix>");
                }
            });
        }
        String mixture = mixture(ENVIRONMENT, suffixes);
        if (mixture != null) {
            problems.add(mixture + ": " + ONE_DEPLOYMENT);
        }
        if (!problems.isEmpty()) {
            return Check.fail(ENVIRONMENT, String.join("; ", problems));
        }
        if (suffixes.isEmpty()) {
            return Check.ok(ENVIRONMENT, "not checked: the file has none of the names");
        }
        return Check.ok(ENVIRONMENT, "environment " + suffixes.values().iterator().next() + ": "
                + (suffixes.size() == 1 ? "the 1 name ends in it" : "all " + suffixes.size() + " names end in it"));
    }

    /** The environment suffix of the physical name {@code value} of output {@code name}, if it is one. */
    static Optional<String> suffixOf(String name, String value) {
        Matcher m = (CATALOG_NAMES.contains(name) ? CATALOG_NAME : NAME).matcher(value);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** The environment most names carry, if one does. */
    static Optional<String> environment(DeployedOutputs outputs) {
        Map<String, String> suffixes = new LinkedHashMap<>();
        for (String name : NAMES) {
            present(outputs, name).flatMap(v -> suffixOf(name, v)).ifPresent(s -> suffixes.put(name, s));
        }
        return majority(suffixes);
    }

    // account/region

    static Check checkAccountRegion(DeployedOutputs outputs) {
        List<String> problems = new ArrayList<>();
        Map<String, String> regions = new LinkedHashMap<>();
        Map<String, String> accounts = new LinkedHashMap<>();
        for (ArnForm form : ARNS) {
            present(outputs, form.output()).ifPresent(v -> arnLocation(v, form.service(), form.resourceStart()).ifPresentOrElse(l -> {
                regions.put(form.output(), l.region());
                accounts.put(form.output(), l.account());
            }, () -> problems.add(form.output() + " '" + v + "' is not " + form.shape())));
        }
        for (String name : BUCKETS) {
            present(outputs, name).map(BUCKET::matcher).filter(Matcher::matches).ifPresent(m -> {
                regions.put(name, m.group(2));
                accounts.put(name, m.group(1));
            });
        }
        for (String name : QUEUE_URLS) {
            present(outputs, name).ifPresent(v -> queueLocation(v).ifPresentOrElse(l -> {
                regions.put(name, l.region());
                accounts.put(name, l.account());
            }, () -> problems.add(name + " '" + v + "' is not https://sqs.REGION.amazonaws.com/ACCOUNT/NAME")));
        }
        // The telemetry API's URL names its region, not its account.
        present(outputs, TELEMETRY_API_URL).ifPresent(v -> apiRegion(v).ifPresentOrElse(r -> regions.put(TELEMETRY_API_URL, r),
                () -> problems.add(TELEMETRY_API_URL + " '" + v + "' is not https://API_ID.execute-api.REGION.amazonaws.com")));
        List<String> mixed = new ArrayList<>();
        Optional.ofNullable(mixture("region", regions)).ifPresent(mixed::add);
        Optional.ofNullable(mixture("account", accounts)).ifPresent(mixed::add);
        if (!mixed.isEmpty()) {
            problems.add(String.join(", ", mixed) + ": " + ONE_DEPLOYMENT);
        }
        if (!problems.isEmpty()) {
            return Check.fail(ACCOUNT_REGION, String.join("; ", problems));
        }
        if (regions.isEmpty()) {
            return Check.ok(ACCOUNT_REGION, "not checked: the file has none of the ARNs and queue URLs");
        }
        return Check.ok(ACCOUNT_REGION, "region " + regions.values().iterator().next() + ", account "
                + (accounts.isEmpty() ? "not named" : accounts.values().iterator().next())
                + ": all " + regions.size() + " ARNs, URLs and bucket names agree");
    }

    /** Where {@code arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE} points, when it is one of {@code service}. */
    static Optional<Location> arnLocation(String arn, String service, String resourceStart) {
        String[] p = arn.split(":", 6);
        if (p.length < 6 || !p[0].equals("arn") || !PARTITION.matcher(p[1]).matches() || !p[2].equals(service)
                || !REGION.matcher(p[3]).matches() || !ACCOUNT.matcher(p[4]).matches()
                || !p[5].startsWith(resourceStart) || p[5].length() == resourceStart.length()) {
            return Optional.empty();
        }
        return Optional.of(new Location(p[3], p[4]));
    }

    /** The region of {@code https://API_ID.execute-api.REGION.amazonaws.com}, an HTTP API's default endpoint. */
    static Optional<String> apiRegion(String url) {
        Matcher m = API_URL.matcher(url);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** Where {@code https://sqs.REGION.amazonaws.com/ACCOUNT/NAME} points. */
    static Optional<Location> queueLocation(String url) {
        Matcher m = QUEUE_URL.matcher(url);
        return m.matches() ? Optional.of(new Location(m.group(1), m.group(2))) : Optional.empty();
    }

    // workflow

    static Check checkWorkflow(DeployedOutputs outputs) {
        Optional<String> value = present(outputs, INGEST_WORKFLOW_ARN);
        if (value.isEmpty()) {
            return Check.ok(WORKFLOW, "not checked: no " + INGEST_WORKFLOW_ARN);
        }
        String arn = value.get();
        String[] p = arn.split(":", 7);
        boolean states = p.length == 7 && p[0].equals("arn") && p[2].equals("states") && !p[6].isEmpty();
        if (states && p[5].equals("stateMachine")) {
            String execution = String.join(":", p[0], p[1], p[2], p[3], p[4]) + ":express:" + p[6] + ":ID:ID";
            return Check.ok(WORKFLOW, "state machine " + p[6] + "; as an Express workflow its executions have ARNs "
                    + execution + " (:express:, not :execution:), which DescribeExecution does not take: "
                    + "look them up with `aws logs` in its log group, or read the `aws stepfunctions start-sync-execution` response");
        }
        if (states && (p[5].equals("express") || p[5].equals("execution"))) {
            String kind = DeployedOutputs.isExpressExecution(arn) ? "an Express execution" : "a Standard execution";
            return Check.fail(WORKFLOW, INGEST_WORKFLOW_ARN + " '" + arn + "' is the ARN of " + kind
                    + ", not of the state machine (arn:aws:states:REGION:ACCOUNT:stateMachine:NAME): use the file " + DEPLOY + " wrote");
        }
        return Check.fail(WORKFLOW, INGEST_WORKFLOW_ARN + " '" + arn + "' is not a state machine ARN "
                + "(arn:aws:states:REGION:ACCOUNT:stateMachine:NAME): use the file " + DEPLOY + " wrote");
    }

    // helpers

    /** The output when it is there and not blank. */
    private static Optional<String> present(DeployedOutputs outputs, String name) {
        return outputs.get(name).filter(v -> !v.isBlank());
    }

    /**
     * Null when every output has the same {@code what} (environment, region, account), else which differ:
     * {@code "region eu-west-1, except ObjectDlqUrl (us-east-1)"}, or every group when no value has a majority.
     */
    static String mixture(String what, Map<String, String> byOutput) {
        if (byOutput.values().stream().distinct().count() <= 1) {
            return null;
        }
        Optional<String> common = majority(byOutput);
        if (common.isPresent()) {
            List<String> others = byOutput.entrySet().stream().filter(e -> !e.getValue().equals(common.get()))
                    .map(e -> e.getKey() + " (" + e.getValue() + ")").toList();
            return what + " " + common.get() + ", except " + String.join(", ", others);
        }
        Map<String, List<String>> groups = new LinkedHashMap<>();
        byOutput.forEach((output, v) -> groups.computeIfAbsent(v, k -> new ArrayList<>()).add(output));
        List<String> parts = new ArrayList<>();
        groups.forEach((v, names) -> parts.add(v + " (" + String.join(", ", names) + ")"));
        return "no one " + what + ": " + String.join(", ", parts);
    }

    /** The value more outputs have than any other; empty when none does (no values, or a tie). */
    static Optional<String> majority(Map<String, String> byOutput) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        byOutput.values().forEach(v -> counts.merge(v, 1, Integer::sum));
        int max = counts.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        List<String> top = counts.entrySet().stream().filter(e -> e.getValue() == max).map(Map.Entry::getKey).toList();
        return top.size() == 1 ? Optional.of(top.get(0)) : Optional.empty();
    }
}
