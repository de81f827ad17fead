package io.wharf.mqtt.connection;

import io.netty.channel.EventLoop;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttReasonCodes;

/**
 * What the protocol flows see of their connection: the way out. Every method must be called on the
 * connection's event loop, except {@link #eventLoop}. Writes are flushed when the current read or task ends.
 */
public interface PacketOutput {
    EventLoop eventLoop();

    /** Queues a packet for the socket; flushed at the end of the read, or by {@link #flush}. */
    void write(MqttMessage packet);

    void flush();

    /** Whether the socket's outbound buffer has room (TCP back-pressure). */
    boolean isWritable();

    /**
     * Ends the connection for a protocol violation or a broker-side refusal: an MQTT 5 client gets a
     * DISCONNECT with {@code reason} first; the reason text goes to the log.
     */
    void fail(MqttReasonCodes.Disconnect reason, String text);
}
