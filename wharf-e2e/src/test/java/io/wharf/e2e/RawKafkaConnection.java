package io.wharf.e2e;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * One plain socket speaking the Kafka protocol with kafka-clients' own request and response classes, for
 * tests that must control a request field by field (versions, topic ids, sessions, exact timing) where the
 * real clients choose for themselves.
 */
final class RawKafkaConnection implements AutoCloseable {
    private final Socket socket;
    private final DataOutputStream out;
    private final DataInputStream in;
    private int correlationId;

    RawKafkaConnection(WharfTestBroker broker) throws IOException {
        String[] hostPort = broker.bootstrapServers().split(":");
        socket = new Socket(hostPort[0], Integer.parseInt(hostPort[1]));
        socket.setSoTimeout(30_000);
        out = new DataOutputStream(socket.getOutputStream());
        in = new DataInputStream(socket.getInputStream());
    }

    /** Sends {@code request} at its own version and waits for the response. */
    @SuppressWarnings("unchecked")
    <R extends AbstractResponse> R send(AbstractRequest request) throws IOException {
        RequestHeader header = write(request);
        byte[] body = new byte[in.readInt()];
        in.readFully(body);
        return (R) AbstractResponse.parseResponse(ByteBuffer.wrap(body), header);
    }

    /** Sends a request that gets no response (produce with acks=0). */
    void sendWithoutResponse(AbstractRequest request) throws IOException {
        write(request);
    }

    private RequestHeader write(AbstractRequest request) throws IOException {
        RequestHeader header = new RequestHeader(request.apiKey(), request.version(), "raw-test", ++correlationId);
        ByteBuffer frame = request.serializeWithHeader(header);
        out.writeInt(frame.remaining());
        out.write(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining());
        out.flush();
        return header;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
