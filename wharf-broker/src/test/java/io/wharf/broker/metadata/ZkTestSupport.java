package io.wharf.broker.metadata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Helpers for tests against a real ZooKeeper: polling waits, a raw client, and real session expiry. */
final class ZkTestSupport {

    static final Duration TIMEOUT = Duration.ofSeconds(20);
    static final Duration SESSION_TIMEOUT = Duration.ofSeconds(10);
    static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private ZkTestSupport() {
    }

    /** Polls {@code condition} every 20 ms until it holds, failing after {@link #TIMEOUT}. */
    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + TIMEOUT.toSeconds() + " s waiting until " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted waiting until " + what, e);
            }
        }
    }

    static ZkMetadataStore startedStore(EmbeddedZooKeeper zk) {
        ZkMetadataStore store = new ZkMetadataStore(zk.connectString(), SESSION_TIMEOUT, CONNECTION_TIMEOUT);
        store.start();
        return store;
    }

    /** A plain ZooKeeper client, connected when returned. */
    static ZooKeeper rawClient(String connectString) throws IOException, InterruptedException {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connectString, (int) SESSION_TIMEOUT.toMillis(), event -> {
            if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        if (!connected.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            zk.close();
            throw new AssertionError("Raw client did not connect to " + connectString);
        }
        return zk;
    }

    static String rawText(ZooKeeper zk, String path) throws Exception {
        return new String(zk.getData(path, false, new Stat()), StandardCharsets.UTF_8);
    }

    static JsonNode rawJson(ZooKeeper zk, String path) throws Exception {
        return JSON.readTree(zk.getData(path, false, new Stat()));
    }

    static JsonNode json(String text) throws IOException {
        return JSON.readTree(text);
    }

    /**
     * Expires the session of {@code client} for real: a second client joins the same session (same id and
     * password) and closes it, so the server ends the session and deletes its ephemeral znodes; the first
     * client is then told its session expired when it reconnects.
     */
    static void expireSession(CuratorFramework client, String connectString) throws Exception {
        ZooKeeper victim = client.getZookeeperClient().getZooKeeper();
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper twin = new ZooKeeper(connectString, (int) SESSION_TIMEOUT.toMillis(), event -> {
            if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        }, victim.getSessionId(), victim.getSessionPasswd());
        try {
            if (!connected.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("Could not join session 0x" + Long.toHexString(victim.getSessionId()));
            }
        } finally {
            twin.close();
        }
    }
}
