package io.wharf.e2e;

import static io.wharf.e2e.ProduceFetchSupport.producer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Share groups (KIP-932) with the real {@code KafkaShareConsumer}: records of one partition shared among
 * consumers, each delivered to one of them; implicit and explicit acknowledgement (accept, release, reject);
 * delivery counts; records coming back when a lock expires; archived at the delivery count limit; and the
 * delivery state surviving a broker restart.
 */
class ShareGroupTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perClass("group.share.auto.offset.reset", "earliest");

    static KafkaShareConsumer<String, String> shareConsumer(WharfTestBroker target, String group, String... overrides) {
        Properties p = target.clientProperties();
        p.put("group.id", group);
        for (int i = 0; i + 1 < overrides.length; i += 2) p.put(overrides[i], overrides[i + 1]);
        return new KafkaShareConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }

    static void createTopic(WharfTestBroker target, String topic, int partitions) throws Exception {
        try (Admin admin = Admin.create(target.clientProperties())) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        }
    }

    static void produce(WharfTestBroker target, String topic, int from, int count) throws Exception {
        try (KafkaProducer<String, String> producer = producer(target)) {
            for (int i = from; i < from + count; i++) producer.send(new ProducerRecord<>(topic, 0, "k" + i, "v" + i)).get();
        }
    }

    /** Polls until {@code count} records arrived (implicit mode acknowledges each batch at the next poll). */
    static List<ConsumerRecord<String, String>> pollUntil(KafkaShareConsumer<String, String> consumer, int count) {
        List<ConsumerRecord<String, String>> got = new ArrayList<>();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (got.size() < count && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(got::add);
        }
        assertEquals(count, got.size(), "records received: " + values(got));
        return got;
    }

    static List<String> values(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(ConsumerRecord::value).toList();
    }

    /** Members of a share group; 0 while it does not exist yet. */
    /** The group's description, or null while the broker does not know it (GROUP_ID_NOT_FOUND). */
    static ShareGroupDescription describeIfExists(Admin admin, String group) throws Exception {
        try {
            return admin.describeShareGroups(List.of(group)).describedGroups().get(group).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) return null;
            throw e;
        }
    }

    static int memberCount(Admin admin, String group) throws Exception {
        ShareGroupDescription description = describeIfExists(admin, group);
        return description == null ? 0 : description.members().size();
    }

    static Map<TopicPartition, SharePartitionOffsetInfo> offsets(WharfTestBroker target, String group, String topic)
        throws Exception {
        try (Admin admin = Admin.create(target.clientProperties())) {
            return admin.listShareGroupOffsets(Map.of(group, new ListShareGroupOffsetsSpec()
                .topicPartitions(List.of(new TopicPartition(topic, 0))))).partitionsToOffsetInfo(group).get();
        }
    }

    @Test
    void implicitAcknowledgementDeliversEveryRecordOnceInOrder() throws Exception {
        createTopic(broker.get(), "share-implicit", 1);
        produce(broker.get(), "share-implicit", 0, 10);
        try (KafkaShareConsumer<String, String> consumer = shareConsumer(broker.get(), "g-implicit")) {
            consumer.subscribe(List.of("share-implicit"));
            List<ConsumerRecord<String, String>> got = pollUntil(consumer, 10);
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 10; i++) expected.add("v" + i);
            assertEquals(expected, values(got));
            for (ConsumerRecord<String, String> r : got) assertEquals(Optional.of((short) 1), r.deliveryCount());
            // The acknowledgements of the last batch go with the next poll (or the close).
            consumer.poll(Duration.ofMillis(200));
        }
        SharePartitionOffsetInfo info = offsets(broker.get(), "g-implicit", "share-implicit").get(new TopicPartition("share-implicit", 0));
        assertEquals(10, info.startOffset());
        assertEquals(Optional.of(0L), info.lag());

        // Accepted records are not delivered to the group again; new ones are.
        produce(broker.get(), "share-implicit", 10, 2);
        try (KafkaShareConsumer<String, String> consumer = shareConsumer(broker.get(), "g-implicit")) {
            consumer.subscribe(List.of("share-implicit"));
            assertEquals(List.of("v10", "v11"), values(pollUntil(consumer, 2)));
        }
    }

    @Test
    void twoConsumersShareOnePartitionWithoutDuplicates() throws Exception {
        createTopic(broker.get(), "share-two", 1);
        int total = 400;
        Map<String, String> receivedBy = new ConcurrentHashMap<>();
        List<String> duplicates = Collections.synchronizedList(new ArrayList<>());
        Map<String, Integer> perConsumer = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (String name : List.of("a", "b")) {
                runs.add(pool.submit(() -> {
                    try (KafkaShareConsumer<String, String> consumer = shareConsumer(broker.get(), "g-two",
                        "max.poll.records", "20")) {
                        consumer.subscribe(List.of("share-two"));
                        while (!stop.get()) {
                            ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
                            for (ConsumerRecord<String, String> r : records) {
                                if (receivedBy.putIfAbsent(r.value(), name) != null) duplicates.add(r.value());
                                perConsumer.merge(name, 1, Integer::sum);
                            }
                            // Implicit mode accepts a batch at the next poll or commit; a consumer that stopped
                            // without either would have its last batch released to the other one.
                            if (!records.isEmpty()) consumer.commitSync();
                            if (receivedBy.size() >= total) stop.set(true);
                        }
                    }
                    return null;
                }));
            }
            // Records go in once both members are in the group, so that both take part.
            try (Admin admin = Admin.create(broker.clientProperties())) {
                long deadline = System.nanoTime() + TIMEOUT.toNanos();
                while (memberCount(admin, "g-two") < 2) {
                    assertTrue(System.nanoTime() < deadline, "the two consumers did not join");
                    Thread.onSpinWait();
                }
            }
            produce(broker.get(), "share-two", 0, total);
            for (Future<?> run : runs) run.get(60, TimeUnit.SECONDS);
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
        assertEquals(total, receivedBy.size());
        assertEquals(List.of(), duplicates);
        // Both members took part: records of one partition are shared, not owned by one member.
        assertEquals(Set.of("a", "b"), perConsumer.keySet(), "records per consumer: " + perConsumer);
    }

    @Test
    void releasedRecordIsDeliveredAgainAndRejectedOneNever() throws Exception {
        createTopic(broker.get(), "share-explicit", 1);
        produce(broker.get(), "share-explicit", 0, 3);
        try (KafkaShareConsumer<String, String> consumer = shareConsumer(broker.get(), "g-explicit",
            "share.acknowledgement.mode", "explicit")) {
            consumer.subscribe(List.of("share-explicit"));
            List<ConsumerRecord<String, String>> first = pollUntil(consumer, 3);
            assertEquals(List.of("v0", "v1", "v2"), values(first));
            consumer.acknowledge(first.get(0), AcknowledgeType.REJECT);
            consumer.acknowledge(first.get(1), AcknowledgeType.RELEASE);
            consumer.acknowledge(first.get(2), AcknowledgeType.ACCEPT);
            Map<?, Optional<org.apache.kafka.common.KafkaException>> results = consumer.commitSync();
            results.values().forEach(e -> assertTrue(e.isEmpty(), "acknowledgement failed: " + e));

            List<ConsumerRecord<String, String>> again = pollUntil(consumer, 1);
            assertEquals("v1", again.get(0).value());
            assertEquals(1L, again.get(0).offset());
            assertEquals(Optional.of((short) 2), again.get(0).deliveryCount());
            consumer.acknowledge(again.get(0), AcknowledgeType.ACCEPT);
            consumer.commitSync();
        }
        SharePartitionOffsetInfo info = offsets(broker.get(), "g-explicit", "share-explicit").get(new TopicPartition("share-explicit", 0));
        assertEquals(3, info.startOffset());
    }

    @Test
    void adminAndToolsSeeTheShareGroup() throws Exception {
        createTopic(broker.get(), "share-admin", 2);
        try (KafkaShareConsumer<String, String> consumer = shareConsumer(broker.get(), "g-admin");
             Admin admin = Admin.create(broker.clientProperties())) {
            consumer.subscribe(List.of("share-admin"));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            ShareGroupDescription description = null;
            do {
                consumer.poll(Duration.ofMillis(100));
                description = describeIfExists(admin, "g-admin");
            } while ((description == null || description.members().isEmpty()) && System.nanoTime() < deadline);
            assertNotNull(description, "the share group never appeared");
            assertEquals(1, description.members().size());
            assertEquals(Set.of(new TopicPartition("share-admin", 0), new TopicPartition("share-admin", 1)),
                description.members().iterator().next().assignment().topicPartitions());
            assertEquals("Stable", description.groupState().toString());

            Set<String> shareGroups = new TreeSet<>();
            for (GroupListing g : admin.listGroups(new ListGroupsOptions().withTypes(Set.of(GroupType.SHARE))).all().get()) {
                shareGroups.add(g.groupId());
            }
            assertTrue(shareGroups.contains("g-admin"), "share groups listed: " + shareGroups);

            KafkaTool.Result list = KafkaTool.run(broker.dir(), "org.apache.kafka.tools.consumer.group.ShareGroupCommand", null,
                "--bootstrap-server", broker.bootstrapServers(), "--list");
            assertEquals(0, list.exit(), list.out());
            assertTrue(list.out().lines().anyMatch("g-admin"::equals), list.out());
            KafkaTool.Result members = KafkaTool.run(broker.dir(), "org.apache.kafka.tools.consumer.group.ShareGroupCommand", null,
                "--bootstrap-server", broker.bootstrapServers(), "--describe", "--group", "g-admin", "--members");
            assertEquals(0, members.exit(), members.out());
            assertTrue(members.out().contains("share-admin:0,1"), members.out());
            KafkaTool.Result offsets = KafkaTool.run(broker.dir(), "org.apache.kafka.tools.consumer.group.ShareGroupCommand", null,
                "--bootstrap-server", broker.bootstrapServers(), "--describe", "--group", "g-admin");
            assertEquals(0, offsets.exit(), offsets.out());
            assertTrue(offsets.out().lines().anyMatch(l -> l.matches("g-admin\\s+share-admin\\s+0\\s+0\\s+.*")), offsets.out());
            // With a member, its offsets stay as they are.
            ExecutionException refused = assertThrows(ExecutionException.class, () -> admin.alterShareGroupOffsets("g-admin",
                Map.of(new TopicPartition("share-admin", 0), 0L)).all().get());
            assertInstanceOf(GroupNotEmptyException.class, refused.getCause(), refused.toString());
        }
        // Empty now: its offsets can be reset (to the earliest record, so the group reads partition 0 again) ...
        produce(broker.get(), "share-admin", 0, 3);
        KafkaTool.Result reset = KafkaTool.run(broker.dir(), "org.apache.kafka.tools.consumer.group.ShareGroupCommand", null,
            "--bootstrap-server", broker.bootstrapServers(), "--reset-offsets", "--to-latest", "--execute",
            "--group", "g-admin", "--topic", "share-admin");
        assertEquals(0, reset.exit(), reset.out());
        SharePartitionOffsetInfo latest = offsets(broker.get(), "g-admin", "share-admin").get(new TopicPartition("share-admin", 0));
        assertEquals(3, latest.startOffset());
        assertEquals(Optional.of(0L), latest.lag());
        try (Admin admin = Admin.create(broker.clientProperties())) {
            admin.alterShareGroupOffsets("g-admin", Map.of(new TopicPartition("share-admin", 0), 1L)).all().get();
        }
        SharePartitionOffsetInfo altered = offsets(broker.get(), "g-admin", "share-admin").get(new TopicPartition("share-admin", 0));
        assertEquals(1, altered.startOffset());
        assertEquals(Optional.of(2L), altered.lag());
        // ... and deleted, after which the group has no offsets for the topic.
        KafkaTool.Result deleteOffsets = KafkaTool.run(broker.dir(), "org.apache.kafka.tools.consumer.group.ShareGroupCommand", null,
            "--bootstrap-server", broker.bootstrapServers(), "--delete-offsets", "--group", "g-admin", "--topic", "share-admin");
        assertEquals(0, deleteOffsets.exit(), deleteOffsets.out());
        SharePartitionOffsetInfo deleted = offsets(broker.get(), "g-admin", "share-admin").get(new TopicPartition("share-admin", 0));
        assertNull(deleted, "offsets left after --delete-offsets: " + deleted);
        // Empty now: the tool deletes it, and it is gone.
        KafkaTool.Result delete = KafkaTool.run(broker.dir(), "org.apache.kafka.tools.consumer.group.ShareGroupCommand", null,
            "--bootstrap-server", broker.bootstrapServers(), "--delete", "--group", "g-admin");
        assertEquals(0, delete.exit(), delete.out());
        try (Admin admin = Admin.create(broker.clientProperties())) {
            assertNull(describeIfExists(admin, "g-admin"), "the deleted group is still described");
            Set<String> left = new TreeSet<>();
            for (GroupListing g : admin.listGroups(new ListGroupsOptions().withTypes(Set.of(GroupType.SHARE))).all().get()) {
                left.add(g.groupId());
            }
            assertTrue(!left.contains("g-admin"), "still listed: " + left);
        }
    }

    @Test
    void expiredLocksComeBackAndTheDeliveryCountLimitArchives(@TempDir Path own) throws Exception {
        try (WharfTestBroker shortLocks = WharfTestBroker.start(own, "group.share.auto.offset.reset", "earliest",
            "group.share.record.lock.duration.ms", "1000", "group.share.delivery.count.limit", "2")) {
            createTopic(shortLocks, "share-locks", 1);
            produce(shortLocks, "share-locks", 0, 1);
            try (KafkaShareConsumer<String, String> holder = shareConsumer(shortLocks, "g-locks",
                     "share.acknowledgement.mode", "explicit");
                 KafkaShareConsumer<String, String> other = shareConsumer(shortLocks, "g-locks",
                     "share.acknowledgement.mode", "explicit")) {
                holder.subscribe(List.of("share-locks"));
                other.subscribe(List.of("share-locks"));
                // The holder never acknowledges (nor polls again): its lock expires after a second and the record
                // goes to the other member, delivered for the second time.
                ConsumerRecord<String, String> first = pollUntil(holder, 1).get(0);
                assertEquals(Optional.of((short) 1), first.deliveryCount());
                ConsumerRecord<String, String> second = pollUntil(other, 1).get(0);
                assertEquals("v0", second.value());
                assertEquals(Optional.of((short) 2), second.deliveryCount());
                other.acknowledge(second, AcknowledgeType.RELEASE);
                other.commitSync();
                // Released after its second delivery, at the limit of 2: archived, so the start offset passes it.
                long deadline = System.nanoTime() + TIMEOUT.toNanos();
                long start;
                do {
                    assertEquals(0, other.poll(Duration.ofMillis(200)).count(), "an archived record came back");
                    start = offsets(shortLocks, "g-locks", "share-locks").get(new TopicPartition("share-locks", 0)).startOffset();
                } while (start < 1 && System.nanoTime() < deadline);
                assertEquals(1, start);
            }
        }
    }

    @Test
    void acceptedRecordsStayAcceptedAfterARestart(@TempDir Path own) throws Exception {
        try (WharfTestBroker restarting = WharfTestBroker.start(own, "group.share.auto.offset.reset", "earliest")) {
            createTopic(restarting, "share-restart", 1);
            produce(restarting, "share-restart", 0, 10);
            try (KafkaShareConsumer<String, String> consumer = shareConsumer(restarting, "g-restart",
                "share.acknowledgement.mode", "explicit", "max.poll.records", "10")) {
                consumer.subscribe(List.of("share-restart"));
                List<ConsumerRecord<String, String>> got = pollUntil(consumer, 10);
                Map<Long, AcknowledgeType> decisions = new HashMap<>();
                for (ConsumerRecord<String, String> r : got) {
                    AcknowledgeType type = r.offset() % 2 == 0 ? AcknowledgeType.ACCEPT : AcknowledgeType.RELEASE;
                    consumer.acknowledge(r, type);
                    decisions.put(r.offset(), type);
                }
                consumer.commitSync();
            }
            restarting.restart();
            // Before any member is back, the group exists (Empty) with the start offset it had.
            try (Admin admin = Admin.create(restarting.clientProperties())) {
                assertEquals(Set.of("g-restart"), shareGroupIds(admin));
                assertEquals("Empty", describeIfExists(admin, "g-restart").groupState().toString());
            }
            assertEquals(1, offsets(restarting, "g-restart", "share-restart").get(new TopicPartition("share-restart", 0))
                .startOffset());
            try (KafkaShareConsumer<String, String> consumer = shareConsumer(restarting, "g-restart")) {
                consumer.subscribe(List.of("share-restart"));
                List<ConsumerRecord<String, String>> again = pollUntil(consumer, 5);
                assertEquals(List.of("v1", "v3", "v5", "v7", "v9"), values(again));
                // Their second delivery: the count survived the restart.
                assertEquals(List.of(Optional.of((short) 2)), again.stream().map(ConsumerRecord::deliveryCount).distinct().toList());
                // Nothing else comes: the accepted ones stay accepted.
                assertEquals(0, consumer.poll(Duration.ofSeconds(1)).count());
            }
            // Deleted after another restart, before its state was opened again: all of it goes, and the
            // same group id starts afresh from the earliest record.
            restarting.restart();
            try (Admin admin = Admin.create(restarting.clientProperties())) {
                admin.deleteShareGroups(List.of("g-restart")).all().get();
                assertEquals(Set.of(), shareGroupIds(admin));
            }
            try (KafkaShareConsumer<String, String> consumer = shareConsumer(restarting, "g-restart")) {
                consumer.subscribe(List.of("share-restart"));
                List<ConsumerRecord<String, String>> fresh = pollUntil(consumer, 10);
                assertEquals("v0", fresh.get(0).value());
                assertEquals(Optional.of((short) 1), fresh.get(0).deliveryCount());
            }
        }
    }

    static Set<String> shareGroupIds(Admin admin) throws Exception {
        Set<String> ids = new TreeSet<>();
        for (GroupListing g : admin.listGroups(new ListGroupsOptions().withTypes(Set.of(GroupType.SHARE))).all().get()) {
            ids.add(g.groupId());
        }
        return ids;
    }
}
