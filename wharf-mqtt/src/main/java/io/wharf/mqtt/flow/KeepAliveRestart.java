package io.wharf.mqtt.flow;

import io.wharf.broker.net.PublisherBlock;

/**
 * What an MQTT client hears of a resource alarm: nothing — MQTT has no "blocked" packet, so the broker only
 * stops reading from a publishing connection (RabbitMQ's behaviour) and the client feels TCP back-pressure.
 * The keep-alive is not held against it: while blocked its expiry is ignored (see {@code MqttConnection}),
 * and when reading resumes the keep-alive starts afresh, so a client whose PINGREQ waited in the socket is
 * not closed before that PINGREQ is read.
 *
 * <p>Called on the connection's event loop.
 */
public final class KeepAliveRestart implements PublisherBlock.Notice {
    private final KeepAliveSweep.Watch keepAlive;

    /** @param keepAlive the connection's keep-alive, or null if it has none */
    public KeepAliveRestart(KeepAliveSweep.Watch keepAlive) {
        this.keepAlive = keepAlive;
    }

    @Override
    public void blocked(String reason) {
    }

    @Override
    public void unblocked() {
        if (keepAlive != null) keepAlive.touch();
    }
}
