package io.wharf.mqtt.sys;

import java.util.concurrent.atomic.LongAdder;

/**
 * The MQTT front-end's counters for {@code $SYS}: MQTT traffic only (packets and bytes of MQTT connections, as
 * {@link TrafficCounter} sees them between the socket and the MQTT codec), not Kafka's or AMQP's. Each is a
 * {@link LongAdder}: an increment is a few nanoseconds on the event loop that counts it, with no allocation and no
 * contention between event loops; reading sums the cells.
 *
 * <p>Thread-safe.
 */
public final class MqttStats {
    private final long startedAtMs = System.currentTimeMillis();
    private final LongAdder connected = new LongAdder();
    private final LongAdder packetsReceived = new LongAdder();
    private final LongAdder packetsSent = new LongAdder();
    private final LongAdder bytesReceived = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();

    /** A client's CONNECT was accepted. */
    public void clientConnected() { connected.increment(); }

    /** An accepted client's connection ended. */
    public void clientDisconnected() { connected.decrement(); }

    void received(int bytes) {
        packetsReceived.increment();
        bytesReceived.add(bytes);
    }

    void sent(int bytes) {
        packetsSent.increment();
        bytesSent.add(bytes);
    }

    public long clientsConnected() { return connected.sum(); }

    /** MQTT packets of any type received ({@code $SYS/broker/messages/received}, as Mosquitto counts). */
    public long messagesReceived() { return packetsReceived.sum(); }

    /** MQTT packets of any type sent. */
    public long messagesSent() { return packetsSent.sum(); }

    public long bytesReceived() { return bytesReceived.sum(); }

    public long bytesSent() { return bytesSent.sum(); }

    /** Whole seconds since the front-end started. */
    public long uptimeSeconds() { return (System.currentTimeMillis() - startedAtMs) / 1000; }
}
