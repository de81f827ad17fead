package io.wharf.broker.metadata;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.WatcherRemoveCuratorFramework;
import org.apache.curator.framework.api.CuratorWatcher;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Kafka's controller election. The broker whose session creates the EPHEMERAL {@code /controller} wins; in
 * the same ZooKeeper transaction it raises {@code /controller_epoch} by one, conditional on the version it
 * read, so every controller has a distinct, higher epoch and two brokers can never both win (see
 * {@link ControllerZNode} for the data). Everyone watches {@code /controller}: when it disappears (the
 * controller closed or its session expired) the election runs again.
 *
 * <p>A broker resigns when its session is lost (Curator's LOST) and runs the election again once Curator has
 * reconnected; a brief disconnection within the session keeps the role, as in Kafka. A {@code /controller}
 * owned by this broker's current session is recognised as its own, so re-running the election is
 * idempotent.
 *
 * <p>Thread-safe: every election step and every {@link ControllerListener} call runs on one thread of this
 * object; the getters read volatile state, which changes only after the listener has been told. A win in a
 * new term (another epoch or session) while still controller tells the listener the old term ended first.
 */
public final class ControllerElection implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ControllerElection.class);
    /** An election attempt lost to a concurrent change is retried this many times before waiting for a watch. */
    private static final int MAX_ATTEMPTS = 10;

    private final WatcherRemoveCuratorFramework client;
    private final String connectString;
    private final int brokerId;
    private final ControllerListener listener;
    private final ExecutorService events;
    private final CuratorWatcher controllerWatcher = this::onControllerEvent;
    private final ConnectionStateListener connectionListener = this::onConnectionState;

    private volatile boolean isController;
    private volatile int controllerId = -1;
    private volatile int controllerEpoch = ControllerZNode.INITIAL_EPOCH;
    /** The ZooKeeper session whose {@code /controller} made this broker controller (0 when it is not). */
    private volatile long controllerSession;
    private volatile boolean closed;

    public ControllerElection(ZkMetadataStore store, int brokerId, ControllerListener listener) {
        CuratorFramework curator = store.curator();
        this.client = curator.newWatcherRemoveCuratorFramework();
        this.connectString = store.connectString();
        this.brokerId = brokerId;
        this.listener = Objects.requireNonNull(listener, "listener");
        this.events = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "wharf-controller-election-" + brokerId);
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Joins the election and returns once the first round has been decided: {@link #isController()} and
     * {@link #controllerId()} then reflect ZooKeeper.
     *
     * @throws MetadataException when ZooKeeper cannot be reached
     */
    public void start() {
        client.getConnectionStateListenable().addListener(connectionListener);
        try {
            events.submit(() -> {
                elect();
                return null;
            }).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MetadataException("Interrupted during controller election in ZooKeeper at " + connectString, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof MetadataException metadata) {
                throw metadata;
            }
            throw new MetadataException("Controller election for broker " + brokerId + " in ZooKeeper at "
                    + connectString + " failed: " + cause, cause);
        }
    }

    public boolean isController() {
        return isController;
    }

    /** The broker id in {@code /controller}, -1 when there is none (or this broker's session was lost). */
    public int controllerId() {
        return controllerId;
    }

    /** The controller epoch last seen in {@code /controller_epoch}; 0 before any controller was elected. */
    public int controllerEpoch() {
        return controllerEpoch;
    }

    /** Leaves the election: deletes {@code /controller} if this broker holds it, so another takes over now. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        client.getConnectionStateListenable().removeListener(connectionListener);
        try {
            events.submit(this::resignAndRelease).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("Broker {} could not release {} cleanly; it goes when the session ends",
                    brokerId, KafkaZkPaths.CONTROLLER, e);
        } finally {
            events.shutdown();
            client.removeWatchers();
        }
    }

    /** One election round, on the events thread. */
    private void elect() throws Exception {
        for (int attempt = 1; attempt <= MAX_ATTEMPTS && !closed; attempt++) {
            Stat stat = new Stat();
            byte[] data;
            try {
                data = client.getData().storingStatIn(stat).usingWatcher(controllerWatcher)
                        .forPath(KafkaZkPaths.CONTROLLER);
            } catch (KeeperException.NoNodeException e) {
                // An exists-watch, so that another broker's win is noticed too.
                if (client.checkExists().usingWatcher(controllerWatcher).forPath(KafkaZkPaths.CONTROLLER) == null) {
                    tryToWin();
                }
                continue;
            }
            int winner = ControllerZNode.decodeBrokerId(data);
            long session = client.getZookeeperClient().getZooKeeper().getSessionId();
            int epoch = readEpoch();
            // The two reads are not one: /controller may have gone and come back (another broker's win, with a
            // higher epoch) in between. Only a node that is still the one read goes with the epoch read.
            Stat now = client.checkExists().forPath(KafkaZkPaths.CONTROLLER);
            if (now == null || now.getCzxid() != stat.getCzxid()) continue;
            if (winner == brokerId && stat.getEphemeralOwner() == session) {
                becomeController(epoch, session);
            } else {
                resign();
                controllerEpoch = epoch;
                controllerId = winner;
            }
            return;
        }
    }

    /** Creates /controller and raises /controller_epoch atomically; losing to another broker is not an error. */
    private void tryToWin() throws Exception {
        Stat epochStat = new Stat();
        int epoch;
        try {
            epoch = ControllerZNode.decodeEpoch(client.getData().storingStatIn(epochStat)
                    .forPath(KafkaZkPaths.CONTROLLER_EPOCH));
        } catch (KeeperException.NoNodeException e) {
            try {
                client.create().withMode(CreateMode.PERSISTENT).forPath(KafkaZkPaths.CONTROLLER_EPOCH,
                        ControllerZNode.encodeEpoch(ControllerZNode.INITIAL_EPOCH));
            } catch (KeeperException.NodeExistsException createdByAnother) {
                // fine: read it on the next attempt
            }
            return;
        }
        int newEpoch = epoch + 1;
        try {
            client.transaction().forOperations(
                    client.transactionOp().create().withMode(CreateMode.EPHEMERAL)
                            .forPath(KafkaZkPaths.CONTROLLER, ControllerZNode.encode(brokerId, System.currentTimeMillis())),
                    client.transactionOp().setData().withVersion(epochStat.getVersion())
                            .forPath(KafkaZkPaths.CONTROLLER_EPOCH, ControllerZNode.encodeEpoch(newEpoch)));
        } catch (KeeperException.NodeExistsException | KeeperException.BadVersionException lost) {
            log.debug("Broker {} lost the controller election: {}", brokerId, lost.getMessage());
            return;
        }
        log.info("Broker {} is the controller, epoch {}", brokerId, newEpoch);
        becomeController(newEpoch, currentSession());
    }

    private int readEpoch() throws Exception {
        try {
            return ControllerZNode.decodeEpoch(client.getData().forPath(KafkaZkPaths.CONTROLLER_EPOCH));
        } catch (KeeperException.NoNodeException e) {
            return ControllerZNode.INITIAL_EPOCH;
        }
    }

    /**
     * Records a win in {@code session}. A win with another epoch or session while still controller is a new
     * term — the old session expired and the election ran on the new one before the loss was processed — so
     * the listener hears the old term end first and never sees the epoch change silently.
     */
    private void becomeController(int epoch, long session) {
        if (isController && (epoch != controllerEpoch || session != controllerSession)) resign();
        if (!isController) {
            try {
                listener.onBecomeController(epoch);
            } catch (RuntimeException e) {
                log.error("Controller listener of broker {} failed on becoming controller", brokerId, e);
            }
        }
        // Published after the listener ran: whoever sees the new state sees a listener that knows it.
        controllerEpoch = epoch;
        controllerId = brokerId;
        controllerSession = session;
        isController = true;
    }

    private void resign() {
        if (isController) {
            log.info("Broker {} is no longer the controller", brokerId);
            try {
                listener.onResign();
            } catch (RuntimeException e) {
                log.error("Controller listener of broker {} failed on resigning", brokerId, e);
            }
            controllerSession = 0;
            isController = false;
        }
    }

    private Void resignAndRelease() throws Exception {
        if (isController) {
            Stat stat = client.checkExists().forPath(KafkaZkPaths.CONTROLLER);
            long session = client.getZookeeperClient().getZooKeeper().getSessionId();
            if (stat != null && stat.getEphemeralOwner() == session) {
                try {
                    client.delete().withVersion(stat.getVersion()).forPath(KafkaZkPaths.CONTROLLER);
                } catch (KeeperException.NoNodeException | KeeperException.BadVersionException gone) {
                    // already released
                }
            }
        }
        resign();
        controllerId = -1;
        return null;
    }

    private void onControllerEvent(WatchedEvent event) {
        // Session events (type None) reach path watchers too; the connection listener handles those.
        if (event.getType() != Watcher.Event.EventType.None) {
            submit(this::electLogged);
        }
    }

    private void onConnectionState(CuratorFramework ignored, ConnectionState state) {
        if (state == ConnectionState.LOST) {
            submit(() -> {
                // The loss of an older session than the one a re-election already won in changes nothing.
                if (isController && currentSession() == controllerSession) return;
                resign();
                controllerId = -1;
            });
        } else if (state == ConnectionState.RECONNECTED) {
            submit(this::electLogged);
        }
    }

    /** The session id of the client's current ZooKeeper handle (0 while it has none). */
    private long currentSession() {
        try {
            return client.getZookeeperClient().getZooKeeper().getSessionId();
        } catch (Exception e) {
            return 0;
        }
    }

    private void electLogged() {
        try {
            elect();
        } catch (Exception e) {
            // The next watch or reconnection runs the election again.
            log.warn("Controller election for broker {} failed: {}", brokerId, e.toString());
        }
    }

    private void submit(Runnable task) {
        if (closed) {
            return;
        }
        try {
            events.execute(task);
        } catch (RejectedExecutionException closing) {
            log.debug("Controller election of broker {} is closed; event dropped", brokerId);
        }
    }
}
