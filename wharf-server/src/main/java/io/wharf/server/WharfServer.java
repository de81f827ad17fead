package io.wharf.server;

import io.wharf.amqp.AmqpFrontEnd;
import io.wharf.broker.alarm.ResourceMonitor;
import io.wharf.amqp.AmqpSettings;
import io.wharf.amqp.basic.AmqpPropertiesCodec;
import io.wharf.broker.Broker;
import io.wharf.broker.metadata.BrokerRegistration;
import io.wharf.broker.metadata.EmbeddedZooKeeper;
import io.wharf.broker.metadata.Endpoint;
import io.wharf.broker.metadata.ZkMetadataStore;
import io.wharf.broker.net.ProtocolFrontEnd;
import io.wharf.kafka.KafkaApis;
import io.wharf.kafka.KafkaContext;
import io.wharf.kafka.KafkaFrontEnd;
import io.wharf.kafka.api.ApiRegistry;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import io.wharf.log.LogManager;
import io.wharf.mqtt.MqttFrontEnd;
import io.wharf.mqtt.MqttSettings;
import io.wharf.mqtt.bridge.KafkaBridge;
import io.wharf.mqtt.retained.RetainedMessages;
import io.wharf.mqtt.sys.MqttStats;
import io.wharf.mqtt.sys.SysTopics;
import io.wharf.log.Time;
import io.wharf.server.config.Listener;
import io.wharf.server.config.ServerConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Wharf broker: the log manager, embedded or external ZooKeeper, the broker core and the
 * listeners, started in that order and stopped in reverse.
 *
 * <p>Start-up fails fast with one clear message (a {@code ConfigException}, {@code LogDirException} or
 * {@code MetadataException}) and undoes whatever it had started. Shutdown stops accepting connections,
 * closes them, then flushes and checkpoints every log and writes the clean-shutdown marker, so the next
 * start has nothing to recover.
 */
