package io.wharf.amqp.exchange;

import com.rabbitmq.client.impl.AMQImpl;
import com.rabbitmq.client.impl.Method;
import io.wharf.amqp.AmqpException;
import io.wharf.amqp.basic.BasicProperties;
import io.wharf.amqp.channel.Access;
import io.wharf.amqp.connection.ConnectionOutput;
import io.wharf.broker.exchange.Binding;
import io.wharf.broker.exchange.Destination;
import io.wharf.broker.exchange.ExchangeDefinition;
import io.wharf.broker.exchange.ExchangeType;
import io.wharf.broker.vhost.VhostException;
import io.wharf.broker.vhost.VirtualHost;

/** The exchange class (spec 1.6): declare, delete, and exchange-to-exchange bind and unbind. */
public final class ExchangeMethods {
    private final int channel;
    private final ConnectionOutput connection;
    private final Access access;

    public ExchangeMethods(int channel, ConnectionOutput connection, Access access) {
        this.channel = channel;
        this.connection = connection;
        this.access = access;
    }

    public void onMethod(Method m) {
        VirtualHost vhost = connection.vhost();
        try {
            if (m instanceof AMQImpl.Exchange.Declare d) declare(vhost, d);
            else if (m instanceof AMQImpl.Exchange.Delete d) delete(vhost, d);
            else if (m instanceof AMQImpl.Exchange.Bind b) bind(vhost, b);
            else if (m instanceof AMQImpl.Exchange.Unbind u) unbind(vhost, u);
            else throw AmqpException.of(AmqpException.COMMAND_INVALID, "'" + m.protocolMethodName() + "' is not valid here", m);
        } catch (VhostException e) {
            throw Access.translate(e, m);
        }
    }

    private void declare(VirtualHost vhost, AMQImpl.Exchange.Declare d) {
        String name = d.getExchange();
        if (d.getPassive()) {
            if (!name.isEmpty()) vhost.requireExchange(name);
            if (!d.getNowait()) connection.send(channel, new AMQImpl.Exchange.DeclareOk());
            return;
        }
        if (name.isEmpty()) {
            throw AmqpException.of(AmqpException.ACCESS_REFUSED, "operation not permitted on the default exchange", d);
        }
        ExchangeType type = ExchangeType.fromWireName(d.getType()).orElseThrow(() -> AmqpException.of(
            AmqpException.COMMAND_INVALID, "unknown exchange type '" + d.getType() + "'", d));
        access.configure("exchange", name, d);
        var args = BasicProperties.plain(d.getArguments());
        vhost.declareExchange(new ExchangeDefinition(name, type, d.getDurable(), d.getAutoDelete(), d.getInternal(), args));
        if (!d.getNowait()) connection.send(channel, new AMQImpl.Exchange.DeclareOk());
    }

    private void delete(VirtualHost vhost, AMQImpl.Exchange.Delete d) {
        access.configure("exchange", d.getExchange(), d);
        vhost.deleteExchange(d.getExchange(), d.getIfUnused());
        if (!d.getNowait()) connection.send(channel, new AMQImpl.Exchange.DeleteOk());
    }

    private void bind(VirtualHost vhost, AMQImpl.Exchange.Bind b) {
        access.write("exchange", b.getDestination(), b);
        access.read("exchange", b.getSource(), b);
        vhost.bind(new Binding(b.getSource(), Destination.exchange(b.getDestination()), b.getRoutingKey(),
            BasicProperties.plain(b.getArguments())), connection.id());
        if (!b.getNowait()) connection.send(channel, new AMQImpl.Exchange.BindOk());
    }

    private void unbind(VirtualHost vhost, AMQImpl.Exchange.Unbind u) {
        access.write("exchange", u.getDestination(), u);
        access.read("exchange", u.getSource(), u);
        vhost.unbind(new Binding(u.getSource(), Destination.exchange(u.getDestination()), u.getRoutingKey(),
            BasicProperties.plain(u.getArguments())), connection.id());
        if (!u.getNowait()) connection.send(channel, new AMQImpl.Exchange.UnbindOk());
    }
}
