package io.wharf.e2e;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A bare WebSocket client (RFC 6455) on a socket, for what no MQTT client library sends: a handshake without the
 * subprotocol, packets cut across frames, several packets in one frame, a text frame. Client frames are masked,
 * as the RFC requires. Reads wait up to 10 s.
 */
final class RawWebSocket implements AutoCloseable {
    static final int TEXT = 1;
    static final int BINARY = 2;
    static final int CLOSE = 8;
    static final int CONTINUATION = 0;

    /** A frame from the server. */
    record Frame(boolean fin, int opcode, byte[] payload) {
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    RawWebSocket(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** Sends a GET upgrade for {@code path} offering {@code subprotocols} (null: no header); returns the response head. */
    String handshake(String path, String subprotocols) throws IOException {
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        StringBuilder req = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
            + Base64.getEncoder().encodeToString(key) + "\r\n");
        if (subprotocols != null) req.append("Sec-WebSocket-Protocol: ").append(subprotocols).append("\r\n");
        req.append("\r\n");
        out.write(req.toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return readHead();
    }

    /** The status line and headers of an HTTP response, up to the empty line. */
    private String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) break;
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    void send(int opcode, boolean fin, byte[] payload) throws IOException {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write((fin ? 0x80 : 0) | opcode);
        int n = payload.length;
        if (n < 126) {
            f.write(0x80 | n);
        } else if (n < 65536) {
            f.write(0x80 | 126);
            f.write(n >> 8);
            f.write(n);
        } else {
            f.write(0x80 | 127);
            for (int i = 7; i >= 0; i--) f.write((int) ((long) n >> (8 * i)));
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        f.write(mask);
        for (int i = 0; i < n; i++) f.write(payload[i] ^ mask[i % 4]);
        out.write(f.toByteArray());
        out.flush();
    }

    /** The next frame, or null once the server closed the connection. */
    Frame receive() throws IOException {
        int b0 = in.read();
        if (b0 < 0) return null;
        int b1 = in.readUnsignedByte();
        long n = b1 & 0x7F;
        if (n == 126) n = in.readUnsignedShort();
        else if (n == 127) n = in.readLong();
        byte[] payload = new byte[(int) n];
        in.readFully(payload);
        return new Frame((b0 & 0x80) != 0, b0 & 0x0F, payload);
    }

    /** The payloads of binary frames until {@code bytes} have arrived (MQTT packets need not align with frames). */
    byte[] receiveBinary(int bytes) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        while (got.size() < bytes) {
            Frame f = receive();
            if (f == null) throw new IOException("closed after " + got.size() + " of " + bytes + " bytes");
            if (f.opcode() == BINARY || f.opcode() == CONTINUATION) got.write(f.payload());
        }
        return got.toByteArray();
    }

    /** Everything the server sends until it closes the connection (an HTTP answer's body, say). */
    String readToEnd() throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
