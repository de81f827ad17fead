package io.wharf.e2e;

import static io.wharf.e2e.GroupTestSupport.consumer;
import static io.wharf.e2e.GroupTestSupport.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.broker.topic.PartitionId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Committed offsets with the real consumer: commitSync, commitAsync and auto-commit; a new member of the
 * group resumes exactly at the committed offsets, also after the broker restarted (the offsets are reloaded
 * from {@code __consumer_offsets}); a consumer without group management (assign) commits as generation -1;
 * a deleted group's offsets stay deleted after a restart (tombstones), and so do a deleted topic's.
 */
class OffsetCommitTest {
    private static final String TOPIC = "events";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);

    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perTest();

    @BeforeEach
    void start() throws Exception {
        GroupTestSupport.createTopic(broker.get(), TOPIC, 2);
        GroupTestSupport.produce(broker.get(), TOPIC, 2, 10);
    }

    /** Polls until {@code count} records arrived; fails after the wait. */
    private static List<ConsumerRecord<String, String>> pollRecords(KafkaConsumer<String, String> consumer, int count) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        waitUntil(count + " records arrive", () -> {
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            return records.size() >= count;
        }, records::size);
        return records;
    }

    private static Map<TopicPartition, Long> firstOffsets(List<ConsumerRecord<String, String>> records) {
        Map<TopicPartition, Long> first = new HashMap<>();
        for (ConsumerRecord<String, String> r : records) first.putIfAbsent(new TopicPartition(r.topic(), r.partition()), r.offset());
        return first;
    }

    /** Offsets alone: commits of consumed positions also carry the records' leader epoch. */
    private static Map<Object, Long> offsets(Map<?, ?> committed) {
        Map<Object, Long> offsets = new HashMap<>();
        committed.forEach((tp, o) -> offsets.put(tp, ((OffsetAndMetadata) o).offset()));
        return offsets;
    }

    private Map<TopicPartition, OffsetAndMetadata> groupOffsets(Admin admin, String group) throws Exception {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
    }

    @Test
    void aNewMemberResumesAtTheOffsetsCommittedWithCommitSync() {
        try (KafkaConsumer<String, String> first = consumer(broker.get(), "resume")) {
            first.subscribe(List.of(TOPIC));
            assertThat(pollRecords(first, 20)).hasSize(20);
            first.commitSync(Map.of(P0, new OffsetAndMetadata(4, "half-way"), P1, new OffsetAndMetadata(7)));
            assertThat(first.committed(Set.of(P0, P1))).containsEntry(P0, new OffsetAndMetadata(4, "half-way"))
                .containsEntry(P1, new OffsetAndMetadata(7, ""));
        }
        // Stored where Kafka would store it: partition abs(hash(group)) % offsets.topic.num.partitions (50).
        int expected = Utils.abs("resume".hashCode()) % 50;
        for (int p = 0; p < 50; p++) {
            long end = broker.server().broker().topics().partition(new PartitionId("__consumer_offsets", p)).orElseThrow()
                .logEndOffset();
            if (p == expected) assertThat(end).as("partition " + p).isGreaterThanOrEqualTo(2);
            else assertThat(end).as("partition " + p).isZero();
        }
        try (KafkaConsumer<String, String> second = consumer(broker.get(), "resume")) {
            second.subscribe(List.of(TOPIC));
            List<ConsumerRecord<String, String>> records = pollRecords(second, 9); // 6 from p0, 3 from p1
            assertThat(records).hasSize(9);
            assertThat(firstOffsets(records)).containsEntry(P0, 4L).containsEntry(P1, 7L);
        }
    }

    @Test
    void commitAsyncReportsToItsCallbackAndAutoCommitStoresPositions() throws Exception {
        try (KafkaConsumer<String, String> consumer = consumer(broker.get(), "async")) {
            consumer.subscribe(List.of(TOPIC));
            pollRecords(consumer, 20);
            AtomicReference<Object> outcome = new AtomicReference<>();
            consumer.commitAsync((offsets, exception) -> outcome.set(exception != null ? exception : offsets));
            waitUntil("the commit callback ran", () -> {
                consumer.poll(Duration.ofMillis(100));
                return outcome.get() != null;
            }, outcome::get);
            assertThat(outcome.get()).isInstanceOf(Map.class);
            assertThat(offsets((Map<?, ?>) outcome.get())).isEqualTo(Map.of(P0, 10L, P1, 10L));
            assertThat(offsets(consumer.committed(Set.of(P0, P1)))).isEqualTo(Map.of(P0, 10L, P1, 10L));
        }

        try (Admin admin = GroupTestSupport.admin(broker.get());
             KafkaConsumer<String, String> auto = consumer(broker.get(), "auto",
                 ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "true", ConsumerConfig.AUTO_COMMIT_INTERVAL_MS_CONFIG, "100")) {
            auto.subscribe(List.of(TOPIC));
            pollRecords(auto, 20);
            waitUntil("auto-commit stored the positions", () -> {
                auto.poll(Duration.ofMillis(100));
                try {
                    Map<TopicPartition, OffsetAndMetadata> committed = groupOffsets(admin, "auto");
                    return committed.size() == 2 && committed.values().stream().allMatch(o -> o.offset() == 10);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }, () -> "not yet");
        }
        try (KafkaConsumer<String, String> next = consumer(broker.get(), "auto")) {
            next.subscribe(List.of(TOPIC));
            waitUntil("the next member is assigned both partitions", () -> {
                assertThat(next.poll(Duration.ofMillis(100))).isEmpty(); // nothing left after the committed offsets
                return next.assignment().size() == 2;
            }, next::assignment);
            assertThat(next.position(P0)).isEqualTo(10);
            assertThat(next.position(P1)).isEqualTo(10);
        }
    }

    @Test
    void committedOffsetsSurviveARestart() throws Exception {
        try (KafkaConsumer<String, String> consumer = consumer(broker.get(), "durable")) {
            consumer.subscribe(List.of(TOPIC));
            pollRecords(consumer, 20);
            consumer.commitSync(Map.of(P0, new OffsetAndMetadata(3, "three"), P1, new OffsetAndMetadata(5)));
            consumer.commitSync(Map.of(P0, new OffsetAndMetadata(6, "six"))); // the later commit wins
        }
        broker.restart();
        try (Admin admin = GroupTestSupport.admin(broker.get())) {
            assertThat(groupOffsets(admin, "durable")).containsEntry(P0, new OffsetAndMetadata(6, "six"))
                .containsEntry(P1, new OffsetAndMetadata(5, "")).hasSize(2);
            // After a restart the group exists, with no members, through its offsets.
            assertThat(admin.listConsumerGroups().all().get(30, TimeUnit.SECONDS))
                .extracting(ConsumerGroupListing::groupId).contains("durable");
        }
        try (KafkaConsumer<String, String> consumer = consumer(broker.get(), "durable")) {
            consumer.subscribe(List.of(TOPIC));
            List<ConsumerRecord<String, String>> records = pollRecords(consumer, 9); // 4 from p0, 5 from p1
            assertThat(firstOffsets(records)).containsEntry(P0, 6L).containsEntry(P1, 5L);
            assertThat(records).hasSize(9);
        }
    }

    @Test
    void aConsumerWithoutGroupManagementCommitsAndTheGroupIsEmpty() throws Exception {
        try (KafkaConsumer<String, String> simple = consumer(broker.get(), "simple")) {
            simple.assign(List.of(P0, P1));
            pollRecords(simple, 20);
            simple.commitSync();
            assertThat(offsets(simple.committed(Set.of(P0, P1)))).isEqualTo(Map.of(P0, 10L, P1, 10L));
        }
        try (Admin admin = GroupTestSupport.admin(broker.get())) {
            ConsumerGroupListing listing = admin.listConsumerGroups().all().get(30, TimeUnit.SECONDS).stream()
                .filter(g -> g.groupId().equals("simple")).findFirst().orElseThrow();
            assertThat(listing.groupState()).contains(GroupState.EMPTY);
            assertThat(groupOffsets(admin, "simple")).hasSize(2);
        }
    }

    @Test
    void aDeletedGroupsOffsetsStayDeletedAfterARestart() throws Exception {
        try (KafkaConsumer<String, String> consumer = consumer(broker.get(), "doomed")) {
            consumer.assign(List.of(P0));
            consumer.commitSync(Map.of(P0, new OffsetAndMetadata(8)));
        }
        try (KafkaConsumer<String, String> consumer = consumer(broker.get(), "kept")) {
            consumer.assign(List.of(P0));
            consumer.commitSync(Map.of(P0, new OffsetAndMetadata(2)));
        }
        try (Admin admin = GroupTestSupport.admin(broker.get())) {
            admin.deleteConsumerGroups(List.of("doomed")).all().get(30, TimeUnit.SECONDS);
        }
        broker.restart();
        try (Admin admin = GroupTestSupport.admin(broker.get())) {
            assertThat(groupOffsets(admin, "doomed")).isEmpty();
            assertThat(groupOffsets(admin, "kept")).containsEntry(P0, new OffsetAndMetadata(2));
            assertThatThrownBy(() -> admin.deleteConsumerGroups(List.of("doomed")).all().get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(GroupIdNotFoundException.class);
        }
    }

    @Test
    void deletingATopicRemovesItsCommittedOffsets() throws Exception {
        GroupTestSupport.createTopic(broker.get(), "short-lived", 1);
        TopicPartition gone = new TopicPartition("short-lived", 0);
        try (KafkaConsumer<String, String> consumer = consumer(broker.get(), "watcher")) {
            consumer.assign(List.of(P0, gone));
            consumer.commitSync(Map.of(P0, new OffsetAndMetadata(3), gone, new OffsetAndMetadata(1)));
        }
        try (Admin admin = GroupTestSupport.admin(broker.get())) {
            assertThat(groupOffsets(admin, "watcher")).containsOnlyKeys(P0, gone);
            admin.deleteTopics(List.of("short-lived")).all().get(30, TimeUnit.SECONDS);
            waitUntil("the deleted topic's offsets are removed", () -> {
                try {
                    return !groupOffsets(admin, "watcher").containsKey(gone);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, () -> "still committed");
            assertThat(groupOffsets(admin, "watcher")).containsOnlyKeys(P0);
        }
        broker.restart();
        try (Admin admin = GroupTestSupport.admin(broker.get())) {
            assertThat(groupOffsets(admin, "watcher")).as("after a restart").containsOnlyKeys(P0);
        }
    }
}
