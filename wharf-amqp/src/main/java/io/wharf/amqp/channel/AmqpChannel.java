package io.wharf.amqp.channel;

import com.rabbitmq.client.impl.AMQImpl;
import com.rabbitmq.client.impl.Method;
import io.wharf.amqp.AmqpException;
import io.wharf.amqp.AmqpSettings;
import io.wharf.amqp.basic.Consumers;
import io.wharf.amqp.basic.Publisher;
import io.wharf.amqp.connection.AmqpConnection;
import io.wharf.amqp.connection.ConnectionOutput;
import io.wharf.amqp.exchange.ExchangeMethods;
import io.wharf.amqp.frame.Frame;
import io.wharf.amqp.queue.QueueMethods;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One channel of a connection: routes its methods to the feature that handles them (exchange, queue,
 * basic publish, basic consume/ack, confirm, tx), assembles content (method, header, body frames — spec
 * 4.2.6), and closes — by the client, or on a channel error (spec 1.5.2.5), after which it ignores
 * everything but Close and Close-Ok. Confined to the connection's event loop.
 */
public final class AmqpChannel {
    private static final Logger LOG = LoggerFactory.getLogger(AmqpChannel.class);

    private enum State { OPEN, CLOSING, CLOSED }

    private final int number;
    private final ConnectionOutput connection;
    private final Access access;
    private final ExchangeMethods exchanges;
    private final QueueMethods queues;
    private final Publisher publisher;
    private final Consumers consumers;
    private State state = State.OPEN;

    public AmqpChannel(int number, ConnectionOutput connection, AmqpSettings settings) {
        this.number = number;
        this.connection = connection;
        this.access = new Access(connection);
        this.exchanges = new ExchangeMethods(number, connection, access);
        this.consumers = new Consumers(number, connection, access);
        this.queues = new QueueMethods(number, connection, access, consumers);
        this.publisher = new Publisher(number, connection, access, settings, consumers);
    }

    public int number() { return number; }

    /** One frame for this channel (not Channel.Open, which the connection handles). */
    public void onFrame(Frame frame) {
        if (state != State.OPEN) {
            if (frame.type() == Frame.METHOD) onMethodWhileClosing(AmqpConnection.readMethod(frame));
            return;
        }
        switch (frame.type()) {
            case Frame.METHOD -> {
                if (publisher.expectsContent()) {
                    throw new AmqpException(AmqpException.UNEXPECTED_FRAME, "expected content header for class 60, got "
                        + "a method frame on channel " + number, 60, 40);
                }
                onMethod(AmqpConnection.readMethod(frame));
            }
            case Frame.HEADER -> publisher.onHeader(frame.payload());
            case Frame.BODY -> publisher.onBody(frame.payload());
            default -> throw new AmqpException(AmqpException.FRAME_ERROR, "unknown frame type " + frame.type(), 0, 0);
        }
    }

    private void onMethod(Method m) {
        if (m instanceof AMQImpl.Basic.Publish p) {
            publisher.onPublish(p);
        } else if (m instanceof AMQImpl.Basic.Ack a) {
            consumers.ack(a.getDeliveryTag(), a.getMultiple(), m);
        } else if (m instanceof AMQImpl.Basic.Nack n) {
            consumers.reject(n.getDeliveryTag(), n.getMultiple(), n.getRequeue(), m);
        } else if (m instanceof AMQImpl.Basic.Reject r) {
            consumers.reject(r.getDeliveryTag(), false, r.getRequeue(), m);
        } else if (m.protocolClassId() == 60) {
            connection.flushPublishes();
            consumers.onMethod(m);
        } else if (m.protocolClassId() == 40) {
            connection.flushPublishes();
            exchanges.onMethod(m);
        } else if (m.protocolClassId() == 50) {
            connection.flushPublishes();
            queues.onMethod(m);
        } else if (m instanceof AMQImpl.Confirm.Select s) {
            publisher.confirmSelect(s);
        } else if (m.protocolClassId() == 90) {
            onTx(m);
        } else if (m instanceof AMQImpl.Channel.Close) {
            connection.flushPublishes();
            release();
            state = State.CLOSED;
            connection.send(number, new AMQImpl.Channel.CloseOk());
            connection.channelClosed(number);
        } else if (m instanceof AMQImpl.Channel.Flow f) {
            consumers.flow(f.getActive());
            connection.send(number, new AMQImpl.Channel.FlowOk(f.getActive()));
        } else if (m instanceof AMQImpl.Channel.Open) {
            throw AmqpException.of(AmqpException.CHANNEL_ERROR, "second 'channel.open' seen on channel " + number, m);
        } else if (m instanceof AMQImpl.Channel.FlowOk || m instanceof AMQImpl.Channel.CloseOk) {
            // Answers to nothing we asked: ignore, as RabbitMQ does.
        } else {
            throw AmqpException.of(AmqpException.COMMAND_INVALID, "'" + m.protocolMethodName()
                + "' is not valid on a channel", m);
        }
    }

    private void onTx(Method m) {
        if (m instanceof AMQImpl.Tx.Select) {
            if (publisher.confirming()) {
                throw AmqpException.of(AmqpException.PRECONDITION_FAILED, "cannot switch from confirm to tx mode", m);
            }
            publisher.txSelect();
            consumers.txSelect();
            connection.send(number, new AMQImpl.Tx.SelectOk());
        } else if (m instanceof AMQImpl.Tx.Commit) {
            requireTx(m);
            publisher.txCommit();
            consumers.txCommit();
            connection.send(number, new AMQImpl.Tx.CommitOk());
        } else if (m instanceof AMQImpl.Tx.Rollback) {
            requireTx(m);
            publisher.txRollback();
            consumers.txRollback();
            connection.send(number, new AMQImpl.Tx.RollbackOk());
        } else {
            throw AmqpException.of(AmqpException.COMMAND_INVALID, "'" + m.protocolMethodName() + "' is not valid here", m);
        }
    }

    private void requireTx(Method m) {
        if (!publisher.transactional()) {
            throw AmqpException.of(AmqpException.PRECONDITION_FAILED, "channel is not transactional", m);
        }
    }

    private void onMethodWhileClosing(Method m) {
        if (m instanceof AMQImpl.Channel.CloseOk) {
            state = State.CLOSED;
            connection.channelClosed(number);
        } else if (m instanceof AMQImpl.Channel.Close) {
            state = State.CLOSED;
            connection.send(number, new AMQImpl.Channel.CloseOk());
            connection.channelClosed(number);
        }
    }

    /** Closes the channel with a channel error: Channel.Close goes out, the channel's resources are released. */
    public void closeWithError(AmqpException e) {
        if (state != State.OPEN) return;
        LOG.debug("Closing channel {}: {}", number, e.replyText());
        release();
        state = State.CLOSING;
        connection.send(number, new AMQImpl.Channel.Close(e.code(), e.replyText(), e.classId(), e.methodId()));
    }

    /** The end of one read from the socket: acknowledgements and publishes gathered in it are applied. */
    public void readComplete() {
        publisher.flushBatch();
        consumers.readComplete();
    }

    /** Stores what this channel published so far (before another method may look at the queues). */
    public void flushPublishes() {
        if (state == State.OPEN) publisher.flushBatch();
    }

    /** The socket has room again: deliveries held back by TCP back-pressure resume. */
    public void writable() {
        consumers.writable();
    }

    /** The channel or its connection is gone: consumers cancelled, unacknowledged deliveries requeued. */
    public void release() {
        if (state == State.OPEN) {
            publisher.release();
            consumers.release();
        }
    }
}
