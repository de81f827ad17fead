package io.wharf.e2e;

import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.SubscriptionPattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What the consumer-group tests share: topics created in the broker, real clients configured as a user
 * would (with short heartbeat intervals so that rebalances are quick), a consumer that polls on a thread of
 * its own as group members must, and waiting for a condition with a deadline instead of sleeping.
 */
final class GroupTestSupport {
    static final Duration WAIT = Duration.ofSeconds(60);

    private GroupTestSupport() {
    }

    static void createTopic(WharfTestBroker broker, String name, int partitions) {
        broker.server().broker().topics().createTopic(name, partitions, (short) 1, Map.of(), false);
    }

    static Set<TopicPartition> partitions(String topic, int count) {
        Set<TopicPartition> set = new HashSet<>();
        for (int p = 0; p < count; p++) set.add(new TopicPartition(topic, p));
        return set;
    }

    static Admin admin(WharfTestBroker broker) {
        Properties p = broker.clientProperties();
        p.put("default.api.timeout.ms", "30000");
        p.put("request.timeout.ms", "15000");
        return Admin.create(p);
    }

    /** A consumer of {@code groupId}; {@code overrides} are key, value pairs of consumer configs. */
    static KafkaConsumer<String, String> consumer(WharfTestBroker broker, String groupId, Object... overrides) {
        Properties p = broker.clientProperties();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "300");
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000");
        p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "30000");
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        p.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "40000");
        for (int i = 0; i + 1 < overrides.length; i += 2) p.put(String.valueOf(overrides[i]), String.valueOf(overrides[i + 1]));
        return new KafkaConsumer<>(p);
    }

    /** Sends {@code count} records per partition, keyed by partition, and waits for the acks. */
    static void produce(WharfTestBroker broker, String topic, int partitions, int count) throws Exception {
        Properties p = broker.clientProperties();
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
            for (int partition = 0; partition < partitions; partition++) {
                for (int i = 0; i < count; i++) {
                    acks.add(producer.send(new ProducerRecord<>(topic, partition, "k" + partition, "v" + partition + "-" + i)));
                }
            }
            for (java.util.concurrent.Future<?> ack : acks) ack.get(30, TimeUnit.SECONDS);
        }
    }

    /** Waits until {@code condition} holds, failing with {@code state}'s description after {@code WAIT}. */
    static void waitUntil(String what, BooleanSupplier condition, Supplier<Object> state) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("Timed out after " + WAIT + " waiting until " + what + "; last state: " + state.get());
            try {
                Thread.sleep(50); // polling interval of the wait, not a synchronisation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("Interrupted waiting until " + what);
            }
        }
    }

    /**
     * A group member that polls on a thread of its own, as a real application does, publishing its current
     * assignment and the records it received. It stops by wakeup, then closes in the way the test asks.
     */
    static final class Member implements AutoCloseable {
        final String name;
        private final KafkaConsumer<String, String> consumer;
        private final Thread thread;
        private final AtomicReference<Set<TopicPartition>> assignment = new AtomicReference<>(Set.of());
        final ConcurrentLinkedQueue<ConsumerRecord<String, String>> records = new ConcurrentLinkedQueue<>();
        private final CountDownLatch stopped = new CountDownLatch(1);
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private volatile boolean running = true;
        private volatile CloseOptions.GroupMembershipOperation closeAs = CloseOptions.GroupMembershipOperation.DEFAULT;
        private volatile int generation = -1;
        /** Commits what it consumed after every poll, for tests that count what a group consumed. */
        volatile boolean commitEachPoll;
        private volatile String memberId = "";
        /** Partitions taken away by a rebalance (revoked, not lost), counted over the member's life. */
        final java.util.concurrent.atomic.AtomicInteger revoked = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger assignments = new java.util.concurrent.atomic.AtomicInteger();

        Member(String name, KafkaConsumer<String, String> consumer, List<String> topics) {
            this(name, consumer, listener -> consumer.subscribe(topics, listener));
        }

        /** A member subscribed to the topics matching {@code pattern} (broker-side regex, KIP-848). */
        Member(String name, KafkaConsumer<String, String> consumer, SubscriptionPattern pattern) {
            this(name, consumer, listener -> consumer.subscribe(pattern, listener));
        }

        private Member(String name, KafkaConsumer<String, String> consumer,
                       java.util.function.Consumer<ConsumerRebalanceListener> subscribe) {
            this.name = name;
            this.consumer = consumer;
            this.thread = new Thread(() -> run(subscribe), "member-" + name);
            thread.setDaemon(true);
            thread.start();
        }

        private void run(java.util.function.Consumer<ConsumerRebalanceListener> subscribe) {
            try {
                subscribe.accept(new ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(java.util.Collection<TopicPartition> partitions) {
                        revoked.addAndGet(partitions.size());
                    }

                    @Override
                    public void onPartitionsAssigned(java.util.Collection<TopicPartition> partitions) {
                        assignments.incrementAndGet();
                    }
                });
                while (running) {
                    consumer.poll(Duration.ofMillis(100)).forEach(records::add);
                    assignment.set(Set.copyOf(consumer.assignment()));
                    if (commitEachPoll) consumer.commitSync();
                    generation = consumer.groupMetadata().generationId();
                    memberId = consumer.groupMetadata().memberId();
                }
            } catch (WakeupException e) {
                // stopping
            } catch (Throwable t) {
                failure.set(t);
            } finally {
                try {
                    consumer.close(CloseOptions.groupMembershipOperation(closeAs).withTimeout(Duration.ofSeconds(10)));
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
                assignment.set(Set.of());
                stopped.countDown();
            }
        }

        Set<TopicPartition> assignment() { return assignment.get(); }

        /** The generation the member last knew of (its group metadata after its latest poll). */
        int generation() { return generation; }

        String memberId() { return memberId; }

        boolean isRunning() { return stopped.getCount() > 0; }

        Throwable failure() { return failure.get(); }

        /** Leaves the group as {@code close()} does: the coordinator rebalances at once. */
        void leave() throws InterruptedException {
            stop(CloseOptions.GroupMembershipOperation.DEFAULT);
        }

        /** Stops without a LeaveGroup, like a crashed process: only the session timeout notices. */
        void die() throws InterruptedException {
            stop(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP);
        }

        private void stop(CloseOptions.GroupMembershipOperation how) throws InterruptedException {
            if (!running) return;
            closeAs = how;
            running = false;
            consumer.wakeup();
            if (!stopped.await(WAIT.toSeconds(), TimeUnit.SECONDS)) fail("Member " + name + " did not stop");
        }

        @Override
        public void close() throws InterruptedException {
            leave();
        }

        @Override
        public String toString() { return name + assignment.get(); }
    }

    /** Whether the members' assignments cover {@code all} with every partition owned by exactly one member. */
    static boolean ownedExactlyOnce(List<Member> members, Set<TopicPartition> all) {
        List<TopicPartition> owned = new ArrayList<>();
        for (Member m : members) owned.addAll(m.assignment());
        return owned.size() == all.size() && new HashSet<>(owned).equals(all);
    }
}
