package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Kafka connection layer with raw frames: versions negotiation, and bad input (garbage, truncated,
 * oversized, unknown API key) answered or closed without disturbing other connections.
 */
class KafkaConnectionTest {
    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perTest("socket.request.max.bytes", "1048576");

    private Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", Integer.parseInt(broker.bootstrapServers().split(":")[1]));
        s.setSoTimeout(10_000);
        return s;
    }

    private static void sendFrame(Socket s, byte[] body) throws IOException {
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        out.writeInt(body.length);
        out.write(body);
        out.flush();
    }

    private static byte[] apiVersionsRequest(short version, int correlationId) {
        RequestHeader header = new RequestHeader(ApiKeys.API_VERSIONS, version, "raw-test", correlationId);
        ApiVersionsRequest request = new ApiVersionsRequest(new ApiVersionsRequestData()
            .setClientSoftwareName("raw").setClientSoftwareVersion("1"), version);
        ByteBuffer buf = request.serializeWithHeader(header);
        byte[] bytes = new byte[buf.remaining()];
        buf.get(bytes);
        return bytes;
    }

    private static ByteBuffer readFrame(Socket s) throws IOException {
        DataInputStream in = new DataInputStream(s.getInputStream());
        int size = in.readInt();
        byte[] body = new byte[size];
        in.readFully(body);
        return ByteBuffer.wrap(body);
    }

    private static boolean closedByPeer(Socket s) {
        try {
            return s.getInputStream().read() == -1;
        } catch (IOException e) {
            return true;
        }
    }

    @Test
    void apiVersionsAdvertisesExactlyTheImplementedApis() throws Exception {
        try (Socket s = connect()) {
            sendFrame(s, apiVersionsRequest(ApiKeys.API_VERSIONS.latestVersion(), 7));
            ByteBuffer frame = readFrame(s);
            ResponseHeader header = ResponseHeader.parse(frame, (short) 0);
            assertThat(header.correlationId()).isEqualTo(7);
            ApiVersionsResponse response = ApiVersionsResponse.parse(new org.apache.kafka.common.protocol.ByteBufferAccessor(frame),
                ApiKeys.API_VERSIONS.latestVersion());
            assertThat(response.data().errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(response.data().apiKeys().find(ApiKeys.API_VERSIONS.id)).isNotNull();
        }
    }

    @Test
    void anApiVersionsVersionFromTheFutureGetsUnsupportedVersionWithTheTable() throws Exception {
        try (Socket s = connect()) {
            byte[] request = apiVersionsRequest((short) 3, 9);
            ByteBuffer.wrap(request).putShort(2, (short) 99); // claim version 99
            sendFrame(s, request);
            ByteBuffer frame = readFrame(s);
            assertThat(ResponseHeader.parse(frame, (short) 0).correlationId()).isEqualTo(9);
            ApiVersionsResponseData data = ApiVersionsResponse.parse(
                new org.apache.kafka.common.protocol.ByteBufferAccessor(frame), (short) 0).data();
            assertThat(data.errorCode()).isEqualTo(Errors.UNSUPPORTED_VERSION.code());
            assertThat(data.apiKeys().find(ApiKeys.API_VERSIONS.id).maxVersion()).isEqualTo(ApiKeys.API_VERSIONS.latestVersion());
        }
    }

    @Test
    void garbageUnknownKeysTruncatedAndOversizedFramesCloseOnlyTheirConnection() throws Exception {
        ProduceFetchSupport.createTopic(broker.get(), "kept", 1, Map.of());
        try (var producer = ProduceFetchSupport.producer(broker.get())) {
            for (int i = 0; i < 100; i++) producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>("kept", "v" + i));
            producer.flush();
        }
        var partition = broker.server().broker().topics().partition(new io.wharf.broker.topic.PartitionId("kept", 0))
            .orElseThrow();
        long endBefore = partition.logEndOffset();
        long sizeBefore = partition.log().size();
        assertThat(endBefore).isEqualTo(100);
        try (Socket healthy = connect()) {
            try (Socket s = connect()) {
                sendFrame(s, new byte[] {0x7f, 0x7f, 0, 1, 0, 0, 0, 1, 0, 0}); // API key 32639
                assertThat(closedByPeer(s)).isTrue();
            }
            try (Socket s = connect()) {
                sendFrame(s, new byte[] {0, 3}); // shorter than a header
                assertThat(closedByPeer(s)).isTrue();
            }
            try (Socket s = connect()) {
                byte[] request = apiVersionsRequest((short) 3, 1);
                byte[] cut = java.util.Arrays.copyOf(request, request.length - 6); // body cut short
                sendFrame(s, cut);
                assertThat(closedByPeer(s)).isTrue();
            }
            try (Socket s = connect()) {
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                out.writeInt(64 * 1024 * 1024); // larger than socket.request.max.bytes: refused from the size alone
                out.flush();
                assertThat(closedByPeer(s)).isTrue();
            }
            try (Socket s = connect()) {
                byte[] random = new byte[4096];
                new java.util.Random(1).nextBytes(random);
                random[0] = 0; random[1] = 18; random[2] = 0; random[3] = 3; // ApiVersions v3 with a garbage body
                sendFrame(s, random);
                assertThat(closedByPeer(s)).isTrue();
            }
            try (Socket s = connect()) {
                // A Produce v9 whose records section is garbage: the request parses, the records do not.
                byte[] random = new byte[512];
                new java.util.Random(2).nextBytes(random);
                random[0] = 0; random[1] = 0; random[2] = 0; random[3] = 9;
                sendFrame(s, random);
                DataInputStream in = new DataInputStream(s.getInputStream());
                try {
                    in.readInt(); // either an error response or a close; never a stored record
                } catch (IOException closed) {
                    // closed: fine
                }
            }
            // The first connection was never disturbed.
            sendFrame(healthy, apiVersionsRequest((short) 3, 42));
            assertThat(ResponseHeader.parse(readFrame(healthy), (short) 0).correlationId()).isEqualTo(42);
        }
        // Nothing stored changed, and what was stored reads back whole.
        assertThat(partition.logEndOffset()).isEqualTo(endBefore);
        assertThat(partition.log().size()).isEqualTo(sizeBefore);
        try (var consumer = ProduceFetchSupport.consumer(broker.get())) {
            consumer.assign(java.util.List.of(new org.apache.kafka.common.TopicPartition("kept", 0)));
            var records = ProduceFetchSupport.poll(consumer, 100, java.time.Duration.ofSeconds(20));
            assertThat(records).extracting(r -> r.value()).containsExactlyElementsOf(
                java.util.stream.IntStream.range(0, 100).mapToObj(i -> "v" + i).toList());
        }
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            assertThat(admin).isNotNull();
        }
    }
}
