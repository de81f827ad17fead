package io.wharf.amqp;

import io.wharf.broker.security.LoopbackUsers;

/**
 * The AMQP front-end's configuration (RabbitMQ's defaults where it has them).
 *
 * @param frameMax          largest frame offered in Connection.Tune (RabbitMQ: 131072)
 * @param channelMax        most channels per connection (RabbitMQ: 2047)
 * @param heartbeatSeconds  heartbeat offered in Connection.Tune (RabbitMQ: 60; 0 disables)
 * @param maxMessageBytes   largest message body accepted (RabbitMQ 4: 16 MiB)
 * @param handshakeTimeoutMs time a client has from the protocol header to Connection.Open
 * @param loopbackUsers     users who may connect from loopback only (RabbitMQ: guest)
 */
public record AmqpSettings(int frameMax, int channelMax, int heartbeatSeconds, long maxMessageBytes,
                           long handshakeTimeoutMs, LoopbackUsers loopbackUsers) {
    public static AmqpSettings defaults() {
        return new AmqpSettings(131072, 2047, 60, 16 * 1024 * 1024, 10_000, LoopbackUsers.DEFAULT);
    }
}
