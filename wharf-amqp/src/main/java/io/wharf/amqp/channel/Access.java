package io.wharf.amqp.channel;

import com.rabbitmq.client.impl.Method;
import io.wharf.amqp.AmqpException;
import io.wharf.amqp.connection.ConnectionOutput;
import io.wharf.broker.security.Permission;
import io.wharf.broker.vhost.VhostException;

/**
 * RabbitMQ's permission checks for one channel's user in its virtual host (configure on declare and
 * delete, write on publish and on the queue of a bind, read on consume, get, purge and on the exchange of
 * a bind), refused with 403 ACCESS_REFUSED; and the mapping of the core's refusals onto reply codes.
 */
public final class Access {
    private final ConnectionOutput connection;

    public Access(ConnectionOutput connection) {
        this.connection = connection;
    }

    public void configure(String kind, String name, Method m) {
        if (!connection.permission().canConfigure(resource(kind, name))) throw refused(kind, name, m);
    }

    public void write(String kind, String name, Method m) {
        if (!connection.permission().canWrite(resource(kind, name))) throw refused(kind, name, m);
    }

    public void read(String kind, String name, Method m) {
        if (!connection.permission().canRead(resource(kind, name))) throw refused(kind, name, m);
    }

    private static String resource(String kind, String name) {
        return kind.equals("exchange") ? Permission.exchangeResource(name) : name;
    }

    private AmqpException refused(String kind, String name, Method m) {
        String shown = kind.equals("exchange") && name.isEmpty() ? "amq.default" : name;
        return AmqpException.of(AmqpException.ACCESS_REFUSED, "access to " + kind + " '" + shown + "' in vhost '"
            + connection.vhost().name() + "' refused for user '" + connection.user().name() + "'", m);
    }

    /** The reply code of a refusal by the broker core. */
    public static AmqpException translate(VhostException e, Method m) {
        int code = switch (e.reason()) {
            case NOT_FOUND -> AmqpException.NOT_FOUND;
            case PRECONDITION_FAILED, INVALID_ARGUMENT -> AmqpException.PRECONDITION_FAILED;
            case RESOURCE_LOCKED -> AmqpException.RESOURCE_LOCKED;
            case ACCESS_REFUSED -> AmqpException.ACCESS_REFUSED;
            case COMMAND_INVALID -> AmqpException.COMMAND_INVALID;
        };
        return AmqpException.of(code, e.getMessage(), m);
    }
}
