package io.wharf.broker.bridge;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Which partition of a Kafka topic a record an exchange writes goes to, as a Kafka producer's default
 * partitioner places it: a keyed record in {@code toPositive(murmur2(key)) % partitions} — the same hash,
 * seed and sign rule as kafka-clients' {@code Utils.murmur2} and {@code Utils.toPositive}, so that an AMQP
 * publish and a Kafka producer put the same key in the same partition, next to each other in order. A record
 * without key goes round-robin over the topic's partitions (one counter per topic, shared by all publishers).
 * Kafka's own producer now sticks unkeyed records to one partition per batch (KIP-480); a broker has no
 * producer batches to stick to, and round-robin spreads the load the same way over time.
 *
 * <p>Thread-safe.
 */
public final class TopicPartitioner {
    /** Kafka's seed and mixing constants for murmur2 (Utils.murmur2). */
    private static final int SEED = 0x9747b28c;
    private static final int M = 0x5bd1e995;
    private static final int R = 24;

    private final Map<String, AtomicInteger> roundRobin = new ConcurrentHashMap<>();

    /** The partition for a record of {@code topic} with {@code key} (null: none), out of {@code partitions} > 0. */
    public int partition(String topic, byte[] key, int partitions) {
        if (key == null) {
            int next = roundRobin.computeIfAbsent(topic, t -> new AtomicInteger()).getAndIncrement();
            return toPositive(next) % partitions;
        }
        return forKey(key, partitions);
    }

    /** A deleted topic's round-robin position is forgotten (a topic re-created later starts at 0). */
    public void forget(String topic) {
        roundRobin.remove(topic);
    }

    /** Kafka's partition for a keyed record. */
    public static int forKey(byte[] key, int partitions) {
        return toPositive(murmur2(key)) % partitions;
    }

    /** Kafka's Utils.toPositive: clears the sign bit (not Math.abs, which leaves MIN_VALUE negative). */
    static int toPositive(int n) {
        return n & 0x7fffffff;
    }

    /** MurmurHash2, 32 bits, little-endian blocks: Kafka's Utils.murmur2, bit for bit. */
    static int murmur2(byte[] data) {
        int length = data.length;
        int h = SEED ^ length;
        int blocks = length / 4;
        for (int i = 0; i < blocks; i++) {
            int b = i * 4;
            int k = (data[b] & 0xff) | (data[b + 1] & 0xff) << 8 | (data[b + 2] & 0xff) << 16 | (data[b + 3] & 0xff) << 24;
            k *= M;
            k ^= k >>> R;
            k *= M;
            h *= M;
            h ^= k;
        }
        int tail = length & ~3;
        switch (length % 4) {
            case 3:
                h ^= (data[tail + 2] & 0xff) << 16;
                // fall through
            case 2:
                h ^= (data[tail + 1] & 0xff) << 8;
                // fall through
            case 1:
                h ^= data[tail] & 0xff;
                h *= M;
                break;
            default:
                break;
        }
        h ^= h >>> 13;
        h *= M;
        h ^= h >>> 15;
        return h;
    }
}
