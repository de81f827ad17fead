package io.wharf.mqtt.connect;

import io.wharf.broker.security.AccessControl;
import io.wharf.broker.security.Permission;
import io.wharf.broker.security.User;
import io.wharf.mqtt.MqttSettings;
import io.wharf.mqtt.connect.ConnectRefused.Refusal;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Who a CONNECT logs in as, and whether they may use MQTT's virtual host: the user name and password against
 * Wharf's users ({@link AccessControl#authenticate}); without a user name, the anonymous user if
 * {@code mqtt.allow.anonymous} is on, else "not authorized"; loopback-only users ({@code guest}) from
 * loopback only, judged on the socket's local address as the AMQP front-end does; and permissions in the
 * virtual host (RabbitMQ's MQTT plugin defaults to "/"), without which the client is "not authorized".
 */
public final class Login {
    /** The outcome: the user and their permissions in the vhost. */
    public record Grant(User user, Permission permission) {
    }

    private final AccessControl access;
    private final MqttSettings settings;

    public Login(AccessControl access, MqttSettings settings) {
        this.access = access;
        this.settings = settings;
    }

    /**
     * @param username null when the CONNECT has no user name flag
     * @param password null when it has no password flag
     * @throws ConnectRefused BAD_USER_NAME_OR_PASSWORD or NOT_AUTHORIZED
     */
    public Grant login(String username, byte[] password, InetAddress localAddress) {
        User user;
        if (username == null) {
            if (!settings.allowAnonymous()) {
                throw new ConnectRefused(Refusal.NOT_AUTHORIZED, "no user name, and anonymous access is off "
                    + "(mqtt.allow.anonymous=false)");
            }
            user = access.user(settings.anonymousUser()).orElseThrow(() -> new ConnectRefused(Refusal.NOT_AUTHORIZED,
                "anonymous access acts as user '" + settings.anonymousUser() + "', which does not exist"));
        } else {
            Optional<User> found = password == null ? Optional.empty()
                : access.authenticate(username, new String(password, StandardCharsets.UTF_8));
            user = found.orElseThrow(() -> new ConnectRefused(Refusal.BAD_USER_NAME_OR_PASSWORD,
                "login refused for user '" + username + "'"));
        }
        if (!settings.loopbackUsers().mayConnect(user.name(), localAddress)) {
            throw new ConnectRefused(Refusal.NOT_AUTHORIZED, "user '" + user.name() + "' can only connect via localhost");
        }
        if (!access.vhostExists(settings.vhost())) {
            throw new ConnectRefused(Refusal.NOT_AUTHORIZED, "vhost '" + settings.vhost() + "' does not exist");
        }
        Permission permission = access.permission(settings.vhost(), user.name()).orElseThrow(() ->
            new ConnectRefused(Refusal.NOT_AUTHORIZED, "user '" + user.name() + "' has no access to vhost '"
                + settings.vhost() + "'"));
        return new Grant(user, permission);
    }
}
