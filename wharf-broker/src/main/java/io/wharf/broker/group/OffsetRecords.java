package io.wharf.broker.group;

import io.wharf.broker.topic.PartitionId;
import io.wharf.broker.topic.RecordStrings;
import java.nio.ByteBuffer;

/**
 * The records of {@value OffsetsTopic#NAME}, in Kafka's own layout so that Kafka's tools can read the topic
 * and a log written by Kafka can be loaded. Every key and value starts with a big-endian int16 schema
 * version; strings are an int16 length and UTF-8 bytes (version 4 values use Kafka's compact, varint-length
 * strings and end in tagged fields).
 *
 * <pre>
 * key   v0, v1  offset commit: group string, topic string, partition int32
 * key   v2      group metadata: group string (Wharf does not write these; loading skips them)
 * value v0      offset int64, metadata string, timestamp int64
 * value v1      offset int64, metadata string, commit timestamp int64, expire timestamp int64
 * value v2      offset int64, metadata string, commit timestamp int64
 * value v3      offset int64, leader epoch int32, metadata string, commit timestamp int64   (written)
 * value v4      as v3 with a compact metadata string, then tagged fields
 * </pre>
 *
 * A record with a key and a null value is a tombstone: the offset (or the group) was deleted.
 */
public final class OffsetRecords {
    static final short OFFSET_KEY_VERSION = 1;
    static final short GROUP_METADATA_KEY_VERSION = 2;
    static final short OFFSET_VALUE_VERSION = 3;

    /** What a record's key names. */
    public sealed interface Key permits OffsetKey, GroupKey {
    }

    /** The committed offset of {@code partition} in {@code group}. */
    public record OffsetKey(String group, PartitionId partition) implements Key {
    }

    /** A group's metadata record (membership), which Wharf does not persist. */
    public record GroupKey(String group) implements Key {
    }

    private OffsetRecords() {
    }

    public static byte[] offsetKey(String group, PartitionId partition) {
        byte[] g = RecordStrings.utf8(group);
        byte[] t = RecordStrings.utf8(partition.topic());
        ByteBuffer b = ByteBuffer.allocate(2 + 2 + g.length + 2 + t.length + 4);
        b.putShort(OFFSET_KEY_VERSION);
        RecordStrings.put(b, g);
        RecordStrings.put(b, t);
        b.putInt(partition.partition());
        return b.array();
    }

    public static byte[] offsetValue(CommittedOffset offset) {
        byte[] m = RecordStrings.utf8(offset.metadata());
        ByteBuffer b = ByteBuffer.allocate(2 + 8 + 4 + 2 + m.length + 8);
        b.putShort(OFFSET_VALUE_VERSION);
        b.putLong(offset.offset());
        b.putInt(offset.leaderEpoch());
        RecordStrings.put(b, m);
        b.putLong(offset.commitTimestamp());
        return b.array();
    }

    /**
     * Decodes a key; throws {@link IllegalArgumentException} naming the problem for a key of an unknown
     * version or a truncated one.
     */
    public static Key decodeKey(ByteBuffer key) {
        ByteBuffer b = key.duplicate();
        try {
            short version = b.getShort();
            return switch (version) {
                case 0, 1 -> new OffsetKey(getString(b), new PartitionId(getString(b), b.getInt()));
                case GROUP_METADATA_KEY_VERSION -> new GroupKey(getString(b));
                default -> throw new IllegalArgumentException("unknown key version " + version);
            };
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated key of " + key.remaining() + " bytes", e);
        }
    }

    /** Decodes an offset commit value of any version Kafka has written. */
    public static CommittedOffset decodeOffsetValue(ByteBuffer value) {
        ByteBuffer b = value.duplicate();
        try {
            short version = b.getShort();
            return switch (version) {
                case 0, 2 -> new CommittedOffset(b.getLong(), CommittedOffset.NO_LEADER_EPOCH, getString(b), b.getLong());
                case 1 -> {
                    CommittedOffset o = new CommittedOffset(b.getLong(), CommittedOffset.NO_LEADER_EPOCH, getString(b), b.getLong());
                    b.getLong(); // expire timestamp: Wharf applies the broker's retention instead
                    yield o;
                }
                case 3 -> new CommittedOffset(b.getLong(), b.getInt(), getString(b), b.getLong());
                case 4 -> new CommittedOffset(b.getLong(), b.getInt(), getCompactString(b), b.getLong());
                default -> throw new IllegalArgumentException("unknown offset value version " + version);
            };
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated offset value of " + value.remaining() + " bytes", e);
        }
    }

    /** A string, with null (length -1) read as "": the offset metadata string is optional. */
    private static String getString(ByteBuffer b) {
        String s = RecordStrings.getNullable(b);
        return s == null ? "" : s;
    }

    private static String getCompactString(ByteBuffer b) {
        int lengthPlusOne = readUnsignedVarint(b);
        if (lengthPlusOne == 0) return "";
        return RecordStrings.read(b, lengthPlusOne - 1);
    }

    private static int readUnsignedVarint(ByteBuffer b) {
        int value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            byte next = b.get();
            value |= (next & 0x7f) << shift;
            if ((next & 0x80) == 0) return value;
        }
        throw new IllegalArgumentException("varint longer than 5 bytes");
    }
}
