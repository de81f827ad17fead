package io.wharf.mqtt.connection;

import io.netty.channel.EventLoop;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
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

    /**
     * Queues a PUBLISH to the client, with a topic alias where the client allows them, unless it is larger than the
     * client's Maximum Packet Size (MQTT 5 §3.1.2.11.4): then it is not sent and the caller must settle the message
     * as if it had been delivered. {@link #write} does the same, for a PUBLISH whose fate the caller need not know.
     *
     * @return whether the packet was queued
     */
    boolean writePublish(MqttPublishMessage packet);

    /** Whether the socket's outbound buffer has room (TCP back-pressure). */
    boolean isWritable();

    /**
     * Ends the connection for a protocol violation or a broker-side refusal: an MQTT 5 client gets a
     * DISCONNECT with {@code reason} first; the reason text goes to the log.
     */
    void fail(MqttReasonCodes.Disconnect reason, String text);
}
