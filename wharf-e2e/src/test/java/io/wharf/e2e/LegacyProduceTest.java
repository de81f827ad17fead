package io.wharf.e2e;

import static io.wharf.e2e.ProduceFetchSupport.createTopic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.wharf.broker.topic.PartitionId;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Produce v0-2, which ApiVersions advertises for librdkafka's sake (KAFKA-18659) but Kafka 4 no longer
 * accepts: every partition is answered UNSUPPORTED_VERSION, nothing is stored, acks=0 is answered with
 * silence, and the connection stays usable for a current Produce. kafka-clients 4.4.0 can neither build
 * nor parse these versions, so requests and responses are written and read here byte by byte.
 */
class LegacyProduceTest {
    private static final short UNSUPPORTED_VERSION = 35;

    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perClass();

    /** One partition of a hand-parsed v0-2 response. */
    private record PartitionAnswer(String topic, int partition, short error, long baseOffset, long logAppendTime) {
    }

    /** A hand-parsed v0-2 response; throttle time is -1 for v0, which has none. */
    private record LegacyAnswer(int correlationId, List<PartitionAnswer> partitions, int throttleTimeMs) {
    }

    /** A plain socket that writes hand-made frames and kafka-clients requests alike, in order. */
    private static final class Wire implements AutoCloseable {
        final Socket socket;
        final DataOutputStream out;
        final DataInputStream in;

        Wire() throws IOException {
            String[] hostPort = broker.bootstrapServers().split(":");
            socket = new Socket(hostPort[0], Integer.parseInt(hostPort[1]));
            socket.setSoTimeout(30_000);
            out = new DataOutputStream(socket.getOutputStream());
            in = new DataInputStream(socket.getInputStream());
        }

        void writeFrame(byte[] frame) throws IOException {
            out.writeInt(frame.length);
            out.write(frame);
            out.flush();
        }

        void write(ProduceRequest request, int correlationId) throws IOException {
            ByteBuffer frame = request.serializeWithHeader(header(request.version(), correlationId));
            byte[] bytes = new byte[frame.remaining()];
            frame.get(bytes);
            writeFrame(bytes);
        }

        ProduceResponse readCurrent(short version, int correlationId) throws IOException {
            byte[] body = new byte[in.readInt()];
            in.readFully(body);
            return (ProduceResponse) AbstractResponse.parseResponse(ByteBuffer.wrap(body), header(version, correlationId));
        }

        LegacyAnswer readLegacy(short version) throws IOException {
            int size = in.readInt();
            byte[] frame = new byte[size];
            in.readFully(frame);
            ByteBuffer b = ByteBuffer.wrap(frame);
            int correlationId = b.getInt();
            List<PartitionAnswer> partitions = new ArrayList<>();
            int topics = b.getInt();
            for (int t = 0; t < topics; t++) {
                byte[] name = new byte[b.getShort()];
                b.get(name);
                int count = b.getInt();
                for (int p = 0; p < count; p++) {
                    partitions.add(new PartitionAnswer(new String(name, StandardCharsets.UTF_8), b.getInt(), b.getShort(),
                        b.getLong(), version >= 2 ? b.getLong() : Long.MIN_VALUE));
                }
            }
            int throttle = version >= 1 ? b.getInt() : -1;
            assertThat(b.hasRemaining()).as("bytes after the v%d response body", version).isFalse();
            return new LegacyAnswer(correlationId, partitions, throttle);
        }

        /** True when the broker closed the connection (end of stream) within the socket timeout. */
        boolean closedByBroker() throws IOException {
            try {
                return in.read() == -1;
            } catch (EOFException e) {
                return true;
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static RequestHeader header(short version, int correlationId) {
        return new RequestHeader(ApiKeys.PRODUCE, version, "legacy-test", correlationId);
    }

    /** A v0-2 request frame: header v1 (api key, version, correlation id, client id), then the body. */
    private static byte[] legacyRequest(short version, int correlationId, short acks, Map<String, int[]> topics)
        throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeShort(ApiKeys.PRODUCE.id);
        out.writeShort(version);
        out.writeInt(correlationId);
        out.writeShort(11);
        out.writeBytes("legacy-test");
        out.writeShort(acks);
        out.writeInt(5_000);
        out.writeInt(topics.size());
        for (Map.Entry<String, int[]> topic : topics.entrySet()) {
            byte[] name = topic.getKey().getBytes(StandardCharsets.UTF_8);
            out.writeShort(name.length);
            out.write(name);
            out.writeInt(topic.getValue().length);
            for (int partition : topic.getValue()) {
                out.writeInt(partition);
                byte[] recordSet = ("a v0 message set for partition " + partition).getBytes(StandardCharsets.UTF_8);
                out.writeInt(recordSet.length);
                out.write(recordSet); // never read by the broker, so any bytes do
            }
        }
        return bytes.toByteArray();
    }

    private static ProduceRequest current(short version, String topic, String value) {
        ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
        topics.add(new ProduceRequestData.TopicProduceData().setName(topic).setPartitionData(List.of(
            new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(
                MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(value.getBytes(StandardCharsets.UTF_8)))))));
        return new ProduceRequest(new ProduceRequestData().setAcks((short) 1).setTimeoutMs(5_000).setTopicData(topics),
            version);
    }

