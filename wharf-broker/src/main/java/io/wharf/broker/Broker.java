package io.wharf.broker;

import io.wharf.broker.alarm.ResourceAlarms;
import io.wharf.broker.bridge.TopicAppender;
import io.wharf.broker.bridge.TopicFeeds;
import io.wharf.broker.metadata.BrokerRegistration;
import io.wharf.broker.metadata.ControllerElection;
import io.wharf.broker.metadata.ControllerListener;
import io.wharf.broker.metadata.ZkMetadataStore;
import io.wharf.broker.message.PropertiesCodec;
import io.wharf.broker.queue.QueueManager;
import io.wharf.broker.retained.RetainedStore;
import io.wharf.broker.routing.TopicSyntax;
import io.wharf.broker.security.AccessControl;
import io.wharf.broker.security.AccessListener;
import io.wharf.broker.topic.PartitionLeaders;
import io.wharf.broker.topic.TopicManager;
import io.wharf.broker.vhost.VirtualHosts;
import io.wharf.broker.vhost.ZkDefinitionStore;
import io.wharf.log.LogManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker core shared by every protocol: the logs, the topics, the cluster membership. It is built
 * from a running {@link ZkMetadataStore} and a started {@link LogManager}; whoever started those closes
 * them (after this).
 */
public final class Broker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);
    /** The log of {@link #retained()}. */
    public static final String RETAINED_LOG = "retained~mqtt";

    private final BrokerSettings settings;
    private final ZkMetadataStore metadata;
    private final LogManager logs;
    private final TopicManager topics;
    private final AccessControl access;
    private final QueueManager queues;
    private final VirtualHosts vhosts;
    private final ResourceAlarms alarms = new ResourceAlarms();
    private final PropertiesCodec codec;
    private final TopicAppender topicAppender;
    private ControllerElection controller;
    private RetainedStore retained;
    private TopicFeeds feeds;

    /** @param codec reads and rewrites stored message properties (the AMQP front-end's encoding) */
    public Broker(BrokerSettings settings, ZkMetadataStore metadata, LogManager logs, PropertiesCodec codec) {
        this.settings = settings;
        this.metadata = metadata;
        this.logs = logs;
        this.codec = codec;
        this.topics = new TopicManager(settings, metadata, logs);
        this.access = new AccessControl(metadata.wharfNodes());
        this.queues = new QueueManager(logs, settings.defaultLogConfig(), codec);
        this.topicAppender = new TopicAppender(topics, new PartitionLeaders(topics, settings), codec);
        this.vhosts = new VirtualHosts(queues, new ZkDefinitionStore(metadata.wharfNodes()), topicAppender);
    }

    public Broker(BrokerSettings settings, ZkMetadataStore metadata, LogManager logs) {
        this(settings, metadata, logs, PropertiesCodec.NONE);
    }

    /**
     * Loads the topics from ZooKeeper and opens their local partitions; loads users, virtual hosts and
     * permissions, then each virtual host's durable exchanges, queues and bindings.
     */
    public void start() {
        topics.start();
        access.start();
        vhosts.start(access.vhosts());
        access.addListener(new AccessListener() {
            @Override
            public void vhostDeleted(String vhost) {
                vhosts.deleted(vhost);
            }
        });
    }

    /** Announces this broker under {@code /brokers/ids/<id>} and joins the controller election. */
    public void register(BrokerRegistration registration) {
        metadata.registerBroker(registration);
        controller = new ControllerElection(metadata, settings.brokerId(), new ControllerListener() {
            @Override
            public void onBecomeController(int epoch) {
                LOG.info("Broker {} is the controller (epoch {})", settings.brokerId(), epoch);
            }

            @Override
            public void onResign() {
                LOG.info("Broker {} is no longer the controller", settings.brokerId());
            }
        });
        controller.start();
    }

    public BrokerSettings settings() { return settings; }
    public TopicManager topics() { return topics; }
    public LogManager logs() { return logs; }
    public ZkMetadataStore metadata() { return metadata; }
    public AccessControl access() { return access; }
    /** Memory and disk alarms, set by the server's resource monitor; protocols hold publishers back on them. */
    public ResourceAlarms alarms() { return alarms; }

    public VirtualHosts vhosts() { return vhosts; }

    /** Appends other protocols' messages to Kafka topics (x-kafka exchanges, MQTT's bridge). */
    public TopicAppender topicAppender() { return topicAppender; }
    public QueueManager queues() { return queues; }

    /**
     * MQTT's retained messages, in the compacted log {@value #RETAINED_LOG}; opened, and loaded into memory,
     * on first use (the MQTT front-end's start), so a broker without MQTT never creates the log.
     */
    public synchronized RetainedStore retained() {
        if (retained == null) {
            retained = RetainedStore.open(logs, RETAINED_LOG, TopicSyntax.MQTT, settings.defaultLogConfig(), codec);
        }
        return retained;
    }

    /**
     * The feeds that carry Kafka topics' records to other protocols (MQTT subscribers of a Kafka topic), their
     * positions in the log {@value TopicFeeds#POSITIONS_LOG}; opened on first use.
     */
    public synchronized TopicFeeds topicFeeds() {
        if (feeds == null) feeds = TopicFeeds.open(logs, settings.defaultLogConfig(), topics);
        return feeds;
    }

    /** Id of the current controller, or -1. */
    public int controllerId() { return controller == null ? -1 : controller.controllerId(); }

    /** Leaves the controller election and stops following access-control changes. */
    @Override
    public void close() {
        synchronized (this) {
            // First: a feed hands records to queues, which close below.
            if (feeds != null) feeds.close();
        }
        if (controller != null) controller.close();
        access.close();
        queues.close();
        synchronized (this) {
            if (retained != null) retained.close();
        }
    }
}
