package io.wharf.broker.metadata;

import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ZkMetadataStoreConnectionTest {

    @TempDir
    Path dataDir;

    @Test
    void startCreatesKafkasPersistentPaths() throws Exception {
        try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start(dataDir, new InetSocketAddress("127.0.0.1", 0));
             ZkMetadataStore store = ZkTestSupport.startedStore(zk)) {
            ZooKeeper raw = ZkTestSupport.rawClient(zk.connectString());
            try {
                for (String path : new String[] {"/brokers/ids", "/brokers/topics", "/config/topics",
                        "/admin/delete_topics"}) {
                    assertThat(raw.exists(path, false)).as(path).isNotNull();
                    assertThat(raw.exists(path, false).getEphemeralOwner()).as(path).isZero();
                    assertThat(raw.getData(path, false, null)).as(path).isEmpty();
                }
            } finally {
                raw.close();
            }
            assertThat(store.liveBrokerIds()).isEmpty();
            assertThat(store.topicNames()).isEmpty();
        }
        // A second start against existing paths is fine.
        try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start(dataDir, new InetSocketAddress("127.0.0.1", 0));
             ZkMetadataStore store = ZkTestSupport.startedStore(zk)) {
            assertThat(store.topicNames()).isEmpty();
        }
    }

    @Test
    void unreachableZooKeeperFailsWithinTheConnectionTimeout() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = probe.getLocalPort();
        }
        String connectString = "127.0.0.1:" + port;
        ZkMetadataStore store = new ZkMetadataStore(connectString, Duration.ofSeconds(6), Duration.ofMillis(1000));
        long started = System.nanoTime();
        assertThatThrownBy(store::start)
                .isInstanceOf(MetadataException.class)
                .hasMessage("Cannot reach ZooKeeper at " + connectString + " within 1000 ms");
        long elapsedMs = Duration.ofNanos(System.nanoTime() - started).toMillis();
        assertThat(elapsedMs).isBetween(900L, 4000L);
        store.close();
    }
}
