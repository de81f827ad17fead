package io.wharf.e2e;

import io.wharf.server.WharfServer;
import io.wharf.server.config.ServerConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * A real Wharf broker for a test: embedded ZooKeeper and every listener on ephemeral loopback ports, data
 * in the test's temporary directory. Overrides use server.properties keys.
 */
public final class WharfTestBroker implements AutoCloseable {
    private final Path dir;
    private final Map<String, String> overrides;
    private WharfServer server;

    private WharfTestBroker(Path dir, Map<String, String> overrides) {
        this.dir = dir;
        this.overrides = overrides;
    }

    /** Starts a broker; {@code overrides} are key, value pairs. */
    public static WharfTestBroker start(Path dir, String... overrides) {
        Map<String, String> m = new HashMap<>();
        m.put("log.dirs", dir.resolve("logs").toString());
        m.put("listeners", "PLAINTEXT://127.0.0.1:0");
        m.put("amqp.listeners", "AMQP://127.0.0.1:0");
        m.put("mqtt.listeners", "MQTT://127.0.0.1:0");
        m.put("zookeeper.embedded.port", "0");
        m.put("group.initial.rebalance.delay.ms", "0");
        for (int i = 0; i + 1 < overrides.length; i += 2) m.put(overrides[i], overrides[i + 1]);
        WharfTestBroker broker = new WharfTestBroker(dir, m);
        broker.server = WharfServer.start(ServerConfig.fromMap(m));
        return broker;
    }

    /** Stops and starts the broker again on the same data (and a new ephemeral port). */
    public void restart() {
        server.close();
        server = WharfServer.start(ServerConfig.fromMap(overrides));
    }

    public String bootstrapServers() { return "127.0.0.1:" + server.boundPort("PLAINTEXT"); }

    public WharfServer server() { return server; }

    /** The AMQP listener's port. */
    public int amqpPort() { return server.boundPort("AMQP"); }

    /** The MQTT listener's port. */
    public int mqttPort() { return server.boundPort("MQTT"); }

    /** The MQTT listener as a Paho server URI. */
    public String mqttUri() { return "tcp://127.0.0.1:" + mqttPort(); }

    /** A RabbitMQ client connection factory for this broker, as guest on vhost "/". */
    public com.rabbitmq.client.ConnectionFactory amqpFactory() {
        com.rabbitmq.client.ConnectionFactory f = new com.rabbitmq.client.ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(amqpPort());
        f.setAutomaticRecoveryEnabled(false);
        return f;
    }

    public Path dir() { return dir; }

    /** Client properties pointing at this broker. */
    public Properties clientProperties() {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrapServers());
        return p;
    }

    @Override
    public void close() {
        if (server != null) server.close();
    }
}
