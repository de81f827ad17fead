package io.wharf.kafka.metadata;

import io.wharf.broker.metadata.BrokerRegistration;
import io.wharf.broker.metadata.Endpoint;
import io.wharf.broker.metadata.ZkMetadataStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The live brokers (registered under {@code /brokers/ids}) at one moment, as Metadata and DescribeCluster
 * report them: each broker by the endpoint of the listener the request came in on, so a client that
 * connected through one listener is sent on through the same one. Reads ZooKeeper once, when built;
 * immutable after that.
 */
public final class LiveBrokers {
    /** A live broker as a client of one listener dials it. */
    public record Node(int id, String host, int port, String rack) {
    }

    private final Map<Integer, BrokerRegistration> live;

    private LiveBrokers(Map<Integer, BrokerRegistration> live) {
        this.live = live;
    }

    /** Reads the registrations of every live broker (blocks on ZooKeeper). */
    public static LiveBrokers read(ZkMetadataStore metadata) {
        Map<Integer, BrokerRegistration> live = new TreeMap<>();
        for (int id : metadata.liveBrokerIds()) {
            // A broker may deregister between the listing and the read: then it is simply not live.
            metadata.broker(id).ifPresent(r -> live.put(id, r));
        }
        return new LiveBrokers(live);
    }

    public boolean isLive(int brokerId) {
        return live.containsKey(brokerId);
    }

    /** The broker's endpoint for {@code listenerName}, empty if it is not live or has no such listener. */
    public Optional<Node> node(int brokerId, String listenerName) {
        BrokerRegistration r = live.get(brokerId);
        if (r == null) return Optional.empty();
        return r.endpoint(listenerName).filter(Endpoint::isKafkaListener)
            .map(e -> new Node(brokerId, e.host(), e.port(), r.rack().orElse(null)));
    }

    /** Every live broker that has {@code listenerName}, by id. */
    public List<Node> nodes(String listenerName) {
        List<Node> nodes = new ArrayList<>();
        for (int id : live.keySet()) node(id, listenerName).ifPresent(nodes::add);
        return nodes;
    }
}
