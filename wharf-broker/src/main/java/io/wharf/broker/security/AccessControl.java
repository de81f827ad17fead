package io.wharf.broker.security;

import io.wharf.broker.metadata.MetadataException;
import io.wharf.broker.metadata.WharfZNodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Users, virtual hosts and permissions, RabbitMQ's model, shared by AMQP, MQTT and the HTTP API: the data lives in
 * ZooKeeper ({@link AccessZNodes} has the layout) and this service keeps an in-memory copy in step with it, so
 * that a login or a permission check never waits for ZooKeeper and a change made by another process (the
 * {@code wharf users/vhosts/permissions} commands, another broker) applies here within moments.
 *
 * <p><b>Consistency.</b> A change is written to ZooKeeper first, then applied to the copy before the call returns,
 * so this process reads its own writes. Each of the three sections ({@code /wharf/vhosts}, {@code /wharf/users},
 * {@code /wharf/permissions}) has a watch; a change marks its section stale and the notifier thread re-reads that
 * section. Writes and re-reads hold one lock, so a re-read never installs data older than a write this process
 * has made (ZooKeeper gives each session its own writes in order). A re-read that fails (ZooKeeper unreachable)
 * keeps the last copy and tries again every second. Checks of the form "does this vhost exist" before a write
 * read ZooKeeper, not the copy; writers in two processes at once are last-writer-wins per znode.
 *
 * <p><b>Listeners</b> ({@link AccessListener}) hear of deleted vhosts and users and changed permissions after the
 * copy shows them, on the notifier thread.
 *
 * <p>Thread-safe. Readers take no lock (one volatile immutable {@link AccessSnapshot}); writers serialise on one
 * lock, held across their ZooKeeper calls (changes to access control are rare).
 */
public final class AccessControl implements AutoCloseable {

    /** RabbitMQ's default vhost and user, created on the first start ever. */
    public static final String DEFAULT_VHOST = "/";
    public static final String DEFAULT_USER = "guest";
    private static final String DEFAULT_PASSWORD = "guest";
    private static final long RETRY_MS = 1000;

    private static final Logger log = LoggerFactory.getLogger(AccessControl.class);
    /** Hashed for unknown users so that a login takes as long whether or not the user exists. */
    private static final PasswordHash NOBODY = PasswordHash.create("no such user");

    /** The three watched sections; a flag each says it must be read again. */
    private enum Section { VHOSTS, USERS, PERMISSIONS }

