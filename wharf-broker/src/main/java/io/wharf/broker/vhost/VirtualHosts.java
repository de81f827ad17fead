package io.wharf.broker.vhost;

import io.wharf.broker.bridge.TopicAppender;
import io.wharf.broker.queue.QueueManager;
import io.wharf.broker.queue.QueueName;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The virtual hosts this broker serves, each with its exchanges and queues. Which virtual hosts exist is
 * the access store's word (users, vhosts and permissions); this registry follows it: {@link #start} loads
 * the durable definitions of each and removes the storage of queues that are gone, {@link #added} and
 * {@link #deleted} follow later changes. Thread-safe.
 */
public final class VirtualHosts {
    private static final Logger LOG = LoggerFactory.getLogger(VirtualHosts.class);

    private final QueueManager storage;
    private final DefinitionStore store;
    private final TopicAppender topics;
    private final Map<String, VirtualHost> vhosts = new ConcurrentHashMap<>();

    public VirtualHosts(QueueManager storage, DefinitionStore store, TopicAppender topics) {
        this.storage = storage;
        this.store = store;
        this.topics = topics;
    }

    /** Loads every virtual host in {@code names} and deletes the logs of queues no virtual host holds. */
    public synchronized void start(Collection<String> names) {
        Set<QueueName> durable = new HashSet<>();
        for (String name : names) {
            VirtualHost v = new VirtualHost(name, storage, store, topics);
            durable.addAll(v.load());
            vhosts.put(name, v);
        }
        storage.deleteOrphans(durable);
        LOG.info("Loaded {} virtual host(s) with {} durable queue(s)", vhosts.size(), durable.size());
    }

    public Optional<VirtualHost> get(String name) { return Optional.ofNullable(vhosts.get(name)); }

    public List<VirtualHost> all() { return List.copyOf(vhosts.values()); }

    /** A virtual host was created. */
    public synchronized VirtualHost added(String name) {
        return vhosts.computeIfAbsent(name, n -> {
            VirtualHost v = new VirtualHost(n, storage, store, topics);
            v.load();
            return v;
        });
    }

    /** A virtual host was deleted: its queues and their messages go, and its definitions. */
    public synchronized void deleted(String name) {
        VirtualHost v = vhosts.remove(name);
        if (v == null) return;
        for (VirtualHost.LiveQueue q : v.queues()) storage.delete(q.queue());
        store.deleteVhost(name);
        LOG.info("Deleted virtual host '{}'", name);
    }
}
