package io.wharf.broker.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * A salted password hash in RabbitMQ's default scheme, {@code rabbit_password_hashing_sha256}: 4 random salt
 * bytes, then SHA-256 of the salt followed by the UTF-8 password; 36 bytes in all, stored as base64. This is
 * what RabbitMQ writes as {@code password_hash} in a definitions export, so hashes move between RabbitMQ and
 * Wharf both ways (RabbitMQ's {@code rabbit_password:hash/2} and
 * {@code rabbit_auth_backend_internal:user_login_authentication/2}, which splits {@code <<Salt:4/binary,
 * Hash/binary>>} and compares {@code Hash} with {@code salted_hash(Salt, Cleartext)}).
 *
 * <p>The salt comes from {@link SecureRandom} (RabbitMQ's {@code crypto:strong_rand_bytes}); {@link #verify}
 * compares in constant time, which RabbitMQ does not. Immutable and thread-safe.
 */
public final class PasswordHash {

    /** The {@code hashing_algorithm} RabbitMQ records next to a hash of this scheme. */
    public static final String ALGORITHM = "rabbit_password_hashing_sha256";

    private static final int SALT_LENGTH = 4;
    private static final int DIGEST_LENGTH = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Salt (4 bytes) followed by the digest (32 bytes); never handed out, only copies. */
    private final byte[] saltedHash;

    private PasswordHash(byte[] saltedHash) {
        this.saltedHash = saltedHash;
    }

    /** Hashes {@code password} with a fresh random salt. */
    public static PasswordHash create(String password) {
        byte[] salt = new byte[SALT_LENGTH];
        RANDOM.nextBytes(salt);
        return withSalt(salt, password);
    }

    /** Hashes {@code password} with the given 4-byte salt (for known-answer tests and imports). */
    static PasswordHash withSalt(byte[] salt, String password) {
        if (salt.length != SALT_LENGTH) {
            throw new IllegalArgumentException("A salt has " + SALT_LENGTH + " bytes, not " + salt.length);
        }
        byte[] digest = digest(salt, password);
        byte[] all = Arrays.copyOf(salt, SALT_LENGTH + DIGEST_LENGTH);
        System.arraycopy(digest, 0, all, SALT_LENGTH, DIGEST_LENGTH);
        return new PasswordHash(all);
    }

    /**
     * A hash as RabbitMQ stores it.
     *
     * @throws IllegalArgumentException when {@code base64} is not base64 of 36 bytes
     */
    public static PasswordHash fromBase64(String base64) {
        Objects.requireNonNull(base64, "base64");
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Password hash is not base64: " + e.getMessage(), e);
        }
        if (bytes.length != SALT_LENGTH + DIGEST_LENGTH) {
            throw new IllegalArgumentException("A " + ALGORITHM + " password hash has " + (SALT_LENGTH + DIGEST_LENGTH)
                    + " bytes (4 of salt, 32 of SHA-256), not " + bytes.length);
        }
        return new PasswordHash(bytes);
    }

    public String toBase64() {
        return Base64.getEncoder().encodeToString(saltedHash);
    }

    /** True when {@code password} is the one hashed; the comparison takes the same time wherever they differ. */
    public boolean verify(String password) {
        Objects.requireNonNull(password, "password");
        byte[] salt = Arrays.copyOf(saltedHash, SALT_LENGTH);
        byte[] expected = Arrays.copyOfRange(saltedHash, SALT_LENGTH, saltedHash.length);
        return MessageDigest.isEqual(expected, digest(salt, password));
    }

    private static byte[] digest(byte[] salt, String password) {
        Objects.requireNonNull(password, "password");
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform has SHA-256", e);
        }
        sha256.update(salt);
        sha256.update(password.getBytes(StandardCharsets.UTF_8));
        return sha256.digest();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PasswordHash other && Arrays.equals(saltedHash, other.saltedHash);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(saltedHash);
    }

    /** Names the scheme only: a hash is a secret too, and toString ends up in logs. */
    @Override
    public String toString() {
        return "PasswordHash[" + ALGORITHM + "]";
    }
}
