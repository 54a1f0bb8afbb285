package io.sluice.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.aws.redrive.DeadLetterRedrive;
import io.sluice.local.cli.ExitCodes;
import java.io.PrintWriter;
import java.net.URI;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;

/** {@code sluice redrive}: the deployed object queue's dead-letter queue, inspected or sent back (OBJ-3). */
@Command(name = "redrive", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "List or move back the messages of the object dead-letter queue on AWS.",
            "Without --inspect, messages go back to the object queue; one leaves the",
            "dead-letter queue only after the object queue took it, and an object processed",
            "twice is a no-op (its manifest). Uses your AWS credentials (AWS_PROFILE, ...);",
            "the region is --region, else AWS_REGION, else the one in the queue URL.",
            "The DeadLetterRedriveHandler function does the same, invoked with",
            "{\"action\":\"inspect\"} or {\"action\":\"redrive\",\"max\":100}."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:Done: every message looked at, or moved.",
            "1:Failure: no credentials, a queue that does not exist, no access.",
            "2:Usage error: unknown option or missing argument.",
            "3:Some messages were refused by the object queue and stay in the dead-letter queue."
        })
public final class RedriveCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--dlq-url", required = true, paramLabel = "URL", description = "The dead-letter queue's URL (stack output ObjectDlqUrl).")
    String dlqUrl;

    @Option(names = "--queue-url", required = true, paramLabel = "URL", description = "The object queue's URL (stack output ObjectQueueUrl).")
    String queueUrl;

    @Option(names = "--inspect", description = "Only list the messages and the objects they name; move nothing.")
    boolean inspect;

    @Option(names = "--max", paramLabel = "N", defaultValue = "100", description = "Messages to look at or move at most. Default: ${DEFAULT-VALUE}.")
    int max;

    @Option(names = "--region", paramLabel = "REGION", description = "AWS region, if not the one your configuration names.")
    String region;

    @Option(names = "--endpoint", paramLabel = "URL", description = "Another SQS endpoint (an SQS-compatible local server).")
    URI endpoint;

    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (max < 1 || max > 10_000) {
            spec.commandLine().getErr().println("sluice: --max must be 1..10000, not " + max);
            return ExitCodes.USAGE;
        }
        for (String[] u : new String[][] {{"--dlq-url", dlqUrl}, {"--queue-url", queueUrl}}) {
            URI uri;
            try {
                uri = URI.create(u[1]);
            } catch (IllegalArgumentException e) {
                uri = null;
            }
            if (uri == null || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null
                    || uri.getPath() == null || uri.getPath().length() < 2) {
                spec.commandLine().getErr().println("sluice: " + u[0] + " '" + u[1] + "' is not a queue URL, such as "
                        + "https://sqs.eu-west-1.amazonaws.com/123456789012/sluice-objects-dlq-dev");
                return ExitCodes.USAGE;
            }
        }
        if (dlqUrl.equals(queueUrl)) {
            spec.commandLine().getErr().println("sluice: --dlq-url and --queue-url are the same queue: messages would go round in circles");
            return ExitCodes.USAGE;
        }
        SqsClientBuilder b = SqsClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder());
        String regionName = region != null ? region : System.getenv("AWS_REGION") != null ? null : regionOf(dlqUrl);
        if (regionName != null) {
            b.region(Region.of(regionName));
        }
        if (endpoint != null) {
            b.endpointOverride(endpoint);
        }
        try (SqsClient sqs = b.build()) {
            return run(sqs, out);
        } catch (software.amazon.awssdk.core.exception.SdkClientException e) {
            String m = String.valueOf(e.getMessage());
            spec.commandLine().getErr().println("sluice: " + (m.startsWith("Unable to load credentials")
                    ? "no AWS credentials found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
                    : m.startsWith("Unable to load region") ? "no AWS region: set AWS_REGION or pass --region" : m));
            return ExitCodes.FAILED;
        }
    }

    /** The region in an SQS URL (https://sqs.REGION.amazonaws.com/...), when no --region is given. */
    static String regionOf(String url) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^https?://sqs\\.([a-z0-9-]+)\\.amazonaws\\.com(\\.cn)?/").matcher(url);
        return m.find() ? m.group(1) : null;
    }

    private int run(SqsClient sqs, PrintWriter out) {
        {
            DeadLetterRedrive tool = new DeadLetterRedrive(sqs, dlqUrl, queueUrl);
            if (inspect) {
                List<DeadLetterRedrive.Entry> entries = tool.inspect(max);
                if (json) {
                    out.println(JSON.valueToTree(entries).toString());
                } else {
                    out.println(entries.size() + " message(s) in " + dlqUrl + (entries.size() == max ? " (at least; --max reached)" : ""));
                    for (DeadLetterRedrive.Entry e : entries) {
                        out.println("  " + e.messageId() + "  received " + e.receiveCount() + "x  "
                                + (e.objects().isEmpty() ? "(" + e.problem() + ")" : String.join(", ", e.objects())));
                    }
                }
                return ExitCodes.OK;
            }
            DeadLetterRedrive.Result r = tool.redrive(max);
            if (json) {
                out.println(JSON.valueToTree(r).toString());
            } else {
                out.println("moved " + r.moved() + " message(s) back to " + queueUrl + (r.failed() > 0 ? "; " + r.failed() + " refused:" : ""));
                r.errors().forEach(e -> out.println("  " + e));
            }
            return r.failed() > 0 ? ExitCodes.REJECTED : ExitCodes.OK;
        }
    }
}