    private final AccessZNodes store;
    private final Object writeLock = new Object();
    private final List<AccessListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean[] stale = {new AtomicBoolean(), new AtomicBoolean(), new AtomicBoolean()};
    private final AtomicBoolean reloadQueued = new AtomicBoolean();
    private final ScheduledExecutorService notifier = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "wharf-access-control");
        thread.setDaemon(true);
        return thread;
    });
    private final List<AutoCloseable> watches = new ArrayList<>();
    private volatile AccessSnapshot snapshot = AccessSnapshot.EMPTY;
    private boolean closed; // guarded by writeLock

    public AccessControl(WharfZNodes nodes) {
        this.store = new AccessZNodes(Objects.requireNonNull(nodes, "nodes"));
    }

    /**
     * Loads everything; on the first start ever (no /wharf/vhosts) creates vhost "/", user guest/guest tagged
     * administrator, and permissions ".*" ".*" ".*" for guest on "/". Then watches ZooKeeper for changes.
     *
     * @throws MetadataException when ZooKeeper cannot be read
     */
    public void start() {
        synchronized (writeLock) {
            if (closed) {
                throw new IllegalStateException("Access control is closed");
            }
            boolean firstStart = store.nodes().get(AccessZNodes.VHOSTS).isEmpty();
            if (firstStart && store.createDefaults(DEFAULT_VHOST, defaultUser())) {
                log.info("First start: created vhost '{}' and user '{}' (password '{}', loopback only by default)",
                        DEFAULT_VHOST, DEFAULT_USER, DEFAULT_PASSWORD);
            }
            snapshot = new AccessSnapshot(store.readVhosts(), store.readUsers(), store.readPermissions());
            watches.add(store.nodes().watch(AccessZNodes.VHOSTS, () -> markStale(Section.VHOSTS)));
            watches.add(store.nodes().watch(AccessZNodes.USERS, () -> markStale(Section.USERS)));
            watches.add(store.nodes().watch(AccessZNodes.PERMISSIONS, () -> markStale(Section.PERMISSIONS)));
        }
        log.info("Access control loaded: {} vhost(s), {} user(s), {} permission(s)", snapshot.vhosts().size(),
                snapshot.users().size(), snapshot.permissions().size());
    }

    private static User defaultUser() {
        return new User(DEFAULT_USER, Optional.of(PasswordHash.create(DEFAULT_PASSWORD)), Set.of(User.ADMINISTRATOR));
    }

    // ---- reads: from the in-memory copy

    /** The user, if {@code username} exists and has a password and it is {@code password}; empty otherwise. */
    public Optional<User> authenticate(String username, String password) {
        if (username == null || password == null || password.isEmpty()) {
            return Optional.empty(); // RabbitMQ refuses blank passwords outright
        }
        User user = snapshot.users().get(username);
        if (user == null) {
            NOBODY.verify(password);
            return Optional.empty();
        }
        return user.hasPassword(password) ? Optional.of(user) : Optional.empty();
    }

    public Optional<User> user(String name) {
        return Optional.ofNullable(snapshot.users().get(name));
    }

    /** Every user, by name. */
    public List<User> users() {
        return List.copyOf(snapshot.users().values());
    }

    public boolean vhostExists(String vhost) {
        return snapshot.vhosts().contains(vhost);
    }

    /** Every vhost, sorted. */
    public List<String> vhosts() {
        return List.copyOf(snapshot.vhosts());
    }

    /** The user's permissions in the vhost; present only when both exist (RabbitMQ's vhost access check). */
    public Optional<Permission> permission(String vhost, String user) {
        return snapshot.permission(vhost, user);
    }

    /** All permissions, sorted by vhost then user. */
    public List<Permission> permissions() {
        return List.copyOf(snapshot.permissions());
    }

    // ---- writes: ZooKeeper first, then the copy

    /**
     * @throws IllegalArgumentException for an empty name
     * @throws AccessException          "vhost 'x' already exists"
     */
    public void addVhost(String vhost) {
        requireVhostName(vhost);
        synchronized (writeLock) {
            if (vhostStored(vhost)) {
                throw AccessException.vhostExists(vhost);
            }
            store.nodes().delete(AccessZNodes.permissionsOf(vhost)); // orphans of an earlier vhost of that name
            if (!store.nodes().create(AccessZNodes.vhost(vhost), AccessZNodes.encodeVhost())) {
                throw AccessException.vhostExists(vhost);
            }
            install(snapshot.withVhost(vhost));
        }
    }

    /** Deletes the vhost and every permission in it. */
    public void deleteVhost(String vhost) {
        synchronized (writeLock) {
            requireVhost(vhost);
            // Permissions first: a crash in between leaves a vhost nobody may use, never permissions waiting
            // for a new vhost of the same name.
            store.nodes().delete(AccessZNodes.permissionsOf(vhost));
            store.nodes().delete(AccessZNodes.vhost(vhost));
            install(snapshot.withoutVhost(vhost));
        }
    }

    /**
     * @param password null for a user who cannot log in with a password
     * @throws IllegalArgumentException for an empty name, an empty password or a blank tag
     * @throws AccessException          "user 'x' already exists"
     */
    public void addUser(String name, String password, Set<String> tags) {
        User user = new User(name, password == null ? Optional.empty() : Optional.of(hash(password)), tags);
        synchronized (writeLock) {
            if (store.readUser(name).isPresent()) {
                throw AccessException.userExists(name);
            }
            store.deleteUserPermissions(name); // orphans of an earlier user of that name
            if (!store.nodes().create(AccessZNodes.user(name), AccessZNodes.encodeUser(user))) {
                throw AccessException.userExists(name);
            }
            install(snapshot.withUser(user, true));
        }
    }

    /** Deletes the user and every permission they have. */
    public void deleteUser(String name) {
        synchronized (writeLock) {
            requireUser(name);
            store.deleteUserPermissions(name);
            store.nodes().delete(AccessZNodes.user(name));
            install(snapshot.withoutUser(name));
        }
    }

    /** @throws IllegalArgumentException for a null or empty password */
    public void changePassword(String name, String password) {
        PasswordHash hash = hash(password);
        synchronized (writeLock) {
            updateUser(requireUser(name).withPasswordHash(Optional.of(hash)));
        }
    }

    /** Replaces the user's tags (an empty set clears them). */
    public void setTags(String name, Set<String> tags) {
        synchronized (writeLock) {
            updateUser(requireUser(name).withTags(tags));
        }
    }

    /**
     * Sets (or replaces) the user's permissions in the vhost.
     *
     * @throws IllegalArgumentException when a regex does not compile
     * @throws AccessException          when the vhost or the user does not exist
     */
    public void setPermissions(String vhost, String user, String configure, String write, String read) {
        Permission permission = new Permission(vhost, user, configure, write, read);
        synchronized (writeLock) {
            requireVhost(vhost);
            requireUser(user);
            store.nodes().put(AccessZNodes.permission(vhost, user), AccessZNodes.encodePermission(permission));
            install(snapshot.withPermission(permission));
        }
    }

    /** Removes the user's permissions in the vhost, if they had any. */
    public void clearPermissions(String vhost, String user) {
        synchronized (writeLock) {
            requireVhost(vhost);
            requireUser(user);
            store.nodes().delete(AccessZNodes.permission(vhost, user));
            install(snapshot.withoutPermission(vhost, user));
        }
    }

    /**
     * Listener told (after the cache changed) when a vhost is deleted or a user is deleted or their permissions
     * change, so live connections can be closed/rechecked. Close the result to remove it.
     */
    public AutoCloseable addListener(AccessListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return () -> listeners.remove(listener);
    }

    /** Stops watching ZooKeeper and the notifier thread; the copy stays readable as it was. */
    @Override
    public void close() {
        synchronized (writeLock) {
            if (closed) {
                return;
            }
            closed = true;
            for (AutoCloseable watch : watches) {
                try {
                    watch.close();
                } catch (Exception e) {
                    log.warn("Cannot close an access-control watch", e);
                }
            }
            watches.clear();
        }
        notifier.shutdownNow();
        try {
            if (!notifier.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("Access-control notifier still running 5 s after close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- plumbing

    private static PasswordHash hash(String password) {
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("A password must not be empty (RabbitMQ refuses blank passwords at "
                    + "login); create the user without a password instead");
        }
        return PasswordHash.create(password);
    }

    private static void requireVhostName(String vhost) {
        Objects.requireNonNull(vhost, "vhost");
        if (vhost.isEmpty()) {
            throw new IllegalArgumentException("A vhost name must not be empty");
        }
    }

    private boolean vhostStored(String vhost) {
        return store.nodes().get(AccessZNodes.vhost(vhost)).isPresent();
    }

    private void requireVhost(String vhost) {
        requireVhostName(vhost);
        if (!vhostStored(vhost)) {
            throw AccessException.noSuchVhost(vhost);
        }
    }

    private User requireUser(String name) {
        User.requireName(name);
        return store.readUser(name).orElseThrow(() -> AccessException.noSuchUser(name));
    }

    private void updateUser(User user) {
        store.nodes().put(AccessZNodes.user(user.name()), AccessZNodes.encodeUser(user));
        install(snapshot.withUser(user, false));
    }

    /** Makes {@code next} the copy and queues what listeners must hear. Caller holds the write lock. */
    private void install(AccessSnapshot next) {
        List<AccessSnapshot.Change> changes = AccessSnapshot.changes(snapshot, next);
        snapshot = next;
        for (AccessSnapshot.Change change : changes) {
            submit(() -> deliver(change));
        }
    }

    private void deliver(AccessSnapshot.Change change) {
        for (AccessListener listener : listeners) {
            try {
                change.deliverTo(listener);
            } catch (RuntimeException e) {
                log.warn("Access listener {} failed on {}", listener, change, e);
            }
        }
    }

    /** Runs on ZooKeeper's event thread: only flags and queues, never calls ZooKeeper. */
    private void markStale(Section section) {
        stale[section.ordinal()].set(true);
        if (reloadQueued.compareAndSet(false, true)) {
            submit(this::reloadStale);
        }
    }

    /** Re-reads every stale section. A change after a flag was cleared sets it again and queues another run. */
    private void reloadStale() {
        reloadQueued.set(false);
        synchronized (writeLock) {
            if (closed) {
                return;
            }
            AccessSnapshot next = snapshot;
            try {
                if (stale[Section.VHOSTS.ordinal()].getAndSet(false)) {
                    next = next.withVhosts(store.readVhosts());
                }
                if (stale[Section.USERS.ordinal()].getAndSet(false)) {
                    next = next.withUsers(store.readUsers());
                }
                if (stale[Section.PERMISSIONS.ordinal()].getAndSet(false)) {
                    next = next.withPermissions(store.readPermissions());
                }
            } catch (MetadataException e) {
                log.warn("Cannot re-read access control from ZooKeeper, retrying in {} ms: {}", RETRY_MS,
                        e.getMessage());
                for (AtomicBoolean flag : stale) {
                    flag.set(true); // the section that failed, and any after it, were not read
                }
                schedule();
            } finally {
                install(next);
            }
        }
    }

    private void schedule() {
        try {
            notifier.schedule(() -> markStale(Section.VHOSTS), RETRY_MS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            // closed meanwhile
        }
    }

    private void submit(Runnable task) {
        try {
            notifier.execute(task);
        } catch (RejectedExecutionException closing) {
            reloadQueued.set(false);
        }
    }
}
