package io.wharf.amqp.connection;

import io.wharf.amqp.AmqpException;
import io.wharf.broker.security.AccessListener;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open AMQP connections of a front-end, told of access changes: a connection whose vhost or user is
 * deleted is closed with 320 CONNECTION_FORCED, as {@code rabbitmqctl delete_vhost} / {@code delete_user}
 * do; one whose user's permissions in its vhost changed uses the new ones from its next method on, and is
 * closed if they were cleared (it may no longer be in that vhost).
 */
public final class LiveConnections implements AccessListener {
    private final Set<AmqpConnection> open = ConcurrentHashMap.newKeySet();

    void opened(AmqpConnection c) { open.add(c); }

    void closed(AmqpConnection c) { open.remove(c); }

    public int count() { return open.size(); }

    @Override
    public void vhostDeleted(String vhost) {
        for (AmqpConnection c : open) {
            if (c.vhost() != null && c.vhost().name().equals(vhost)) {
                c.forceClose(new AmqpException(AmqpException.CONNECTION_FORCED, "vhost '" + vhost + "' is deleted", 0, 0));
            }
        }
    }

    @Override
    public void userDeleted(String user) {
        for (AmqpConnection c : open) {
            if (c.user() != null && c.user().name().equals(user)) {
                c.forceClose(new AmqpException(AmqpException.CONNECTION_FORCED, "user '" + user + "' is deleted", 0, 0));
            }
        }
    }

    @Override
    public void permissionsChanged(String vhost, String user) {
        for (AmqpConnection c : open) {
            if (c.vhost() != null && c.vhost().name().equals(vhost) && c.user().name().equals(user)) c.reloadPermission();
        }
    }
}
