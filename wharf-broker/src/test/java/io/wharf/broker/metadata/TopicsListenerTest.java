package io.wharf.broker.metadata;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** A broker that re-reads topic metadata whenever it is told of a change ends up with the current view. */
class TopicsListenerTest {

    /** What the listening broker last read. */
    private record View(Optional<TopicMetadata> topic, Optional<PartitionState> partition0) {
    }

    @TempDir
    Path dataDir;
    private EmbeddedZooKeeper zk;
    private ZkMetadataStore store;
    private ZkMetadataStore writer;
    private final AtomicReference<View> view = new AtomicReference<>();
    private final Set<String> threads = ConcurrentHashMap.newKeySet();
    private final Runnable refresh = () -> {
        threads.add(Thread.currentThread().getName());
        view.set(new View(store.topic("orders"), store.partitionState("orders", 0)));
    };

    @BeforeEach
    void start() {
        zk = EmbeddedZooKeeper.start(dataDir, new InetSocketAddress("127.0.0.1", 0));
        store = ZkTestSupport.startedStore(zk);
        writer = ZkTestSupport.startedStore(zk);
    }

    @AfterEach
    void stop() {
        writer.close();
        store.close();
        zk.close();
    }

    @Test
    void aRefreshingListenerFollowsEveryKindOfTopicChange() {
        store.addTopicsListener(refresh);
        awaitView(new View(Optional.empty(), Optional.empty()));

        TopicMetadata created = writer.createTopic("orders", Map.of(0, List.of(1)), Map.of());
        awaitView(new View(Optional.of(created), Optional.empty()));

        writer.setTopicConfigs("orders", Map.of("retention.ms", "5"));
        TopicMetadata configured = writer.topic("orders").orElseThrow();
        assertThat(configured.configs()).containsEntry("retention.ms", "5");
        awaitView(new View(Optional.of(configured), Optional.empty()));

        writer.addPartitions("orders", Map.of(0, List.of(1), 1, List.of(1)));
        TopicMetadata grown = writer.topic("orders").orElseThrow();
        awaitView(new View(Optional.of(grown), Optional.empty()));

        PartitionState state = new PartitionState(1, 0, List.of(1), 1);
        writer.setPartitionState("orders", 0, state);
        awaitView(new View(Optional.of(grown), Optional.of(state)));

        writer.deleteTopic("orders");
        awaitView(new View(Optional.empty(), Optional.empty()));

        assertThat(threads).isNotEmpty().doesNotContain(Thread.currentThread().getName());
    }

    @Test
    void aRemovedListenerIsNoLongerRun() {
        AtomicInteger removedRuns = new AtomicInteger();
        Runnable removed = removedRuns::incrementAndGet;
        store.addTopicsListener(removed);
        store.addTopicsListener(refresh);
        awaitView(new View(Optional.empty(), Optional.empty()));
        assertThat(removedRuns.get()).isPositive();

        store.removeTopicsListener(removed);
        // Once a refresh has seen a change made after the removal, every run that still knew the removed
        // listener is over (runs are sequential).
        TopicMetadata created = writer.createTopic("orders", Map.of(0, List.of(1)), Map.of());
        awaitView(new View(Optional.of(created), Optional.empty()));
        int before = removedRuns.get();

        writer.setTopicConfigs("orders", Map.of("retention.ms", "5"));
        awaitView(new View(writer.topic("orders"), Optional.empty()));

        assertThat(removedRuns.get()).isEqualTo(before);
    }

    private void awaitView(View expected) {
        ZkTestSupport.await("the listener read " + expected, () -> expected.equals(view.get()));
    }
}
