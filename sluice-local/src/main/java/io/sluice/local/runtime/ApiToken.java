package io.sluice.local.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * The secret of one {@code sluice up} data dir (SEC-1, issue 17): 256 random bits in {@code <data-dir>/api-token},
 * readable by its owner only (0600), made at the first start and kept across restarts, replaced on request. Every
 * API call but {@code /healthz} carries it; the {@code sluice} commands read it from the file, so only the user who
 * can read the data dir can use the API, whatever else runs on the machine or in the user's browser.
 */
public final class ApiToken {
    public static final String FILE = "api-token";
    /** The shared secret devices send as {@code x-api-key} (IOT-1): another file, so that a device never holds the API's token. */
    public static final String TELEMETRY_KEY_FILE = "telemetry-api-key";
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiToken() {
    }

    /** The data dir's token: the one on disk, or a new one (also when {@code rotate}), written with mode 0600. */
    public static String loadOrCreate(Path dataDir, boolean rotate) throws IOException {
        return loadOrCreate(dataDir, FILE, rotate);
    }

    /** As {@link #loadOrCreate(Path, boolean)} for the secret in {@code name} (the telemetry API key: IOT-1). */
    public static String loadOrCreate(Path dataDir, String name, boolean rotate) throws IOException {
        Path file = dataDir.resolve(name);
        if (!rotate) {
            Optional<String> existing = read(dataDir, name);
            if (existing.isPresent()) {
                return existing.get();
            }
        }
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Files.createDirectories(dataDir);
        Path tmp = dataDir.resolve(name + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(tmp); // not a POSIX file system: its own access rules apply
        } catch (FileAlreadyExistsException e) {
            throw new IOException("another process is writing " + tmp, e);
        }
        Files.writeString(tmp, token + "\n", StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return token;
    }

    /** The token on disk, if there is one. */
    public static Optional<String> read(Path dataDir) {
        return read(dataDir, FILE);
    }

    /** The secret in {@code name} on disk, if there is one. */
    public static Optional<String> read(Path dataDir, String name) {
        try {
            String t = Files.readString(dataDir.resolve(name), StandardCharsets.US_ASCII).strip();
            return t.isEmpty() ? Optional.empty() : Optional.of(t);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code given} is {@code expected}, in time that does not depend on where they differ. */
    static boolean matches(String expected, String given) {
        if (given == null) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }
}
