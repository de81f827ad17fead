package io.wharf.broker.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One consistent view of the access-control data: vhosts, users, and the permissions that take effect.
 *
 * <p>The permissions as stored ({@code stored}) may include orphans, whose vhost or user does not exist (a
 * crash between two deletes, or a section read before another): they are kept, because the three sections are
 * reloaded independently and an orphan of now may be valid once the vhost section catches up, but only the
 * {@link #permissions() effective} ones, whose vhost and user both exist, are ever visible. So
 * {@code permission(v, u).isPresent()} is RabbitMQ's {@code check_vhost_access}: the vhost exists and the user has
 * permissions in it.
 *
 * <p>Immutable and thread-safe; every change makes a new snapshot.
 */
final class AccessSnapshot {

    /** A permission's identity: vhost, then user, which is also the listing order. */
    record Key(String vhost, String user) implements Comparable<Key> {
        private static final Comparator<Key> ORDER = Comparator.comparing(Key::vhost).thenComparing(Key::user);

        @Override
        public int compareTo(Key other) {
            return ORDER.compare(this, other);
        }
    }

    /** One change a listener is told of; see {@link AccessListener}. */
    record Change(String vhostDeleted, String userDeleted, Key permissionsChanged) {
        void deliverTo(AccessListener listener) {
            if (vhostDeleted != null) {
                listener.vhostDeleted(vhostDeleted);
            } else if (userDeleted != null) {
                listener.userDeleted(userDeleted);
            } else {
                listener.permissionsChanged(permissionsChanged.vhost(), permissionsChanged.user());
            }
        }
    }

    static final AccessSnapshot EMPTY = new AccessSnapshot(Set.of(), Map.of(), Map.of());

    private final SortedSet<String> vhosts;
    private final SortedMap<String, User> users;
    private final Map<Key, Permission> stored;
    private final SortedMap<Key, Permission> effective;

    AccessSnapshot(Collection<String> vhosts, Map<String, User> users, Map<Key, Permission> stored) {
        this.vhosts = Collections.unmodifiableSortedSet(new TreeSet<>(vhosts));
        this.users = Collections.unmodifiableSortedMap(new TreeMap<>(users));
        this.stored = Map.copyOf(stored);
        SortedMap<Key, Permission> visible = new TreeMap<>();
        for (Map.Entry<Key, Permission> entry : stored.entrySet()) {
            Key key = entry.getKey();
            if (this.vhosts.contains(key.vhost()) && this.users.containsKey(key.user())) {
                visible.put(key, entry.getValue());
            }
        }
        this.effective = Collections.unmodifiableSortedMap(visible);
    }

    SortedSet<String> vhosts() {
        return vhosts;
    }

    SortedMap<String, User> users() {
        return users;
    }

    Optional<Permission> permission(String vhost, String user) {
        return Optional.ofNullable(effective.get(new Key(vhost, user)));
    }

    /** The effective permissions, by vhost then user. */
    Collection<Permission> permissions() {
        return effective.values();
    }

    // ---- whole sections, as reloaded from ZooKeeper

    AccessSnapshot withVhosts(Collection<String> newVhosts) {
        return new AccessSnapshot(newVhosts, users, stored);
    }

    AccessSnapshot withUsers(Map<String, User> newUsers) {
        return new AccessSnapshot(vhosts, newUsers, stored);
    }

    AccessSnapshot withPermissions(Map<Key, Permission> newStored) {
        return new AccessSnapshot(vhosts, users, newStored);
    }

    // ---- single changes, as this process just wrote them

    AccessSnapshot withVhost(String vhost) {
        Set<String> next = new HashSet<>(vhosts);
        next.add(vhost);
        return new AccessSnapshot(next, users, withoutStored(key -> key.vhost().equals(vhost)));
    }

    AccessSnapshot withoutVhost(String vhost) {
        Set<String> next = new HashSet<>(vhosts);
        next.remove(vhost);
        return new AccessSnapshot(next, users, withoutStored(key -> key.vhost().equals(vhost)));
    }

    /** Adds or replaces a user; a new user starts without permissions, as its znodes were purged. */
    AccessSnapshot withUser(User user, boolean isNew) {
        Map<String, User> next = new HashMap<>(users);
        next.put(user.name(), user);
        Map<Key, Permission> permissions = isNew ? withoutStored(key -> key.user().equals(user.name())) : stored;
        return new AccessSnapshot(vhosts, next, permissions);
    }

    AccessSnapshot withoutUser(String name) {
        Map<String, User> next = new HashMap<>(users);
        next.remove(name);
        return new AccessSnapshot(vhosts, next, withoutStored(key -> key.user().equals(name)));
    }

    AccessSnapshot withPermission(Permission permission) {
        Map<Key, Permission> next = new HashMap<>(stored);
        next.put(new Key(permission.vhost(), permission.user()), permission);
        return new AccessSnapshot(vhosts, users, next);
    }

    AccessSnapshot withoutPermission(String vhost, String user) {
        Key gone = new Key(vhost, user);
        return new AccessSnapshot(vhosts, users, withoutStored(gone::equals));
    }

    private Map<Key, Permission> withoutStored(java.util.function.Predicate<Key> drop) {
        Map<Key, Permission> next = new HashMap<>(stored);
        next.keySet().removeIf(drop);
        return next;
    }

    /**
     * What listeners must hear going from {@code before} to {@code after}: each deleted vhost, each deleted user,
     * then each permission set, changed or cleared, except those that went with a deleted vhost or user.
     */
    static List<Change> changes(AccessSnapshot before, AccessSnapshot after) {
        List<Change> changes = new ArrayList<>();
        Set<String> deletedVhosts = new TreeSet<>(before.vhosts);
        deletedVhosts.removeAll(after.vhosts);
        Set<String> deletedUsers = new TreeSet<>(before.users.keySet());
        deletedUsers.removeAll(after.users.keySet());
        deletedVhosts.forEach(v -> changes.add(new Change(v, null, null)));
        deletedUsers.forEach(u -> changes.add(new Change(null, u, null)));
        Set<Key> keys = new TreeSet<>(before.effective.keySet());
        keys.addAll(after.effective.keySet());
        for (Key key : keys) {
            if (deletedVhosts.contains(key.vhost()) || deletedUsers.contains(key.user())) {
                continue;
            }
            if (!Objects.equals(before.effective.get(key), after.effective.get(key))) {
                changes.add(new Change(null, null, key));
            }
        }
        return changes;
    }
}
