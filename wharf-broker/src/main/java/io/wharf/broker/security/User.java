package io.wharf.broker.security;

import java.util.Collections;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A user of the broker, RabbitMQ's internal user: a name, a password hash, and tags.
 *
 * <p>A user without a password hash cannot log in with a password (RabbitMQ's "passwordless" user, meant for
 * x.509 or other external mechanisms). Tags are free strings; RabbitMQ gives meaning to {@code administrator},
 * {@code management}, {@code monitoring}, {@code policymaker} and {@code impersonator}, which the management API
 * checks. The tag set is kept sorted, so listings are stable. Immutable.
 *
 * @param name         non-empty, any Unicode
 * @param passwordHash empty for a user who cannot log in with a password
 * @param tags         no blank tag; copied and sorted
 */
public record User(String name, Optional<PasswordHash> passwordHash, Set<String> tags) {

    public static final String ADMINISTRATOR = "administrator";
    public static final String MANAGEMENT = "management";
    public static final String MONITORING = "monitoring";
    public static final String POLICYMAKER = "policymaker";
    public static final String IMPERSONATOR = "impersonator";

    public User {
        requireName(name);
        Objects.requireNonNull(passwordHash, "passwordHash");
        tags = sortedTags(tags);
    }

    /** True when this user has a password and it is {@code password}. */
    public boolean hasPassword(String password) {
        return passwordHash.map(hash -> hash.verify(password)).orElse(false);
    }

    public boolean hasTag(String tag) {
        return tags.contains(tag);
    }

    User withPasswordHash(Optional<PasswordHash> hash) {
        return new User(name, hash, tags);
    }

    User withTags(Set<String> newTags) {
        return new User(name, passwordHash, newTags);
    }

    static String requireName(String name) {
        Objects.requireNonNull(name, "user name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("A user name must not be empty");
        }
        return name;
    }

    private static SortedSet<String> sortedTags(Set<String> tags) {
        Objects.requireNonNull(tags, "tags");
        SortedSet<String> sorted = new TreeSet<>();
        for (String tag : tags) {
            if (tag == null || tag.isBlank()) {
                throw new IllegalArgumentException("A user tag must not be blank: " + tags);
            }
            sorted.add(tag);
        }
        return Collections.unmodifiableSortedSet(sorted);
    }
}
