package io.wharf.broker.security;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;
import java.util.Set;

/**
 * RabbitMQ's {@code loopback_users}: users who may only connect over a loopback interface. The default is
 * {@code guest}, so that the well-known default credentials are useless from another machine. Every protocol
 * front-end asks this one class, so AMQP, MQTT and the HTTP API agree.
 *
 * <p>Like RabbitMQ ({@code rabbit_net:is_loopback/1} applied to the socket's {@code sockname}), the test is on the
 * <em>local</em> address of the connection: {@code 127.0.0.0/8}, {@code ::1}, or an IPv4-mapped IPv6 address of
 * {@code 127.0.0.0/8}. A connection arriving on a loopback interface has a loopback local address whatever its
 * peer claims. Immutable and thread-safe.
 */
public final class LoopbackUsers {

    /** RabbitMQ's default, {@code loopback_users = guest}. */
    public static final LoopbackUsers DEFAULT = new LoopbackUsers(Set.of("guest"));
    /** {@code loopback_users = none}: everyone may connect from anywhere. */
    public static final LoopbackUsers NONE = new LoopbackUsers(Set.of());

    private final Set<String> users;

    public LoopbackUsers(Set<String> users) {
        this.users = Set.copyOf(Objects.requireNonNull(users, "users"));
    }

    /**
     * True unless {@code user} is a loopback-only user and the connection did not come over loopback.
     *
     * @param localAddress the local (server-side) address of the connection, as RabbitMQ checks it
     */
    public boolean mayConnect(String user, InetAddress localAddress) {
        return !users.contains(user) || isLoopback(localAddress);
    }

    public Set<String> users() {
        return users;
    }

    /** 127.0.0.0/8, ::1, and ::ffff:127.x.y.z (which Java keeps as an Inet6Address when given raw bytes). */
    static boolean isLoopback(InetAddress address) {
        if (address.isLoopbackAddress()) {
            return true;
        }
        if (address instanceof Inet6Address) {
            byte[] b = address.getAddress();
            for (int i = 0; i < 10; i++) {
                if (b[i] != 0) {
                    return false;
                }
            }
            return b[10] == (byte) 0xff && b[11] == (byte) 0xff && b[12] == 127;
        }
        return false;
    }
}
