package io.wharf.amqp.queue;

import io.wharf.amqp.basic.DirectReplyTo;
import com.rabbitmq.client.impl.AMQImpl;
import com.rabbitmq.client.impl.Method;
import io.wharf.amqp.AmqpException;
import io.wharf.amqp.basic.BasicProperties;
import io.wharf.amqp.basic.Consumers;
import io.wharf.amqp.channel.Access;
import io.wharf.amqp.connection.ConnectionOutput;
import io.wharf.broker.exchange.Binding;
import io.wharf.broker.exchange.Destination;
import io.wharf.broker.vhost.QueueDefinition;
import io.wharf.broker.vhost.VhostException;
import io.wharf.broker.vhost.VirtualHost;
import java.security.SecureRandom;
import java.util.Base64;

/** The queue class (spec 1.7): declare (server-named queues too), bind, unbind, purge, delete. */
public final class QueueMethods {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final int channel;
    private final ConnectionOutput connection;
    private final Access access;
    private final Consumers consumers;

    public QueueMethods(int channel, ConnectionOutput connection, Access access, Consumers consumers) {
        this.channel = channel;
        this.connection = connection;
        this.access = access;
        this.consumers = consumers;
    }

    public void onMethod(Method m) {
        VirtualHost vhost = connection.vhost();
        try {
            if (m instanceof AMQImpl.Queue.Declare d) declare(vhost, d);
            else if (m instanceof AMQImpl.Queue.Bind b) bind(vhost, b);
            else if (m instanceof AMQImpl.Queue.Unbind u) unbind(vhost, u);
            else if (m instanceof AMQImpl.Queue.Purge p) purge(vhost, p);
            else if (m instanceof AMQImpl.Queue.Delete d) delete(vhost, d);
            else throw AmqpException.of(AmqpException.COMMAND_INVALID, "'" + m.protocolMethodName() + "' is not valid here", m);
        } catch (VhostException e) {
            throw Access.translate(e, m);
        }
    }

    private void declare(VirtualHost vhost, AMQImpl.Queue.Declare d) {
        String name = d.getQueue();
        if (d.getPassive()) {
            if (name.isEmpty()) name = consumers.lastDeclaredQueue();
            if (name.equals(DirectReplyTo.PSEUDO_QUEUE)) {
                // It exists for every client (that is how Spring AMQP finds out direct reply-to is offered).
                if (!d.getNowait()) connection.send(channel, new AMQImpl.Queue.DeclareOk(name, 0, 0));
                return;
            }
            VirtualHost.LiveQueue q = vhost.requireQueue(name, connection.id());
            if (!d.getNowait()) {
                connection.send(channel, new AMQImpl.Queue.DeclareOk(name, (int) Math.min(Integer.MAX_VALUE,
                    q.queue().messageCount()), q.queue().consumerCount()));
            }
            return;
        }
        if (name.isEmpty()) name = serverName();
        access.configure("queue", name, d);
        QueueDefinition def = new QueueDefinition(name, d.getDurable(), d.getAutoDelete(),
            d.getExclusive() ? connection.id() : 0, BasicProperties.plain(d.getArguments()));
        VirtualHost.LiveQueue q = vhost.declareQueue(def, connection.id());
        consumers.declared(name);
        if (!d.getNowait()) {
            connection.send(channel, new AMQImpl.Queue.DeclareOk(name, (int) Math.min(Integer.MAX_VALUE,
                q.queue().messageCount()), q.queue().consumerCount()));
        }
    }

    private static String serverName() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return "amq.gen-" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private String queueName(String given) {
        return given.isEmpty() ? consumers.lastDeclaredQueue() : given;
    }

    private void bind(VirtualHost vhost, AMQImpl.Queue.Bind b) {
        String queue = queueName(b.getQueue());
        access.write("queue", queue, b);
        access.read("exchange", b.getExchange(), b);
        vhost.bind(new Binding(b.getExchange(), Destination.queue(queue), b.getRoutingKey(),
            BasicProperties.plain(b.getArguments())), connection.id());
        if (!b.getNowait()) connection.send(channel, new AMQImpl.Queue.BindOk());
    }

    private void unbind(VirtualHost vhost, AMQImpl.Queue.Unbind u) {
        String queue = queueName(u.getQueue());
        access.write("queue", queue, u);
        access.read("exchange", u.getExchange(), u);
        vhost.unbind(new Binding(u.getExchange(), Destination.queue(queue), u.getRoutingKey(),
            BasicProperties.plain(u.getArguments())), connection.id());
        connection.send(channel, new AMQImpl.Queue.UnbindOk());
    }

    private void purge(VirtualHost vhost, AMQImpl.Queue.Purge p) {
        String queue = queueName(p.getQueue());
        access.read("queue", queue, p);
        long purged = vhost.requireQueue(queue, connection.id()).queue().purge();
        if (!p.getNowait()) connection.send(channel, new AMQImpl.Queue.PurgeOk((int) Math.min(Integer.MAX_VALUE, purged)));
    }

    private void delete(VirtualHost vhost, AMQImpl.Queue.Delete d) {
        String queue = queueName(d.getQueue());
        access.configure("queue", queue, d);
        long count = vhost.deleteQueue(queue, d.getIfUnused(), d.getIfEmpty(), connection.id());
        if (!d.getNowait()) connection.send(channel, new AMQImpl.Queue.DeleteOk((int) Math.min(Integer.MAX_VALUE, count)));
    }
}