    private static ProduceResponseData.PartitionProduceResponse only(ProduceResponse response) {
        assertThat(response.data().responses()).hasSize(1);
        return response.data().responses().iterator().next().partitionResponses().get(0);
    }

    private static long logEndOffset(String topic) {
        return broker.server().broker().topics().partition(new PartitionId(topic, 0)).orElseThrow().logEndOffset();
    }

    @ParameterizedTest(name = "Produce v{0}")
    @ValueSource(shorts = {0, 1, 2})
    void everyPartitionIsRefusedWithUnsupportedVersionAndTheConnectionStaysUsable(short version) throws Exception {
        String topic = createTopic(broker.get(), "legacy-v" + version, 2, Map.of());
        Map<String, int[]> named = new LinkedHashMap<>();
        named.put(topic, new int[] {1, 0});
        named.put("no-such-topic", new int[] {7});
        try (Wire wire = new Wire()) {
            wire.writeFrame(legacyRequest(version, 41, (short) 1, named));
            LegacyAnswer answer = wire.readLegacy(version);

            assertThat(answer.correlationId()).isEqualTo(41);
            assertThat(answer.partitions()).extracting(PartitionAnswer::topic, PartitionAnswer::partition)
                .containsExactly(tuple(topic, 1), tuple(topic, 0),
                    tuple("no-such-topic", 7));
            assertThat(answer.partitions()).allSatisfy(p -> {
                assertThat(p.error()).isEqualTo(UNSUPPORTED_VERSION).isEqualTo(Errors.UNSUPPORTED_VERSION.code());
                assertThat(p.baseOffset()).isEqualTo(-1);
                if (version >= 2) assertThat(p.logAppendTime()).isEqualTo(-1);
            });
            if (version >= 1) assertThat(answer.throttleTimeMs()).isZero();

            wire.write(current((short) 9, topic, "after the refusal"), 42);
            ProduceResponse v9 = wire.readCurrent((short) 9, 42);
            assertThat(only(v9).errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(only(v9).baseOffset()).isZero(); // nothing of the refused request was stored
        }
        assertThat(logEndOffset(topic)).isEqualTo(1);
    }

    @Test
    void acksZeroGetsNoResponseAndTheConnectionStaysOpen() throws Exception {
        String topic = createTopic(broker.get(), "legacy-acks-zero", 1, Map.of());
        try (Wire wire = new Wire()) {
            wire.writeFrame(legacyRequest((short) 2, 7, (short) 0, Map.of(topic, new int[] {0})));
            wire.writeFrame(legacyRequest((short) 0, 8, (short) 0, Map.of(topic, new int[] {0})));
            wire.write(current((short) 9, topic, "acked"), 9);
            // Parsing checks the correlation id: had anything been sent for 7 or 8, this would fail.
            ProduceResponse v9 = wire.readCurrent((short) 9, 9);
            assertThat(only(v9).errorCode()).isEqualTo(Errors.NONE.code());
        }
        assertThat(logEndOffset(topic)).isEqualTo(1);
    }

    @Test
    void responsesStayInRequestOrderAroundALegacyRefusal() throws Exception {
        String topic = createTopic(broker.get(), "legacy-order", 1, Map.of());
        try (Wire wire = new Wire()) {
            wire.write(current((short) 3, topic, "first"), 1);
            wire.writeFrame(legacyRequest((short) 1, 2, (short) -1, Map.of(topic, new int[] {0})));
            wire.write(current((short) 12, topic, "third"), 3);
            assertThat(only(wire.readCurrent((short) 3, 1)).baseOffset()).isZero();
            assertThat(wire.readLegacy((short) 1).correlationId()).isEqualTo(2);
            assertThat(only(wire.readCurrent((short) 12, 3)).baseOffset()).isEqualTo(1);
        }
    }

    @Test
    void aLegacyBodyThatDoesNotParseClosesTheConnection() throws Exception {
        byte[] whole = legacyRequest((short) 0, 5, (short) 1, Map.of("truncated", new int[] {0}));
        byte[] truncated = Arrays.copyOf(whole, whole.length - 3);
        try (Wire wire = new Wire()) {
            wire.writeFrame(truncated);
            assertThat(wire.closedByBroker()).isTrue();
        }
    }
}
