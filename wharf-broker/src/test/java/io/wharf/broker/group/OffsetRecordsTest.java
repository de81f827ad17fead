package io.wharf.broker.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.broker.topic.PartitionId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The {@code __consumer_offsets} record layout, byte for byte as Kafka writes it, and every value version it reads. */
class OffsetRecordsTest {
    private static final PartitionId TP = new PartitionId("orders", 3);

    @Test
    void anOffsetKeyIsVersionGroupTopicAndPartition() {
        ByteBuffer expected = ByteBuffer.allocate(2 + 2 + 2 + 2 + 6 + 4);
        expected.putShort((short) 1).putShort((short) 2).put(ascii("g1")).putShort((short) 6).put(ascii("orders")).putInt(3);
        assertThat(OffsetRecords.offsetKey("g1", TP)).isEqualTo(expected.array());
        assertThat(OffsetRecords.decodeKey(ByteBuffer.wrap(expected.array())))
            .isEqualTo(new OffsetRecords.OffsetKey("g1", TP));
    }

    @Test
    void valuesAreWrittenAsVersion3AndRoundTrip() {
        CommittedOffset offset = new CommittedOffset(42, 7, "mé", 1_700_000_000_000L);
        byte[] value = OffsetRecords.offsetValue(offset);
        ByteBuffer b = ByteBuffer.wrap(value);
        assertThat(b.getShort()).isEqualTo((short) 3);
        assertThat(b.getLong()).isEqualTo(42);
        assertThat(b.getInt()).isEqualTo(7);
        assertThat(b.getShort()).isEqualTo((short) 3); // "mé" is 3 bytes of UTF-8
        assertThat(OffsetRecords.decodeOffsetValue(ByteBuffer.wrap(value))).isEqualTo(offset);
    }

    @Test
    void olderAndNewerValueVersionsDecode() {
        ByteBuffer v0 = ByteBuffer.allocate(2 + 8 + 2 + 1 + 8);
        v0.putShort((short) 0).putLong(5).putShort((short) 1).put(ascii("x")).putLong(99).flip();
        assertThat(OffsetRecords.decodeOffsetValue(v0)).isEqualTo(new CommittedOffset(5, -1, "x", 99));

        ByteBuffer v1 = ByteBuffer.allocate(2 + 8 + 2 + 8 + 8);
        v1.putShort((short) 1).putLong(6).putShort((short) 0).putLong(100).putLong(200).flip();
        assertThat(OffsetRecords.decodeOffsetValue(v1)).isEqualTo(new CommittedOffset(6, -1, "", 100));

        // v4: compact string (length + 1 as a varint) and an empty tagged-field section.
        ByteBuffer v4 = ByteBuffer.allocate(2 + 8 + 4 + 1 + 2 + 8 + 1);
        v4.putShort((short) 4).putLong(8).putInt(2).put((byte) 3).put(ascii("ab")).putLong(300).put((byte) 0).flip();
        assertThat(OffsetRecords.decodeOffsetValue(v4)).isEqualTo(new CommittedOffset(8, 2, "ab", 300));
    }

    @Test
    void groupMetadataKeysAreRecognisedAndGarbageIsRefused() {
        ByteBuffer groupKey = ByteBuffer.allocate(2 + 2 + 2);
        groupKey.putShort((short) 2).putShort((short) 2).put(ascii("g1")).flip();
        assertThat(OffsetRecords.decodeKey(groupKey)).isEqualTo(new OffsetRecords.GroupKey("g1"));
        assertThatThrownBy(() -> OffsetRecords.decodeKey(ByteBuffer.wrap(new byte[] {0, 9, 1})))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version 9");
        assertThatThrownBy(() -> OffsetRecords.decodeKey(ByteBuffer.wrap(new byte[] {0, 1, 0, 50, 'a'})))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated");
    }

    @Test
    void partitionsFollowKafkasHashing() {
        assertThat(OffsetsTopic.partitionFor("resume", 50)).isEqualTo(Math.abs("resume".hashCode()) % 50);
        // Kafka's abs maps Integer.MIN_VALUE to 0 ("polygenelubricants".hashCode() is Integer.MIN_VALUE).
        assertThat("polygenelubricants".hashCode()).isEqualTo(Integer.MIN_VALUE);
        assertThat(OffsetsTopic.partitionFor("polygenelubricants", 50)).isZero();
    }

    private static byte[] ascii(String s) { return s.getBytes(StandardCharsets.US_ASCII); }
}
