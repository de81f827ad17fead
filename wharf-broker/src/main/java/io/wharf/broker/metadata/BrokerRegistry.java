package io.wharf.broker.metadata;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Live brokers under {@code /brokers/ids}: each broker owns the EPHEMERAL znode {@code /brokers/ids/<id>}
 * (JSON in {@link BrokerIdZNode}) for as long as its ZooKeeper session lives.
 *
 * <p>Registration first creates the znode itself, so that a broker id held by another live session is
 * refused (as Kafka does). The znode is then handed to a Curator {@link PersistentNode}, which creates it
 * again whenever it disappears, in particular after the session expired and Curator reconnected with a new
 * session. Invariant: this registry never starts a PersistentNode on a znode owned by another session, since
 * PersistentNode would overwrite that znode's data and delete it on close.
 *
 * <p>Thread-safe.
 */
final class BrokerRegistry implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BrokerRegistry.class);

    private final CuratorFramework client;
    private final Duration createTimeout;
    private final Duration staleOwnerWait;
    private final Map<Integer, PersistentNode> registrations = new ConcurrentHashMap<>();

    /**
     * @param staleOwnerWait how long to wait for a znode owned by another session to go away before
     *                       refusing: a broker restarted right after a crash finds its predecessor's znode
     *                       until that session times out
     */
    BrokerRegistry(CuratorFramework client, Duration createTimeout, Duration staleOwnerWait) {
        this.client = client;
        this.createTimeout = createTimeout;
        this.staleOwnerWait = staleOwnerWait;
    }

    void register(BrokerRegistration registration) {
        int id = registration.brokerId();
        String path = KafkaZkPaths.brokerId(id);
        if (registrations.containsKey(id)) {
            throw new IllegalStateException("broker.id " + id + " is already registered by this store at " + path);
        }
        byte[] data = BrokerIdZNode.encode(registration, System.currentTimeMillis());
        ZkCalls.run("Cannot register broker " + id + " at " + path, () -> {
            createOwned(id, path, data);
            PersistentNode node = new PersistentNode(client, CreateMode.EPHEMERAL, false, path, data);
            if (registrations.putIfAbsent(id, node) != null) {
                throw new IllegalStateException("broker.id " + id + " is already registered by this store at " + path);
            }
            node.start();
            if (!node.waitForInitialCreate(createTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                registrations.remove(id);
                node.close();
                throw new MetadataException("Broker " + id + " not registered at " + path + " within "
                        + createTimeout.toMillis() + " ms");
            }
        });
        log.info("Registered broker {} at {}: {}", id, path, ZkJson.text(data));
    }

    /** Creates {@code path} as an EPHEMERAL of this session, or finds it already owned by this session. */
    private void createOwned(int id, String path, byte[] data) throws Exception {
        long deadline = System.nanoTime() + staleOwnerWait.toNanos();
        boolean waitLogged = false;
        while (true) {
            try {
                client.create().withMode(CreateMode.EPHEMERAL).forPath(path, data);
                return;
            } catch (KeeperException.NodeExistsException e) {
                Stat stat = client.checkExists().forPath(path);
                if (stat == null) {
                    continue; // the other owner went away between the two calls
                }
                long session = client.getZookeeperClient().getZooKeeper().getSessionId();
                if (stat.getEphemeralOwner() != session && System.nanoTime() < deadline) {
                    if (!waitLogged) {
                        log.warn("{} is owned by ZooKeeper session 0x{}, perhaps a previous run of this broker that "
                            + "crashed; waiting up to {} ms for that session to expire", path,
                            Long.toHexString(stat.getEphemeralOwner()), staleOwnerWait.toMillis());
                        waitLogged = true;
                    }
                    Thread.sleep(200);
                    continue;
                }
                if (stat.getEphemeralOwner() != session) {
                    throw new MetadataException("broker.id " + id + " is already registered by another broker ("
                            + path + " is owned by ZooKeeper session 0x" + Long.toHexString(stat.getEphemeralOwner())
                            + ")");
                }
                return;
            }
        }
    }

    List<Integer> liveBrokerIds() {
        List<String> children = ZkCalls.call("Cannot list " + KafkaZkPaths.BROKER_IDS,
                () -> client.getChildren().forPath(KafkaZkPaths.BROKER_IDS));
        List<Integer> ids = new ArrayList<>(children.size());
        for (String child : children) {
            try {
                ids.add(Integer.parseInt(child));
            } catch (NumberFormatException e) {
                log.warn("Ignoring {}/{}: not a broker id", KafkaZkPaths.BROKER_IDS, child);
            }
        }
        ids.sort(null);
        return List.copyOf(ids);
    }

    Optional<BrokerRegistration> broker(int id) {
        String path = KafkaZkPaths.brokerId(id);
        return ZkCalls.call("Cannot read broker " + id + " at " + path, () -> {
            try {
                return Optional.of(BrokerIdZNode.decode(id, client.getData().forPath(path)));
            } catch (KeeperException.NoNodeException e) {
                return Optional.empty();
            }
        });
    }

    /** Deletes this store's registrations; other brokers see these ids leave at once. */
    @Override
    public void close() {
        for (Map.Entry<Integer, PersistentNode> entry : registrations.entrySet()) {
            try {
                entry.getValue().close();
            } catch (IOException | RuntimeException e) {
                log.warn("Cannot remove registration of broker {}; it goes when the session ends", entry.getKey(), e);
            }
        }
        registrations.clear();
    }
}
