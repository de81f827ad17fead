package io.wharf.broker.metadata;

import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddedZooKeeperTest {

    private static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress("127.0.0.1", 0);

    @TempDir
    Path dataDir;

    @Test
    void servesClientsOnAnEphemeralPortWithDataUnderTheDataDir() throws Exception {
        try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start(dataDir, ANY_LOOPBACK_PORT)) {
            assertThat(zk.port()).isPositive();
            assertThat(zk.connectString()).isEqualTo("127.0.0.1:" + zk.port());
            ZooKeeper client = ZkTestSupport.rawClient(zk.connectString());
            try {
                client.create("/hello", "world".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        CreateMode.PERSISTENT);
                assertThat(ZkTestSupport.rawText(client, "/hello")).isEqualTo("world");
            } finally {
                client.close();
            }
            assertThat(dataDir.resolve("version-2")).isDirectory();
            assertThat(System.getProperty("zookeeper.admin.enableServer")).isEqualTo("false");
        }
    }

    @Test
    void keepsZnodesAcrossARestartOnTheSameDataDir() throws Exception {
        try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start(dataDir, ANY_LOOPBACK_PORT)) {
            ZooKeeper client = ZkTestSupport.rawClient(zk.connectString());
            client.create("/kept", "1".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                    CreateMode.PERSISTENT);
            client.close();
        }
        try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start(dataDir, ANY_LOOPBACK_PORT)) {
            ZooKeeper client = ZkTestSupport.rawClient(zk.connectString());
            try {
                assertThat(ZkTestSupport.rawText(client, "/kept")).isEqualTo("1");
            } finally {
                client.close();
            }
        }
    }

    @Test
    void portInUseFailsNamingTheAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> EmbeddedZooKeeper.start(dataDir, new InetSocketAddress("127.0.0.1", port)))
                    .isInstanceOf(MetadataException.class)
                    .hasMessageContaining("127.0.0.1:" + port);
        }
        // Nothing was left bound or open: a server starts on the same directory afterwards.
        EmbeddedZooKeeper.start(dataDir, ANY_LOOPBACK_PORT).close();
    }

    @Test
    void dataDirThatIsAFileFailsNamingTheDirectory() throws Exception {
        Path file = Files.writeString(dataDir.resolve("not-a-dir"), "x");
        Path wanted = file.resolve("zookeeper");
        assertThatThrownBy(() -> EmbeddedZooKeeper.start(wanted, ANY_LOOPBACK_PORT))
                .isInstanceOf(MetadataException.class)
                .hasMessageContaining(wanted.toString());
    }

    @Test
    void closeIsIdempotentAndFreesThePort() throws Exception {
        EmbeddedZooKeeper zk = EmbeddedZooKeeper.start(dataDir, ANY_LOOPBACK_PORT);
        int port = zk.port();
        zk.close();
        zk.close();
        try (ServerSocket again = new ServerSocket()) {
            again.setReuseAddress(true);
            again.bind(new InetSocketAddress("127.0.0.1", port));
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }
}
