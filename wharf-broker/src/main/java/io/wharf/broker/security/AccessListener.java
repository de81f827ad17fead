package io.wharf.broker.security;

/**
 * Told of the access changes that can invalidate a live connection or channel, so that a protocol front-end
 * closes it (vhost or user deleted) or checks its permissions again. Each method runs after the
 * {@link AccessControl} cache already shows the change, on the access-control notifier thread, one call at a
 * time and in the order the changes were seen, whether they were made by this process or by another (the CLI)
 * through ZooKeeper. A method must not block; one that throws is logged and does not stop the others.
 */
public interface AccessListener {

    /**
     * The vhost is gone, with every permission in it. {@link #permissionsChanged} is not called for those when the
     * deletion was made by this process; when another process deleted it, its permissions (deleted first) may
     * have been seen to go, and reported, a moment before the vhost.
     */
    default void vhostDeleted(String vhost) {
    }

    /** The user is gone, with every permission they had; as for {@link #vhostDeleted}. */
    default void userDeleted(String user) {
    }

    /**
     * The user's permissions in the vhost were set, changed or cleared; {@link AccessControl#permission} gives the
     * new ones (empty when cleared).
     */
    default void permissionsChanged(String vhost, String user) {
    }
}
