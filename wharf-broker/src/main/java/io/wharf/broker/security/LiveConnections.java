package io.wharf.broker.security;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open connections of a protocol front-end, told of access changes, as RabbitMQ treats them: a connection
 * whose vhost or user is deleted is closed ({@code rabbitmqctl delete_vhost} / {@code delete_user}); one whose
 * user's permissions in its vhost changed uses the new ones from its next operation on, and is closed if they
 * were cleared (it may no longer be in that vhost). How a connection is closed, and what its client is told,
 * is the protocol's business (AMQP: 320 CONNECTION_FORCED; MQTT 5: DISCONNECT 0x98 Administrative action).
 *
 * <p>Register it with {@link AccessControl#addListener}. Thread-safe.
 */
public final class LiveConnections implements AccessListener {
    /** A connection that is logged in to a vhost. Its methods are called on the access notifier thread. */
    public interface LiveConnection {
        String vhostName();

        String userName();

        /** Its vhost or user is gone, or its permissions cleared: close it. Must hand over, not block. */
        void accessRevoked(String why);

        /** Its user's permissions in its vhost are now {@code now}. Must hand over, not block. */
        void permissionChanged(Permission now);
    }

    private final AccessControl access;
    private final Set<LiveConnection> open = ConcurrentHashMap.newKeySet();

    public LiveConnections(AccessControl access) {
        this.access = access;
    }

    /** From now on {@code c} hears of access changes; call once it is logged in to its vhost. */
    public void opened(LiveConnection c) { open.add(c); }

    public void closed(LiveConnection c) { open.remove(c); }

    public int count() { return open.size(); }

    @Override
    public void vhostDeleted(String vhost) {
        for (LiveConnection c : open) {
            if (vhost.equals(c.vhostName())) c.accessRevoked("vhost '" + vhost + "' is deleted");
        }
    }

    @Override
    public void userDeleted(String user) {
        for (LiveConnection c : open) {
            if (user.equals(c.userName())) c.accessRevoked("user '" + user + "' is deleted");
        }
    }

    @Override
    public void permissionsChanged(String vhost, String user) {
        for (LiveConnection c : open) {
            if (!vhost.equals(c.vhostName()) || !user.equals(c.userName())) continue;
            Optional<Permission> now = access.permission(vhost, user);
            if (now.isPresent()) {
                c.permissionChanged(now.get());
            } else {
                c.accessRevoked("access to vhost '" + vhost + "' refused for user '" + user + "'");
            }
        }
    }
}
