package io.sluice.local.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.aws.redrive.DeadLetterRedrive;
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
            "Look into the object queue's dead-letter queue on AWS, or send its messages",
            "back to the object queue. A message leaves the dead-letter queue only after",
            "the object queue took it; an object processed twice is a no-op (its manifest).",
            "Uses your AWS credentials and region (AWS_PROFILE, AWS_REGION, ...).",
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

    @Option(names = "--dlq-url", required = true, paramLabel = "URL", description = "The dead-letter queue's URL (stack output ObjectDeadLetterQueueUrl).")
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
        SqsClientBuilder b = SqsClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder());
        if (region != null) {
            b.region(Region.of(region));
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
