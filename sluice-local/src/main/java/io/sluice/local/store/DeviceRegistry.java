package io.sluice.local.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Per-device credentials (IOT-7; table {@code devices} of schema version 7): a device gets a token of 256 random bits,
 * shown once; the store keeps only its SHA-256 (a token is random, not a password: a slow hash adds nothing), so a copy
 * of the data dir does not give the tokens. A revoked device's token is refused from then on; adding the device again
 * gives it a new one.
 */
public final class DeviceRegistry {
    private DeviceRegistry() {
    }

    /** A device as listed: never its token. */
    public record Device(String deviceId, long createdAt, Long revokedAt) {
    }

    /** The {@link io.sluice.core.telemetry.DeviceTokens} port over the embedded store: each call its own transaction. */
    public static io.sluice.core.telemetry.DeviceTokens port(LocalStore store) {
        return new io.sluice.core.telemetry.DeviceTokens() {
            @Override
            public Optional<String> deviceOf(String token) {
                return store.inTransaction(c -> DeviceRegistry.deviceOf(c, token));
            }

            @Override
            public boolean add(String deviceId, String token, long nowMillis) {
                return store.inTransaction(c -> DeviceRegistry.add(c, deviceId, token, nowMillis));
            }

            @Override
            public boolean revoke(String deviceId, long nowMillis) {
                return store.inTransaction(c -> DeviceRegistry.revoke(c, deviceId, nowMillis));
            }

            @Override
            public List<Device> list() {
                return store.inTransaction(c -> DeviceRegistry.list(c)).stream()
                        .map(d -> new Device(d.deviceId(), d.createdAt(), d.revokedAt())).toList();
            }
        };
    }

    /** A new token (the core's: 256 random bits). */
    public static String newToken() {
        return io.sluice.core.telemetry.DeviceTokens.newToken();
    }

    /** The token's SHA-256, hex (the core's). */
    public static String hash(String token) {
        return io.sluice.core.telemetry.DeviceTokens.hash(token);
    }

    /**
     * Registers {@code deviceId} with {@code token} (a new device, or one that was revoked); false when an active device of
     * that id exists (revoke it first).
     */
    public static boolean add(Connection c, String deviceId, String token, long now) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT revoked_at FROM devices WHERE device_id = ?")) {
            p.setString(1, deviceId);
            try (ResultSet rs = p.executeQuery()) {
                if (rs.next() && rs.getObject(1) == null) {
                    return false;
                }
            }
        }
        try (PreparedStatement p = c.prepareStatement("INSERT OR REPLACE INTO devices VALUES (?, ?, ?, NULL)")) {
            p.setString(1, deviceId);
            p.setString(2, hash(token));
            p.setLong(3, now);
            p.executeUpdate();
        }
        return true;
    }

    /** Revokes {@code deviceId}'s token; false when there is no active device of that id. */
    public static boolean revoke(Connection c, String deviceId, long now) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("UPDATE devices SET revoked_at = ? WHERE device_id = ? AND revoked_at IS NULL")) {
            p.setLong(1, now);
            p.setString(2, deviceId);
            return p.executeUpdate() > 0;
        }
    }

    /** The active device whose token is {@code token}. */
    public static Optional<String> deviceOf(Connection c, String token) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT device_id FROM devices WHERE token_sha256 = ? AND revoked_at IS NULL")) {
            p.setString(1, hash(token));
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /** Every device, by id. */
    public static List<Device> list(Connection c) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT device_id, created_at, revoked_at FROM devices ORDER BY device_id");
             ResultSet rs = p.executeQuery()) {
            List<Device> out = new ArrayList<>();
            while (rs.next()) {
                Object revoked = rs.getObject(3); // DuckDB's wasNull() after getLong does not say NULL
                out.add(new Device(rs.getString(1), rs.getLong(2), revoked == null ? null : ((Number) revoked).longValue()));
            }
            return out;
        }
    }
}
