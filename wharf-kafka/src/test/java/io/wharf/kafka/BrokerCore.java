package io.wharf.kafka;

import io.wharf.broker.Broker;
import io.wharf.broker.BrokerSettings;
import io.wharf.broker.metadata.BrokerRegistration;
import io.wharf.broker.metadata.EmbeddedZooKeeper;
import io.wharf.broker.metadata.Endpoint;
import io.wharf.broker.metadata.ZkMetadataStore;
import io.wharf.log.LogConfig;
import io.wharf.log.LogManager;
import io.wharf.log.LogManagerSettings;
import io.wharf.log.Time;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A real broker core for the coordinators' tests — embedded ZooKeeper, real logs in a temporary directory,
 * the topic manager — without the network front-end. {@link #restart} closes and reopens it on the same
 * directory, as a broker restart would.
 */
public final class BrokerCore implements AutoCloseable {
    private final Path dir;
    private EmbeddedZooKeeper zk;
    private LogManager logs;
    private ZkMetadataStore metadata;
    private Broker broker;

    private BrokerCore(Path dir) {
        this.dir = dir;
    }

    public static BrokerCore start(Path dir) throws Exception {
        BrokerCore core = new BrokerCore(dir);
        core.open();
        return core;
    }

    private void open() throws Exception {
        zk = EmbeddedZooKeeper.start(dir.resolve("zk"), new InetSocketAddress("127.0.0.1", 0));
        logs = new LogManager(List.of(dir.resolve("logs")), LogConfig.defaults(), LogManagerSettings.defaults(), Time.SYSTEM);
        logs.startup();
        metadata = new ZkMetadataStore(zk.connectString(), Duration.ofSeconds(10), Duration.ofSeconds(5));
        metadata.start();
        broker = new Broker(new BrokerSettings(0, 1, (short) 1, false, true, 1, LogConfig.defaults()), metadata, logs);
        broker.start();
        broker.register(new BrokerRegistration(0, List.of(new Endpoint("PLAINTEXT", "PLAINTEXT", "127.0.0.1", 9092)),
            Optional.empty()));
    }

    public Broker broker() { return broker; }

    public void restart() throws Exception {
        close();
        open();
    }

    @Override
    public void close() {
        broker.close();
        metadata.close();
        logs.close();
        zk.close();
    }
}
