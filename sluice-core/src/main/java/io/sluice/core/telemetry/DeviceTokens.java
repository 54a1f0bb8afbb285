package io.sluice.core.telemetry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Per-device credentials (IOT-7), a core port: the telemetry table on AWS, the embedded store on one machine. A device
 * gets a token of 256 random bits, shown once; an adapter keeps only its SHA-256 ({@link #hash}: a token is random, not a
 * password, so a slow hash adds nothing), so a copy of the store does not give the tokens. A revoked device's token is
 * refused from then on; adding the device again gives it a new one.
 */
public interface DeviceTokens {

    /** A device as listed: never its token. */
    record Device(String deviceId, long createdAt, Long revokedAt) {
    }

    /** The active device whose token is {@code token}. */
    Optional<String> deviceOf(String token);

    /** Registers {@code deviceId} with {@code token} (new, or revoked before); false while an active device of that id exists. */
    boolean add(String deviceId, String token, long nowMillis);

    /** Revokes {@code deviceId}'s token; false when there is no active device of that id. */
    boolean revoke(String deviceId, long nowMillis);

    /** Every device, by id. */
    List<Device> list();

    /** A new token: 256 random bits, URL-safe base64. */
    static String newToken() {
        byte[] b = new byte[32];
        Holder.RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** The token's SHA-256, hex: what an adapter stores and looks up by. */
    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    /** The generator of tokens, made once. */
    final class Holder {
        private static final SecureRandom RANDOM = new SecureRandom();

        private Holder() {
        }
    }
}
