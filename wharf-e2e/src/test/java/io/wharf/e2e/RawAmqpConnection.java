package io.wharf.e2e;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.impl.AMQImpl;
import com.rabbitmq.client.impl.LongStringHelper;
import com.rabbitmq.client.impl.Method;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Map;

/**
 * An AMQP 0-9-1 client on a bare socket, for input RabbitMQ's Java client will not produce: frames out of
 * order, methods on channels never opened, unknown method ids. Methods are encoded and decoded by the Java
 * client's spec-generated classes ({@link AMQImpl}); framing is done here. Not thread-safe.
 */
final class RawAmqpConnection implements AutoCloseable {
    static final int METHOD = 1;
    static final int HEADER = 2;
    static final int BODY = 3;
    static final int HEARTBEAT = 8;

    /** One frame as read off the wire. */
    record Frame(int type, int channel, byte[] payload) {
        /** The method this method frame carries. */
        Method method() throws IOException {
            return AMQImpl.readMethodFrom(new DataInputStream(new ByteArrayInputStream(payload)));
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private int heartbeatsReceived;

    private RawAmqpConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 64 * 1024));
    }

    /** Connects and completes the handshake as guest on vhost "/", with {@code heartbeatSeconds} in Tune-Ok. */
    static RawAmqpConnection open(int port, int heartbeatSeconds) throws IOException {
        RawAmqpConnection c = new RawAmqpConnection(new Socket("127.0.0.1", port));
        c.socket.setSoTimeout(10_000);
        c.out.write(new byte[] {'A', 'M', 'Q', 'P', 0, 0, 9, 1});
        c.out.flush();
        c.expect(AMQImpl.Connection.Start.class);
        c.send(0, new AMQImpl.Connection.StartOk(Map.of(), "PLAIN", LongStringHelper.asLongString("\0guest\0guest"), "en_US"));
        AMQImpl.Connection.Tune tune = c.expect(AMQImpl.Connection.Tune.class);
        c.send(0, new AMQImpl.Connection.TuneOk(tune.getChannelMax(), tune.getFrameMax(), heartbeatSeconds));
        c.send(0, new AMQImpl.Connection.Open("/", "", false));
        c.expect(AMQImpl.Connection.OpenOk.class);
        return c;
    }

    void soTimeout(int millis) throws IOException { socket.setSoTimeout(millis); }

    /** Heartbeat frames read so far (they are skipped by the read methods). */
    int heartbeatsReceived() { return heartbeatsReceived; }

    void send(int channel, Method method) throws IOException {
        write(channel, method);
        flush();
    }

    /** Buffers a method frame; nothing goes out until {@link #flush} (so that several go in one TCP write). */
    void write(int channel, Method method) throws IOException {
        method.toFrame(channel).writeTo(out);
    }

    /** Buffers Basic.Publish to the default exchange, its content header and one body frame. */
    void writePublish(int channel, String routingKey, byte[] body) throws IOException {
        writePublish(channel, routingKey, new AMQP.BasicProperties(), body);
    }

    void writePublish(int channel, String routingKey, AMQP.BasicProperties properties, byte[] body) throws IOException {
        write(channel, new AMQImpl.Basic.Publish(0, "", routingKey, false, false));
        properties.toFrame(channel, body.length).writeTo(out);
        if (body.length > 0) writeFrame(BODY, channel, body);
    }

    void flush() throws IOException { out.flush(); }

    /** A content header for class basic, no properties, announcing {@code bodySize} bytes. */
    void sendContentHeader(int channel, long bodySize) throws IOException {
        new AMQP.BasicProperties().toFrame(channel, bodySize).writeTo(out);
        out.flush();
    }

    void sendBody(int channel, byte[] body) throws IOException {
        sendFrame(BODY, channel, body);
    }

    void sendFrame(int type, int channel, byte[] payload) throws IOException {
        writeFrame(type, channel, payload);
        flush();
    }

    private void writeFrame(int type, int channel, byte[] payload) throws IOException {
        out.writeByte(type);
        out.writeShort(channel);
        out.writeInt(payload.length);
        out.write(payload);
        out.writeByte(0xCE);
    }

    /** A method frame with raw class and method ids and no arguments. */
    void sendMethodIds(int channel, int classId, int methodId) throws IOException {
        sendFrame(METHOD, channel, new byte[] {(byte) (classId >> 8), (byte) classId, (byte) (methodId >> 8), (byte) methodId});
    }

    /** Opens {@code channel} and waits for Open-Ok. */
    void openChannel(int channel) throws IOException {
        send(channel, new AMQImpl.Channel.Open(""));
        expect(AMQImpl.Channel.OpenOk.class);
    }

    /** The next frame that is not a heartbeat. */
    Frame readFrame() throws IOException {
        while (true) {
            Frame f = readAnyFrame();
            if (f.type() != HEARTBEAT) return f;
        }
    }

    /** The next frame, heartbeats included (counted). */
    Frame readAnyFrame() throws IOException {
        int type = in.readUnsignedByte();
        int channel = in.readUnsignedShort();
        int size = in.readInt();
        byte[] payload = in.readNBytes(size);
        int end = in.readUnsignedByte();
        if (payload.length != size) throw new EOFException("frame cut short");
        if (end != 0xCE) throw new IOException("bad frame end 0x" + Integer.toHexString(end));
        if (type == HEARTBEAT) heartbeatsReceived++;
        return new Frame(type, channel, payload);
    }

    /** The next method, which must be a {@code type}. */
    <T extends Method> T expect(Class<T> type) throws IOException {
        Frame f = readFrame();
        if (f.type() != METHOD) throw new AssertionError("expected " + type.getSimpleName() + ", got a frame of type " + f.type());
        Method m = f.method();
        if (!type.isInstance(m)) throw new AssertionError("expected " + type.getSimpleName() + ", got " + m);
        return type.cast(m);
    }

    /**
     * Reads until the broker sends Connection.Close (skipping anything else), answers Close-Ok and returns
     * the Close.
     */
    AMQImpl.Connection.Close awaitConnectionClose() throws IOException {
        while (true) {
            Frame f = readFrame();
            if (f.type() == METHOD && f.channel() == 0 && f.method() instanceof AMQImpl.Connection.Close close) {
                send(0, new AMQImpl.Connection.CloseOk());
                return close;
            }
        }
    }

    /** Whether the broker closed the socket within {@code millis} (reading and dropping whatever comes). */
    boolean closedByBrokerWithin(long millis) throws IOException {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            socket.setSoTimeout((int) Math.max(1, deadline - System.currentTimeMillis()));
            try {
                readAnyFrame();
            } catch (EOFException e) {
                return true;
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true; // connection reset
            }
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
