package io.wharf.kafka.produce;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.protocol.Errors;

/**
 * The answer to a Produce request of version 0-2: UNSUPPORTED_VERSION for every partition it names, as
 * Kafka 4 gives. ApiVersions advertises Produce from v0 only because librdkafka picks its record format
 * from that range (KAFKA-18659, KAFKA-18334); kafka-clients no longer has the v0-2 schemas, so the body and
 * the response are read and written here by hand, from the protocol guide's layouts:
 *
 * <pre>
 * Request v0-2 body  => acks INT16, timeout INT32, [topic STRING, [partition INT32, record_set BYTES]]
 * Response v0        => [topic STRING, [partition INT32, error_code INT16, base_offset INT64]]
 * Response v1        => v0's topics, then throttle_time_ms INT32
 * Response v2        => as v1, with log_append_time INT64 after each base_offset
 * </pre>
 *
 * The response header (v0) is the correlation id alone. The records are skipped, never looked at; topic
 * names are echoed byte for byte. A body that does not match the layout exactly, trailing bytes included,
 * is not parsed ({@link #parse} is empty) and the connection is expected to close, as for any malformed
 * request. Instances are immutable.
 */
public final class LegacyProduceRejection {
    /** The newest Produce version this class answers; v3 and later go through kafka-clients. */
    public static final short NEWEST_LEGACY_VERSION = 2;

    private final short version;
    private final short acks;
    private final List<Topic> topics;

    /** A topic as the request named it: the raw UTF-8 name and its partition indexes, in request order. */
    private record Topic(byte[] name, int[] partitions) {
    }

    private LegacyProduceRejection(short version, short acks, List<Topic> topics) {
        this.version = version;
        this.acks = acks;
        this.topics = topics;
    }

    /** Whether a Produce request at {@code version} is answered by this class. */
    public static boolean handles(short version) {
        return version >= 0 && version <= NEWEST_LEGACY_VERSION;
    }

    /**
     * Reads a v0-2 Produce body from {@code body}'s position to its limit (the request header already
     * consumed); empty when it does not follow the layout.
     */
    public static Optional<LegacyProduceRejection> parse(short version, ByteBuffer body) {
        if (!handles(version)) throw new IllegalArgumentException("Produce v" + version + " is not a legacy version");
        ByteBuffer in = body.slice();
        try {
            short acks = in.getShort();
            in.getInt(); // timeout: nothing waits
            int topicCount = count(in, 2 + 4);
            List<Topic> topics = new ArrayList<>(topicCount);
            for (int t = 0; t < topicCount; t++) {
                short nameLength = in.getShort();
                if (nameLength < 0) return Optional.empty();
                byte[] name = new byte[nameLength];
                in.get(name);
                int[] partitions = new int[count(in, 4 + 4)];
                for (int p = 0; p < partitions.length; p++) {
                    partitions[p] = in.getInt();
                    int recordsLength = in.getInt();
                    if (recordsLength < -1) return Optional.empty();
                    if (recordsLength > 0) in.position(in.position() + recordsLength);
                }
                topics.add(new Topic(name, partitions));
            }
            if (in.hasRemaining()) return Optional.empty();
            return Optional.of(new LegacyProduceRejection(version, acks, List.copyOf(topics)));
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            // IllegalArgumentException: position() past the limit, a record set longer than the frame.
            return Optional.empty();
        }
    }

    /** An array length, refused when negative or larger than the bytes left could hold. */
    private static int count(ByteBuffer in, int minimumElementSize) {
        int count = in.getInt();
        if (count < 0 || (long) count * minimumElementSize > in.remaining()) {
            throw new IllegalArgumentException("array of " + count + " elements in " + in.remaining() + " bytes");
        }
        return count;
    }

    public short version() { return version; }

    /** acks=0 gets no response at all, like any Produce with acks=0. */
    public boolean expectsResponse() { return acks != 0; }

    /** Number of partitions the request named, over all its topics. */
    public int partitionCount() {
        return topics.stream().mapToInt(t -> t.partitions().length).sum();
    }

    /** The whole response frame — 4-byte size, correlation id, body — ready to write. */
    public ByteBuffer responseFrame(int correlationId) {
        int partitionSize = 4 + 2 + 8 + (version >= 2 ? 8 : 0);
        int bodySize = 4 + (version >= 1 ? 4 : 0);
        for (Topic t : topics) bodySize += 2 + t.name().length + 4 + t.partitions().length * partitionSize;
        ByteBuffer out = ByteBuffer.allocate(4 + 4 + bodySize);
        out.putInt(4 + bodySize).putInt(correlationId);
        out.putInt(topics.size());
        for (Topic t : topics) {
            out.putShort((short) t.name().length).put(t.name());
            out.putInt(t.partitions().length);
            for (int partition : t.partitions()) {
                out.putInt(partition).putShort(Errors.UNSUPPORTED_VERSION.code()).putLong(-1L);
                if (version >= 2) out.putLong(-1L); // log_append_time: none
            }
        }
        if (version >= 1) out.putInt(0); // throttle_time_ms
        return out.flip();
    }
}