public final class WharfServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WharfServer.class);
    /** Where the embedded ZooKeeper keeps its data: under the first log directory, hidden from the log scan. */
    static final String EMBEDDED_ZK_DIR = ".zookeeper";

    private final ServerConfig config;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final List<NetworkServer.BoundListener> listeners = new ArrayList<>();
    private Broker broker;
    private ResourceMonitor resources;
    private EmbeddedZooKeeper embeddedZooKeeper;
    private NetworkServer network;
    private KafkaBridge mqttBridge;
    /** What the MQTT front-end runs with (the bridge publishes into its vhost and exchange). */
    private MqttSettings mqttSettings;

    private WharfServer(ServerConfig config) {
        this.config = config;
    }

    /** Starts a broker; on failure everything started is stopped again and the exception rethrown. */
    public static WharfServer start(ServerConfig config) {
        WharfServer server = new WharfServer(config);
        try {
            server.startAll();
            return server;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private void startAll() {
        long begin = System.nanoTime();
        LogManager logs = new LogManager(config.logDirs(), ServerSettings.logConfig(config),
            ServerSettings.logManager(config), Time.SYSTEM);
        // Log directories first: a bad or locked log.dirs fails before anything else starts.
        logs.startup();
        started.push(logs);
        String connect = config.zookeeperConnect().orElseGet(() -> {
            Path dir = config.logDirs().get(0).resolve(EMBEDDED_ZK_DIR);
            embeddedZooKeeper = EmbeddedZooKeeper.start(dir,
                new InetSocketAddress("127.0.0.1", config.zookeeperEmbeddedPort()));
            started.push(embeddedZooKeeper);
            LOG.info("Started embedded ZooKeeper on {} (data in {})", embeddedZooKeeper.connectString(), dir);
            return embeddedZooKeeper.connectString();
        });
        ZkMetadataStore metadata = new ZkMetadataStore(connect,
            Duration.ofMillis(config.zookeeperSessionTimeoutMs()), Duration.ofMillis(config.zookeeperConnectionTimeoutMs()));
        metadata.start();
        started.push(metadata);
        broker = new Broker(ServerSettings.broker(config), metadata, logs, new AmqpPropertiesCodec());
        started.push(broker);
        broker.start();
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
            new io.netty.util.concurrent.DefaultThreadFactory("wharf-timers", true));
        started.push(timers::shutdownNow);
        KafkaContext kafka = new KafkaContext(broker, metadata.clusterId(), ServerSettings.kafka(config), timers);
        ApiRegistry kafkaApis = KafkaApis.create(kafka);
        network = new NetworkServer(config.numNetworkThreads());
        started.push(network);
        for (Listener l : config.kafkaListeners()) {
            listeners.add(network.bind(l, "listeners", new KafkaFrontEnd(kafkaApis, config.socketRequestMaxBytes(), l.name())));
        }
        resources = new ResourceMonitor(broker.alarms(), config.logDirs(),
            ResourceMonitor.heapFraction(config.memoryHighWatermark()), config.diskFreeLimitBytes());
        started.push(resources);
        resources.start();
        AmqpFrontEnd amqp = new AmqpFrontEnd(broker.vhosts(), broker.access(), broker.alarms(), AmqpSettings.defaults());
        for (Listener l : config.amqpListeners()) listeners.add(network.bind(l, "amqp.listeners", amqp));
        if (!config.mqttListeners().isEmpty()) startMqtt();
        for (Listener l : config.httpListeners()) listeners.add(network.bind(l, "http.listeners", frontEnd("HTTP")));
        broker.register(registration());
        if (mqttBridge != null && !config.mqttKafkaBridge().isEmpty()) {
            // After registering: a topic the bridge creates is placed on live brokers.
            mqttBridge.start(broker.topics(), broker.topicFeeds(), broker.vhosts(), mqttSettings.vhost(),
                mqttSettings.exchange());
        }
        LOG.info("Wharf broker {} started in {} ms (ZooKeeper {}, logs in {})", config.brokerId(),
            (System.nanoTime() - begin) / 1_000_000, connect, config.logDirs());
    }

    /** The MQTT listeners, on the retained messages (loaded now), with {@code $SYS} publishing. */
    private void startMqtt() {
        MqttSettings settings = MqttSettings.defaults().withAllowAnonymous(config.mqttAllowAnonymous())
            .withMaxSessionExpirySeconds(config.mqttMaxSessionExpirySeconds())
            .withPublisherBacklog(config.mqttFlowBacklogMessages());
        RetainedMessages retained = new RetainedMessages(broker.retained());
        MqttStats stats = new MqttStats();
        mqttSettings = settings;
        mqttBridge = new KafkaBridge(config.mqttKafkaBridge(), broker.topicAppender());
        MqttFrontEnd mqtt = new MqttFrontEnd(broker.vhosts(), broker.access(), broker.alarms(), settings, retained,
            mqttBridge.export(), stats);
        started.push(mqtt);
        // The listener's name chooses the transport: WS (or WS_...) is MQTT over WebSocket, any other is TCP.
        for (Listener l : config.mqttListeners()) {
            listeners.add(network.bind(l, "mqtt.listeners", mqtt.forListener(l.name())));
        }
        SysTopics sys = new SysTopics(broker.vhosts(), settings, retained, stats, config.mqttSysIntervalSeconds());
        started.push(sys);
        sys.start();
    }

    private ProtocolFrontEnd frontEnd(String protocol) {
        // The HTTP front-end plugs in here when it is built.
        return new PendingFrontEnd(protocol);
    }

    /** This broker's endpoints as registered in ZooKeeper: advertised hosts, real (bound) ports. */
    private BrokerRegistration registration() {
        List<Endpoint> endpoints = new ArrayList<>();
        List<Listener> advertised = config.advertisedListeners();
        for (NetworkServer.BoundListener b : listeners) {
            Listener l = b.listener();
            boolean kafka = b.protocol().equals("Kafka");
            String host = l.host();
            int port = b.port();
            if (kafka) {
                Optional<Listener> adv = advertised.stream().filter(a -> a.name().equals(l.name())).findFirst();
                if (adv.isPresent() && adv.get().port() != 0 && !adv.get().bindsAllInterfaces()) {
                    host = adv.get().host();
                    port = adv.get().port();
                }
            }
            if (host.equals("0.0.0.0") || host.equals("::")) host = "127.0.0.1";
            endpoints.add(new Endpoint(l.name(), kafka ? "PLAINTEXT" : b.protocol().toUpperCase(java.util.Locale.ROOT),
                host, port));
        }
        return new BrokerRegistration(config.brokerId(), endpoints, Optional.empty());
    }

    public Broker broker() { return broker; }

    /** Watches heap and disk; its limits may be changed while the server runs. */
    public ResourceMonitor resources() { return resources; }

    /** The port a listener really got (useful with port 0), by listener name such as "PLAINTEXT". */
    public int boundPort(String listenerName) {
        return listeners.stream().filter(b -> b.listener().name().equals(listenerName)).findFirst()
            .orElseThrow(() -> new IllegalArgumentException("No listener named " + listenerName)).port();
    }

    public Optional<EmbeddedZooKeeper> embeddedZooKeeper() { return Optional.ofNullable(embeddedZooKeeper); }

    /** Clean shutdown, in reverse order of start-up. Safe to call more than once. */
    @Override
    public synchronized void close() {
        if (started.isEmpty()) return;
        LOG.info("Shutting down Wharf broker {}", config.brokerId());
        if (network != null) network.stopAccepting();
        while (!started.isEmpty()) {
            AutoCloseable c = started.pop();
            try {
                c.close();
            } catch (Exception e) {
                LOG.error("Error while stopping {}", c.getClass().getSimpleName(), e);
            }
        }
        LOG.info("Wharf broker {} shut down cleanly", config.brokerId());
    }
}
