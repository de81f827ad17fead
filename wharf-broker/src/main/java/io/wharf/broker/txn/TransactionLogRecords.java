package io.wharf.broker.txn;

import io.wharf.broker.topic.PartitionId;
import io.wharf.broker.topic.RecordStrings;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The records of {@value TransactionStateTopic#NAME}, in Kafka's version 0 layout (big-endian; a string is
 * an int16 length and UTF-8 bytes; an array an int32 count, -1 for null):
 *
 * <pre>
 * key   v0  version int16, transactional id string
 * value v0  version int16, producer id int64, producer epoch int16, timeout ms int32, state int8,
 *           partitions [topic string, partition ids [int32]], last update timestamp int64,
 *           start timestamp int64
 * </pre>
 *
 * A key with a null value is a tombstone: the transactional id expired.
 */
public final class TransactionLogRecords {
    static final short KEY_VERSION = 0;
    static final short VALUE_VERSION = 0;

    private TransactionLogRecords() {
    }

    public static byte[] key(String transactionalId) {
        byte[] id = RecordStrings.utf8(transactionalId);
        ByteBuffer b = ByteBuffer.allocate(2 + 2 + id.length);
        b.putShort(KEY_VERSION);
        RecordStrings.put(b, id);
        return b.array();
    }

    public static byte[] value(TransactionMetadata m) {
        Map<String, List<Integer>> byTopic = new LinkedHashMap<>();
        for (PartitionId p : m.partitions()) byTopic.computeIfAbsent(p.topic(), t -> new ArrayList<>()).add(p.partition());
        List<byte[]> topics = new ArrayList<>(byTopic.size());
        int size = 2 + 8 + 2 + 4 + 1 + 4 + 8 + 8;
        for (Map.Entry<String, List<Integer>> e : byTopic.entrySet()) {
            byte[] t = RecordStrings.utf8(e.getKey());
            topics.add(t);
            size += 2 + t.length + 4 + 4 * e.getValue().size();
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.putShort(VALUE_VERSION);
        b.putLong(m.producerId());
        b.putShort(m.producerEpoch());
        b.putInt(m.timeoutMs());
        b.put(m.state().id());
        b.putInt(byTopic.size());
        int i = 0;
        for (List<Integer> partitions : byTopic.values()) {
            RecordStrings.put(b, topics.get(i++));
            b.putInt(partitions.size());
            for (int p : partitions) b.putInt(p);
        }
        b.putLong(m.lastUpdateTimestamp());
        b.putLong(m.startTimestamp());
        return b.array();
    }

    /** The transactional id of a key; {@link IllegalArgumentException} for an unknown version or a short key. */
    public static String decodeKey(ByteBuffer key) {
        ByteBuffer b = key.duplicate();
        try {
            short version = b.getShort();
            if (version != KEY_VERSION) throw new IllegalArgumentException("unknown key version " + version);
            return getString(b);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated key of " + key.remaining() + " bytes", e);
        }
    }

    public static TransactionMetadata decodeValue(String transactionalId, ByteBuffer value) {
        ByteBuffer b = value.duplicate();
        try {
            short version = b.getShort();
            if (version != VALUE_VERSION) throw new IllegalArgumentException("unknown value version " + version);
            long producerId = b.getLong();
            short epoch = b.getShort();
            int timeoutMs = b.getInt();
            TransactionState state = TransactionState.of(b.get());
            int topicCount = b.getInt();
            java.util.Set<PartitionId> partitions = new java.util.TreeSet<>();
            for (int t = 0; t < topicCount; t++) {
                String topic = getString(b);
                int count = b.getInt();
                for (int i = 0; i < count; i++) partitions.add(new PartitionId(topic, b.getInt()));
            }
            long lastUpdate = b.getLong();
            long start = b.getLong();
            return new TransactionMetadata(transactionalId, producerId, epoch, TransactionMetadata.NO_EPOCH, timeoutMs,
                state, partitions, start, lastUpdate);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated value of " + value.remaining() + " bytes", e);
        }
    }

    /** A string that must not be null (a truncated or corrupt record otherwise). */
    private static String getString(ByteBuffer b) {
        String s = RecordStrings.getNullable(b);
        if (s == null) throw new BufferUnderflowException();
        return s;
    }
}
