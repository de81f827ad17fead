package io.wharf.broker.queue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Log names for things named by arbitrary strings (queues, share groups): a readable prefix that is safe
 * in a directory name, and a hash of the whole identity that keeps two names apart.
 */
public final class LogNames {
    private LogNames() {
    }

    /** Up to {@code max} characters of {@code name}, anything but ASCII letters, digits, '.' and '_' as '_'. */
    public static String readable(String name, int max) {
        StringBuilder readable = new StringBuilder();
        for (int i = 0; i < name.length() && readable.length() < max; i++) {
            char c = name.charAt(i);
            readable.append(c < 128 && (Character.isLetterOrDigit(c) || c == '.' || c == '_') ? c : '_');
        }
        return readable.toString();
    }

    /** 20 hex digits of the SHA-256 of {@code identity}. */
    public static String hash(String identity) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder();
            for (int i = 0; i < 10; i++) hex.append(String.format("%02x", digest[i]));
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
