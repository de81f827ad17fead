package io.wharf.mqtt.sys;

import io.netty.handler.codec.mqtt.MqttProperties;
import io.wharf.broker.exchange.Exchange;
import io.wharf.broker.message.Message;
import io.wharf.broker.vhost.VirtualHost;
import io.wharf.broker.vhost.VirtualHosts;
import io.wharf.mqtt.MqttSettings;
import io.wharf.mqtt.message.MqttMessages;
import io.wharf.mqtt.retained.RetainedMessages;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's status under {@code $SYS/broker/}, with Mosquitto's topic names and payload formats (plain text):
 * {@code clients/connected}, {@code messages/received} and {@code messages/sent} (MQTT packets of any type),
 * {@code bytes/received} and {@code bytes/sent}, {@code uptime} ("{@code 42 seconds}"), {@code version}
 * ("{@code wharf version 0.1.0}") and {@code retained messages/count} (these {@code $SYS} topics included, as in
 * Mosquitto). Every {@code mqtt.sys.interval.seconds}
 * (0: never) each is published at QoS 0 with RETAIN through {@code amq.topic} — so live subscribers get it, and a
 * new subscriber gets the latest at once — and retained in memory only (the next start publishes afresh). Only
 * MQTT traffic counts ({@link MqttStats}). A filter starting with a wildcard never matches a {@code $} topic, so
 * {@code #} does not receive these; {@code $SYS/#} does.
 *
 * <p>Thread-safe; publishes on a daemon thread of its own.
 */
public final class SysTopics implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SysTopics.class);
    public static final String PREFIX = "$SYS/broker/";

    private final VirtualHosts vhosts;
    private final MqttSettings settings;
    private final RetainedMessages retained;
    private final MqttStats stats;
    private final long intervalSeconds;
    private final String version = "wharf version " + version();
    private ScheduledExecutorService timer;

    public SysTopics(VirtualHosts vhosts, MqttSettings settings, RetainedMessages retained, MqttStats stats,
                     long intervalSeconds) {
        if (intervalSeconds < 0) throw new IllegalArgumentException("mqtt.sys.interval.seconds must be >= 0");
        this.vhosts = vhosts;
        this.settings = settings;
        this.retained = retained;
        this.stats = stats;
        this.intervalSeconds = intervalSeconds;
    }

    /** Publishes now, then every interval; nothing if the interval is 0. */
    public synchronized void start() {
        if (intervalSeconds == 0 || timer != null) return;
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "wharf-mqtt-sys");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::publishQuietly, 0, intervalSeconds, TimeUnit.SECONDS);
    }

    /** The topics and payloads of one round, in publishing order. */
    public Map<String, String> values() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put(PREFIX + "version", version);
        v.put(PREFIX + "uptime", stats.uptimeSeconds() + " seconds");
        v.put(PREFIX + "clients/connected", Long.toString(stats.clientsConnected()));
        v.put(PREFIX + "messages/received", Long.toString(stats.messagesReceived()));
        v.put(PREFIX + "messages/sent", Long.toString(stats.messagesSent()));
        v.put(PREFIX + "bytes/received", Long.toString(stats.bytesReceived()));
        v.put(PREFIX + "bytes/sent", Long.toString(stats.bytesSent()));
        v.put(PREFIX + "retained messages/count", Long.toString(retained.count()));
        return v;
    }

    /** Publishes one round now. */
    public void publish() {
        VirtualHost vhost = vhosts.get(settings.vhost()).orElse(null);
        Exchange exchange = vhost == null ? null : vhost.exchange(settings.exchange());
        if (exchange == null) return; // the vhost or exchange is gone: nobody could subscribe either
        long now = System.currentTimeMillis();
        values().forEach((topic, value) -> {
            Message m = MqttMessages.fromPublish(exchange.name(), topic, 0, true, null,
                value.getBytes(StandardCharsets.UTF_8), MqttProperties.NO_PROPERTIES, now);
            retained.retainInMemory(topic, m);
            vhost.publish(exchange, m);
        });
    }

    private void publishQuietly() {
        try {
            publish();
        } catch (RuntimeException e) {
            LOG.warn("Publishing $SYS topics failed; trying again in {} s", intervalSeconds, e);
        }
    }

    /** This build's version, written into a resource by Maven. */
    static String version() {
        try (InputStream in = SysTopics.class.getResourceAsStream("version.properties")) {
            if (in == null) return "unknown";
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void close() {
        if (timer != null) timer.shutdownNow();
        timer = null;
    }
}
