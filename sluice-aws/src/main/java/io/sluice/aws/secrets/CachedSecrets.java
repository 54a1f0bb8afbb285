package io.sluice.aws.secrets;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;

/**
 * String secrets from Secrets Manager (SEC-3), such as the telemetry API secret (IOT-1), read at most once per
 * TTL per secret: GetSecretValue on every request would add its latency and cost to each one and could reach its
 * request quota. A rotated secret is therefore picked up within one TTL.
 *
 * <p>A refresh that fails once the TTL is over (Secrets Manager throttling or out of reach) falls back on the
 * value read last while that value is younger than the max-stale bound: a short outage of Secrets Manager should
 * not turn every request away. Past that bound, or with nothing read yet, {@link #get} throws
 * {@link SecretUnavailableException} naming the secret id.
 *
 * <p>SEC-3: a value leaves this class only as the result of {@link #get}. {@link #toString()} lists secret ids,
 * exception messages carry the id and AWS's error code and message, and nothing is logged; the SDK itself
 * redacts {@code SecretString} in its response's {@code toString()}.
 *
 * <p>Thread-safe. Threads that find one secret expired at the same moment may each read it; every value they
 * get is current.
 */
public final class CachedSecrets {
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(5);
    public static final Duration DEFAULT_MAX_STALE = Duration.ofHours(1);

    private final SecretsManagerClient client;
    private final Duration ttl;
    private final Duration maxStale;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    /**
     * @param ttl      how long a value is used without asking Secrets Manager again
     * @param maxStale how old a value may be and still serve when Secrets Manager cannot be read; at least the TTL
     * @param clock    the time; tests move their own
     */
    public CachedSecrets(SecretsManagerClient client, Duration ttl, Duration maxStale, Clock clock) {
        if (ttl.isNegative() || ttl.isZero() || maxStale.compareTo(ttl) < 0) {
            throw new IllegalArgumentException("Secrets need a positive TTL and a max-stale bound no shorter than it, not "
                    + ttl + " and " + maxStale);
        }
        this.client = client;
        this.ttl = ttl;
        this.maxStale = maxStale;
        this.clock = clock;
    }

    /** A TTL of {@link #DEFAULT_TTL}, a max-stale bound of {@link #DEFAULT_MAX_STALE}, the system clock. */
    public CachedSecrets(SecretsManagerClient client) {
        this(client, DEFAULT_TTL, DEFAULT_MAX_STALE, Clock.systemUTC());
    }

    /**
     * The string value of a secret.
     *
     * @param secretId the secret's name or ARN
     * @throws SecretUnavailableException when it cannot be read and no value young enough is cached, or when the
     *                                    secret holds binary data instead of a string
     */
    public String get(String secretId) {
        return read(secretId, ttl);
    }

    /**
     * The value again, read anew unless the cached one is younger than {@code minAge}: for a caller that just found the
     * cached value no longer matches (the secret was rotated), so a rotation is picked up at once while a flood of wrong
     * keys still reads Secrets Manager at most once per {@code minAge}.
     */
    public String getFresh(String secretId, Duration minAge) {
        return read(secretId, minAge.compareTo(ttl) < 0 ? minAge : ttl);
    }

    private String read(String secretId, Duration maxAge) {
        Instant now = clock.instant();
        Cached cached = cache.get(secretId);
        if (cached != null && cached.age(now).compareTo(maxAge) < 0) {
            return cached.value();
        }
        String value;
        try {
            value = client.getSecretValue(GetSecretValueRequest.builder().secretId(secretId).build()).secretString();
        } catch (SdkException e) {
            if (cached != null && cached.age(now).compareTo(maxStale) < 0) {
                return cached.value();
            }
            String fallback = cached == null ? "" : "; the value read " + cached.age(now) + " ago is older than the " + maxStale
                    + " allowed when Secrets Manager cannot be read";
            throw new SecretUnavailableException("Cannot read secret '" + secretId + "' from Secrets Manager (" + reason(e) + ")"
                    + fallback, e);
        }
        if (value == null) {
            throw new SecretUnavailableException("Secret '" + secretId + "' holds binary data, not a string: Sluice reads string secrets only");
        }
        cache.put(secretId, new Cached(value, now));
        return value;
    }

    /** An AWS error's code and message, or the kind of failure when AWS did not answer (timeout, no route). */
    private static String reason(SdkException e) {
        if (e instanceof AwsServiceException s && s.awsErrorDetails() != null) {
            return s.awsErrorDetails().errorCode() + ": " + s.awsErrorDetails().errorMessage();
        }
        return e.getClass().getSimpleName();
    }

    /** The ids of the secrets held and the bounds, never a value (SEC-3). */
    @Override
    public String toString() {
        return "CachedSecrets[ttl=" + ttl + ", maxStale=" + maxStale + ", secrets=" + new TreeSet<>(cache.keySet()) + "]";
    }

    private record Cached(String value, Instant readAt) {
        Duration age(Instant now) {
            return Duration.between(readAt, now);
        }

        /** Without the value, so that no map or debugger print shows it (SEC-3). */
        @Override
        public String toString() {
            return "Cached[readAt=" + readAt + "]";
        }
    }

    /** A secret could not be had. The message names the secret, never its value (SEC-3). */
    public static final class SecretUnavailableException extends RuntimeException {
        SecretUnavailableException(String message) {
            super(message);
        }

        SecretUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
