package io.wharf.broker.metadata;

import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Wharf's own znodes against a real embedded ZooKeeper. */
class WharfZNodesTest {

    @TempDir
    Path dataDir;
    private EmbeddedZooKeeper zk;
    private ZkMetadataStore store;
    private ZkMetadataStore other;
    private WharfZNodes nodes;

    @BeforeEach
    void start() {
        zk = EmbeddedZooKeeper.start(dataDir, new InetSocketAddress("127.0.0.1", 0));
        store = ZkTestSupport.startedStore(zk);
        other = ZkTestSupport.startedStore(zk);
        nodes = store.wharfNodes();
    }

    @AfterEach
    void stop() {
        other.close();
        store.close();
        zk.close();
    }

    @Test
    void theStoreCreatesTheRootAndHandsOutOneInstance() throws Exception {
        assertThat(store.wharfNodes()).isSameAs(nodes);
        ZooKeeper raw = ZkTestSupport.rawClient(zk.connectString());
        try {
            assertThat(raw.exists("/wharf", false)).isNotNull();
        } finally {
            raw.close();
        }
        assertThat(nodes.children("")).isEmpty();
    }

    @Test
    void putGetCreateDeleteChildren() {
        assertThat(nodes.get("users/alice")).isEmpty();
        assertThat(nodes.children("users")).isEmpty();

        nodes.put("users/alice", bytes("one"));
        assertThat(nodes.get("users/alice")).map(WharfZNodesTest::text).contains("one");
        nodes.put("users/alice", bytes("two"));
        assertThat(nodes.get("users/alice")).map(WharfZNodesTest::text).contains("two");
        assertThat(other.wharfNodes().get("users/alice")).map(WharfZNodesTest::text).contains("two");

        assertThat(nodes.create("users/bob", bytes("b"))).isTrue();
        assertThat(nodes.create("users/bob", bytes("again"))).isFalse();
        assertThat(nodes.get("users/bob")).map(WharfZNodesTest::text).contains("b");
        assertThat(nodes.children("users")).containsExactly("alice", "bob");
        assertThat(nodes.children("")).containsExactly("users");

        nodes.put("permissions/v/alice", bytes("p"));
        nodes.put("permissions/v/bob", bytes("p"));
        assertThat(nodes.delete("permissions/v")).isTrue();
        assertThat(nodes.children("permissions")).isEmpty();
        assertThat(nodes.delete("permissions/v")).isFalse();
        assertThat(nodes.get("permissions/v/alice")).isEmpty();
    }

    @Test
    void badPathsAreRefused() {
        assertThatThrownBy(() -> nodes.get("/users")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("relative");
        assertThatThrownBy(() -> nodes.get("users/")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> nodes.get("users//x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("/wharf/users//x");
        assertThatThrownBy(() -> nodes.put("users/..", bytes("x"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> nodes.delete("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void segmentsRoundTripEveryName() {
        for (String name : List.of("/", "/shop", "a/b/c", ".", "..", "...", "amq.gen-x", "with space", "plus+sign",
                "per%cent", "日本語", "emoji \uD83D\uDE00", "tab\tnewline\n", "*_-~")) {
            String segment = WharfZNodes.encodeSegment(name);
            assertThat(segment).as(name).doesNotContain("/").isNotIn(".", "..");
            assertThat(WharfZNodes.decodeSegment(segment)).isEqualTo(name);
            nodes.put("names/" + segment, bytes(name));
        }
        assertThat(nodes.children("names").stream().map(WharfZNodes::decodeSegment))
                .contains("/shop", "..", "日本語");
        assertThat(WharfZNodes.encodeSegment("/")).isEqualTo("%2F");
        assertThatThrownBy(() -> WharfZNodes.encodeSegment("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WharfZNodes.decodeSegment("%zz")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aWatchSeesChangesAtAndBelowItsPathFromAnotherSession() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        AutoCloseable watch = nodes.watch("permissions", () -> {
            threads.add(Thread.currentThread().getName());
            runs.incrementAndGet();
        });
        ZkTestSupport.await("the watch ran once when loaded", () -> runs.get() >= 1);

        WharfZNodes writer = other.wharfNodes();
        int before = runs.get();
        writer.put("permissions", bytes(""));
        ZkTestSupport.await("the watch saw the path created", () -> runs.get() > before);

        int beforeChild = runs.get();
        writer.put("permissions/%2F/guest", bytes("p"));
        ZkTestSupport.await("the watch saw a grandchild created", () -> runs.get() > beforeChild);

        int beforeChange = runs.get();
        writer.put("permissions/%2F/guest", bytes("q"));
        ZkTestSupport.await("the watch saw the data change", () -> runs.get() > beforeChange);

        int beforeDelete = runs.get();
        writer.delete("permissions/%2F");
        ZkTestSupport.await("the watch saw the delete", () -> runs.get() > beforeDelete);

        assertThat(threads).doesNotContain(Thread.currentThread().getName());

        watch.close();
        // After close, a change elsewhere in the subtree must not run it; a sibling watch still open proves the
        // change was delivered to this session.
        AtomicInteger sibling = new AtomicInteger();
        try (AutoCloseable siblingWatch = nodes.watch("permissions", sibling::incrementAndGet)) {
            ZkTestSupport.await("the sibling watch loaded", () -> sibling.get() >= 1);
            int closedRuns = runs.get();
            int siblingBefore = sibling.get();
            writer.put("permissions/x", bytes("x"));
            ZkTestSupport.await("the sibling watch saw the change", () -> sibling.get() > siblingBefore);
            assertThat(runs.get()).isEqualTo(closedRuns);
        }
    }

    @Test
    void aWatchOnAnotherPathIsNotRun() throws Exception {
        AtomicInteger users = new AtomicInteger();
        AtomicInteger vhosts = new AtomicInteger();
        try (AutoCloseable u = nodes.watch("users", users::incrementAndGet);
             AutoCloseable v = nodes.watch("vhosts", vhosts::incrementAndGet)) {
            ZkTestSupport.await("both watches loaded", () -> users.get() >= 1 && vhosts.get() >= 1);
            int usersBefore = users.get();
            int vhostsBefore = vhosts.get();
            other.wharfNodes().put("vhosts/a", bytes("a"));
            ZkTestSupport.await("the vhosts watch saw it", () -> vhosts.get() > vhostsBefore);
            assertThat(users.get()).isEqualTo(usersBefore);
        }
    }

    @Test
    void anUnreachableZooKeeperIsAMetadataException() {
        ZkMetadataStore lost = new ZkMetadataStore(zk.connectString(), ZkTestSupport.SESSION_TIMEOUT,
                Duration.ofMillis(500));
        lost.start();
        try {
            zk.close();
            assertThatThrownBy(() -> lost.wharfNodes().get("users/alice"))
                    .isInstanceOf(MetadataException.class)
                    .hasMessageContaining("Cannot read /wharf/users/alice in ZooKeeper at " + zk.connectString());
        } finally {
            lost.close();
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] data) {
        return new String(data, StandardCharsets.UTF_8);
    }
}
