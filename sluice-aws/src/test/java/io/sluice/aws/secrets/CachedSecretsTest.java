package io.sluice.aws.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.aws.secrets.CachedSecrets.SecretUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;

/** The secret cache against a hand-written Secrets Manager client and a clock the tests move. */
class CachedSecretsTest {
    private static final String ID = "sluice/telemetry-api-secret";
    private static final String V1 = "s3cr3t-value-one";
    private static final String V2 = "s3cr3t-value-two";

    private static final class TestClock extends Clock {
        private Instant now = Instant.parse("2024-01-15T10:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    /** Answers each call with the next scripted response or exception, and records the ids asked for. */
    private static final class FakeSecretsManager implements SecretsManagerClient {
        final List<String> asked = new ArrayList<>();
        private final Deque<Supplier<GetSecretValueResponse>> answers = new ArrayDeque<>();

        FakeSecretsManager value(String value) {
            answers.add(() -> GetSecretValueResponse.builder().name(ID).secretString(value).build());
            return this;
        }

        FakeSecretsManager failure(RuntimeException e) {
            answers.add(() -> {
                throw e;
            });
            return this;
        }

        @Override
        public GetSecretValueResponse getSecretValue(GetSecretValueRequest request) {
            asked.add(request.secretId());
            return answers.remove().get();
        }

        @Override
        public String serviceName() {
            return "secretsmanager";
        }

        @Override
        public void close() {
        }
    }

    private static SecretsManagerException throttled() {
        return (SecretsManagerException) SecretsManagerException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ThrottlingException").errorMessage("Rate exceeded").build())
                .build();
    }

    private final TestClock clock = new TestClock();

    private CachedSecrets secrets(FakeSecretsManager sm) {
        return new CachedSecrets(sm, CachedSecrets.DEFAULT_TTL, CachedSecrets.DEFAULT_MAX_STALE, clock);
    }

    @Test
    @DisplayName("SEC-3: a secret is read by its id once per TTL")
    void readsOncePerTtl() {
        FakeSecretsManager sm = new FakeSecretsManager().value(V1);
        CachedSecrets secrets = secrets(sm);

        assertThat(secrets.get(ID)).isEqualTo(V1);
        clock.advance(Duration.ofMinutes(5).minusSeconds(1));
        assertThat(secrets.get(ID)).isEqualTo(V1);

        assertThat(sm.asked).containsExactly(ID);
    }

    @Test
    @DisplayName("SEC-3: once the TTL is over the secret is read again, so a rotated value is picked up")
    void refreshesAfterTtl() {
        FakeSecretsManager sm = new FakeSecretsManager().value(V1).value(V2);
        CachedSecrets secrets = secrets(sm);

        secrets.get(ID);
        clock.advance(Duration.ofMinutes(5));

        assertThat(secrets.get(ID)).isEqualTo(V2);
        assertThat(sm.asked).containsExactly(ID, ID);
    }

    @Test
    @DisplayName("Each secret id is cached on its own")
    void cachesEachSecretApart() {
        FakeSecretsManager sm = new FakeSecretsManager().value(V1).value(V2);
        CachedSecrets secrets = secrets(sm);

        assertThat(secrets.get("a")).isEqualTo(V1);
        assertThat(secrets.get("b")).isEqualTo(V2);
        assertThat(secrets.get("a")).isEqualTo(V1);
        assertThat(sm.asked).containsExactly("a", "b");
    }

    @Test
    @DisplayName("A failed refresh serves the value read last while it is younger than the max-stale bound, and retries next time")
    void servesStaleValueWhileSecretsManagerFails() {
        FakeSecretsManager sm = new FakeSecretsManager().value(V1).failure(throttled())
                .failure(SdkClientException.create("Unable to execute HTTP request: connect timed out")).value(V2);
        CachedSecrets secrets = secrets(sm);

        secrets.get(ID);
        clock.advance(Duration.ofMinutes(30));
        assertThat(secrets.get(ID)).isEqualTo(V1);
        clock.advance(Duration.ofMinutes(30).minusSeconds(1));
        assertThat(secrets.get(ID)).isEqualTo(V1);
        assertThat(secrets.get(ID)).isEqualTo(V2);

        assertThat(sm.asked).hasSize(4);
    }

    @Test
    @DisplayName("SEC-3: past the max-stale bound a failed refresh throws, naming the secret id and never its value")
    void failsPastMaxStale() {
        SecretsManagerException cause = throttled();
        FakeSecretsManager sm = new FakeSecretsManager().value(V1).failure(cause);
        CachedSecrets secrets = secrets(sm);
        secrets.get(ID);
        clock.advance(Duration.ofHours(1));

        assertThatThrownBy(() -> secrets.get(ID))
                .isInstanceOf(SecretUnavailableException.class)
                .hasMessage("Cannot read secret '" + ID + "' from Secrets Manager (ThrottlingException: Rate exceeded); the value"
                        + " read PT1H ago is older than the PT1H allowed when Secrets Manager cannot be read")
                .hasCause(cause)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(V1));
    }

    @Test
    @DisplayName("With nothing cached a failed read throws, naming the secret id and the kind of failure")
    void failsWithNothingCached() {
        FakeSecretsManager sm = new FakeSecretsManager().failure(SdkClientException.create("connect timed out"));

        assertThatThrownBy(() -> secrets(sm).get(ID))
                .isInstanceOf(SecretUnavailableException.class)
                .hasMessage("Cannot read secret '" + ID + "' from Secrets Manager (SdkClientException)")
                .hasCauseInstanceOf(SdkClientException.class);
    }

    @Test
    @DisplayName("A binary secret is refused, naming the secret id")
    void refusesBinarySecrets() {
        FakeSecretsManager sm = new FakeSecretsManager();
        sm.answers.add(() -> GetSecretValueResponse.builder().name(ID).secretBinary(SdkBytes.fromUtf8String(V1)).build());

        assertThatThrownBy(() -> secrets(sm).get(ID))
                .isInstanceOf(SecretUnavailableException.class)
                .hasMessageContaining("'" + ID + "'").hasMessageContaining("binary")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(V1));
    }

    @Test
    @DisplayName("SEC-3: toString names the secrets held and the bounds, never a value")
    void toStringHidesValues() {
        CachedSecrets secrets = secrets(new FakeSecretsManager().value(V1));
        secrets.get(ID);

        assertThat(secrets.toString()).isEqualTo("CachedSecrets[ttl=PT5M, maxStale=PT1H, secrets=[" + ID + "]]").doesNotContain(V1);
    }

    @Test
    @DisplayName("The TTL must be positive and the max-stale bound at least the TTL")
    void refusesBadBounds() {
        FakeSecretsManager sm = new FakeSecretsManager();

        assertThatIllegalArgumentException().isThrownBy(() -> new CachedSecrets(sm, Duration.ZERO, Duration.ofHours(1), clock));
        assertThatIllegalArgumentException().isThrownBy(() -> new CachedSecrets(sm, Duration.ofMinutes(5), Duration.ofMinutes(4), clock))
                .withMessageContaining("PT5M").withMessageContaining("PT4M");
    }
}
