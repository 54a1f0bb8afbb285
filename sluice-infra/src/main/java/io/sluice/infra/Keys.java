package io.sluice.infra;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.constructs.Construct;

/**
 * Customer-managed keys (SEC-2) whose key policies grant the AWS services that use them with their own
 * principal (INF-8). A role of this account reaches a key through its IAM policy (the default key policy
 * delegates to the account); a service acting as itself (CloudWatch Logs encrypting a log group, CloudWatch
 * alarms or Budgets publishing to an encrypted topic, EventBridge sending to an encrypted queue) needs a
 * statement in the key policy.
 */
final class Keys {
    private Keys() {
    }

    /** A key with yearly rotation, the environment's removal policy and alias {@code alias/sluice-<name>-<suffix>}. */
    static Key create(Construct scope, String id, SluiceEnvironment env, String name, String description) {
        return Key.Builder.create(scope, id).alias("alias/" + env.name(name)).description(description + " (" + env.suffix() + ")")
                .enableKeyRotation(true).removalPolicy(env.removalPolicy())
                // A deleted key's data is gone for good: staging and prod wait the longest window KMS allows.
                .pendingWindow(software.amazon.awscdk.Duration.days(env.disposable() ? 7 : 30)).build();
    }

    /**
     * CloudWatch Logs may use the key for Sluice's log groups only: the encryption-context condition AWS documents
     * ({@code kms:EncryptionContext:aws:logs:arn}), restricted to this account, region and log groups whose name
     * carries {@code sluice-}.
     */
    static void allowLogs(Key key) {
        key.addToResourcePolicy(PolicyStatement.Builder.create().sid("CloudWatchLogsEncryptSluiceLogGroups")
                .principals(List.of(new ServicePrincipal("logs." + Aws.REGION + ".amazonaws.com")))
                .actions(List.of("kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"))
                .resources(List.of("*"))
                .conditions(Map.of("ArnLike", Map.of("kms:EncryptionContext:aws:logs:arn",
                        "arn:" + Aws.PARTITION + ":logs:" + Aws.REGION + ":" + Aws.ACCOUNT_ID + ":log-group:*sluice-*")))
                .build());
    }

    /**
     * A service that sends to an encrypted queue or topic of this key as itself (e.g. {@code events.amazonaws.com},
     * {@code cloudwatch.amazonaws.com}, {@code budgets.amazonaws.com}) may make and read data keys, from this
     * account only.
     */
    static void allowServiceToSend(Key key, String sid, String servicePrincipal) {
        key.addToResourcePolicy(PolicyStatement.Builder.create().sid(sid)
                .principals(List.of(new ServicePrincipal(servicePrincipal)))
                .actions(List.of("kms:GenerateDataKey", "kms:Decrypt"))
                .resources(List.of("*"))
                .conditions(Map.of("StringEquals", Map.of("aws:SourceAccount", Aws.ACCOUNT_ID)))
                .build());
    }

    /**
     * Firehose server-side encryption with this key ({@code CUSTOMER_MANAGED_CMK}): the Firehose service principal is in
     * no key policy. When a stream is created (or its encryption started) Firehose makes itself a grant on the key, with the
     * credentials of whoever called it (CloudFormation's role), and manages that grant; the key policy must let that caller
     * create the grant and must not deny Firehose encrypt and decrypt (Firehose API reference,
     * DeliveryStreamEncryptionConfigurationInput, StartDeliveryStreamEncryption). Producers calling PutRecordBatch need no
     * key permission. This statement lets principals of this account create that grant, and describe the key, only
     * through Firehose in this region, so a deploy role without KMS permissions of its own still gets its stream.
     */
    static void allowFirehoseEncryption(Key key) {
        key.addToResourcePolicy(PolicyStatement.Builder.create().sid("FirehoseStreamEncryptionGrant")
                .principals(List.of(new software.amazon.awscdk.services.iam.AnyPrincipal()))
                .actions(List.of("kms:CreateGrant", "kms:DescribeKey"))
                .resources(List.of("*"))
                .conditions(Map.of("StringEquals", Sorted.keys(Map.of("kms:CallerAccount", Aws.ACCOUNT_ID,
                        "kms:ViaService", "firehose." + Aws.REGION + ".amazonaws.com"))))
                .build());
    }

    /**
     * EventBridge sending to a queue encrypted with this key, in the form AWS documents (no condition: EventBridge is
     * not documented to pass a source account to KMS). What it may send where is decided by the queue policy,
     * which names the rule ({@code aws:SourceArn}); the key policy cannot name the rule without a dependency cycle.
     */
    static void allowEventBridge(Key key) {
        key.addToResourcePolicy(PolicyStatement.Builder.create().sid("EventBridgeToObjectQueue")
                .principals(List.of(new ServicePrincipal("events.amazonaws.com")))
                .actions(List.of("kms:GenerateDataKey", "kms:Decrypt"))
                .resources(List.of("*")).build());
    }
}
