package io.wharf.bench;

import static io.wharf.bench.DriverOutput.daemon;
import static io.wharf.bench.DriverOutput.report;
import static io.wharf.bench.DriverOutput.state;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Holds many idle MQTT 3.1.1 connections open against a broker, so that a script can measure what each costs the
 * broker (bench/mqtt-connections.sh), and checks that the broker still serves a new client meanwhile.
 *
 * <p>Each idle connection is a raw socket on a few Netty event loops: it sends a CONNECT (clean session, keep-alive
 * {@code --keepalive} seconds, no user name), waits for CONNACK 0, and then sends a PINGREQ every half keep-alive
 * (starting at a random point, so that the pings spread out). Nothing else is decoded: the idle client keeps no
 * decoder state, so that hundreds of thousands fit in the driver's heap. The sockets are spread round robin over
 * {@code --sources} client addresses 127.0.0.2, 127.0.0.3, ...: each source address has its own ephemeral ports
 * ({@code /proc/sys/net/ipv4/ip_local_port_range}, 28,232 by default), so one address would cap N near 28,000.
 * At most {@code --window} handshakes are under way at once.
 *
 * <p>Phases, each announced by a line {@code state NAME} on stdout:
 * <ol>
 *   <li>{@code ready}: after a warm-up ({@code --warmup} connections opened and closed, so that the broker has
 *       loaded and initialised what a connection needs), waits for the file {@code CONTROL/open};</li>
 *   <li>{@code all-open}: N connections are open; a probe then checks a publish/subscribe round trip between two
 *       new clients (QoS 1, {@code --probes} messages); waits for {@code CONTROL/close} (or {@code --max-hold}
 *       seconds);</li>
 *   <li>{@code closed}: every connection sent DISCONNECT and closed.</li>
 * </ol>
 * Figures are printed as {@code name value unit} lines like the anchor scripts.
 *
 * <p>Usage: {@code MqttConnections --host 127.0.0.1 --port 1883 --connections N --control DIR [--sources 8]
 * [--window 500] [--threads 2] [--keepalive 60] [--warmup 20] [--probes 20] [--max-hold 900]
 * [--max-failures 20]}.
 */
public final class MqttConnections {
    private static final byte[] PINGREQ = {(byte) 0xC0, 0};
    private static final byte[] DISCONNECT = {(byte) 0xE0, 0};
    private static final String PROBE_TOPIC = "wharf/bench/probe";

    private final InetSocketAddress broker;
    private final int sources;
    private final int keepAlive;
    private final int window;
    private final int maxFailures;
    private final EventLoopGroup loops;
    private final Bootstrap idle;
    /** Held connections the broker closed (or that failed) after their CONNACK. */
    private final AtomicInteger dropped = new AtomicInteger();

    private MqttConnections(DriverOutput.Args a) {
        broker = new InetSocketAddress(a.get("host", "127.0.0.1"), a.getInt("port", 1883));
        sources = a.getInt("sources", 8);
        keepAlive = a.getInt("keepalive", 60);
        window = a.getInt("window", 500);
        maxFailures = a.getInt("max-failures", 20);
        loops = new NioEventLoopGroup(a.getInt("threads", 2), daemon("mqtt-client"));
        idle = new Bootstrap().group(loops).channel(NioSocketChannel.class)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000)
            .option(ChannelOption.TCP_NODELAY, true)
            .handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                }
            });
    }

    public static void main(String[] args) throws Exception {
        DriverOutput.Args a = new DriverOutput.Args(args);
        MqttConnections bench = new MqttConnections(a);
        try {
            bench.run(a.getInt("connections", 10_000), a.getInt("warmup", 20), a.getInt("probes", 20),
                Path.of(a.get("control", ".")), TimeUnit.SECONDS.toMillis(a.getInt("max-hold", 900)));
        } finally {
            bench.loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    private void run(int n, int warmup, int probes, Path control, long maxHoldMs) throws Exception {
        Opened w = open(warmup, "warmup-");
        close(w.channels);
        report("warmup.connections", w.channels.size(), "conns");
        state("ready");
        awaitFile(control.resolve("open"), maxHoldMs);

        long start = System.nanoTime();
        Opened held = open(n, "idle-");
        double openSeconds = (System.nanoTime() - start) / 1e9;
        report("open.connections", held.channels.size(), "conns");
        report("open.failed", held.failed, "conns");
        if (held.firstError != null) report("open.first_error", held.firstError.replace(' ', '_'), "");
        report("open.seconds", String.format("%.2f", openSeconds), "s");
        report("open.rate", String.format("%.0f", held.channels.size() / openSeconds), "conns/s");
        report("open.sources", Math.min(sources, Math.max(1, n)), "addresses");
        state("all-open");
        probe(probes);
        awaitFile(control.resolve("close"), maxHoldMs);

        report("held.open", held.channels.stream().filter(Channel::isActive).count(), "conns");
        report("held.dropped", dropped.get(), "conns");
        start = System.nanoTime();
        close(held.channels);
        report("close.seconds", String.format("%.2f", (System.nanoTime() - start) / 1e9), "s");
        state("closed");
    }

    private record Opened(List<Channel> channels, int failed, String firstError) {
    }

    /**
     * Opens {@code n} idle connections, {@code --window} handshakes at a time. After {@code --max-failures} failures
     * the rest are not tried: a broker out of file descriptors accepts no more, and each try would wait for its
     * timeout.
     */
    private Opened open(int n, String prefix) throws InterruptedException {
        Semaphore inProgress = new Semaphore(window);
        List<CompletableFuture<Channel>> all = new ArrayList<>(n);
        AtomicInteger failures = new AtomicInteger();
        for (int i = 0; i < n && failures.get() < maxFailures; i++) {
            inProgress.acquire();
            CompletableFuture<Channel> connected = new CompletableFuture<>();
            connected.whenComplete((c, e) -> {
                inProgress.release();
                if (e != null) failures.incrementAndGet();
            });
            all.add(connected);
            byte[] connect = connectPacket(prefix + i);
            InetSocketAddress local = new InetSocketAddress("127.0.0." + (2 + i % sources), 0);
            ChannelFuture f = idle.clone().handler(new IdleClient(connect, connected)).connect(broker, local);
            f.addListener(done -> {
                if (!done.isSuccess()) connected.completeExceptionally(done.cause());
            });
        }
        List<Channel> open = new ArrayList<>(all.size());
        AtomicReference<String> firstError = new AtomicReference<>();
        int failed = n - all.size();
        for (CompletableFuture<Channel> f : all) {
            try {
                open.add(f.get(60, TimeUnit.SECONDS));
            } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
                failed++;
                firstError.compareAndSet(null, String.valueOf(e instanceof TimeoutException ? e : e.getCause()));
            }
        }
        return new Opened(open, failed, firstError.get());
    }

    /** CONNECT, MQTT 3.1.1, clean session, no user name. */
    private byte[] connectPacket(String clientId) {
        byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
        int remaining = 10 + 2 + id.length;
        ByteBuf b = Unpooled.buffer(2 + remaining);
        b.writeByte(0x10).writeByte(remaining); // client ids stay short: one length byte
        b.writeShort(4).writeBytes("MQTT".getBytes(StandardCharsets.US_ASCII)).writeByte(4).writeByte(0x02)
            .writeShort(keepAlive);
        b.writeShort(id.length).writeBytes(id);
        return Arrays.copyOf(b.array(), b.writerIndex());
    }

    /** One idle client: CONNECT, CONNACK, then a PINGREQ every half keep-alive; the replies are not decoded. */
    private final class IdleClient extends ChannelInboundHandlerAdapter {
        private final byte[] connect;
        private final CompletableFuture<Channel> connected;
        private byte[] connAck = new byte[4];
        private int got;

        IdleClient(byte[] connect, CompletableFuture<Channel> connected) {
            this.connect = connect;
            this.connected = connected;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(connect));
            ctx.executor().schedule(() -> {
                if (connected.completeExceptionally(new TimeoutException("no CONNACK in 30 s"))) ctx.close();
            }, 30, TimeUnit.SECONDS);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            try {
                while (connAck != null && got < 4 && b.isReadable()) connAck[got++] = b.readByte();
                if (connAck == null || got < 4) return; // PINGRESPs, or a CONNACK not all here yet
                if (connAck[0] != 0x20 || connAck[1] != 2 || connAck[3] != 0) {
                    connected.completeExceptionally(new IllegalStateException("CONNACK refused: "
                        + Arrays.toString(connAck)));
                    ctx.close();
                    return;
                }
                connAck = null;
                if (keepAlive > 0) {
                    long every = keepAlive * 500L;
                    ctx.executor().scheduleAtFixedRate(() -> ctx.writeAndFlush(Unpooled.wrappedBuffer(PINGREQ)),
                        ThreadLocalRandom.current().nextLong(every), every, TimeUnit.MILLISECONDS);
                }
                connected.complete(ctx.channel());
            } finally {
                b.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (connected.completeExceptionally(new IllegalStateException("closed before CONNACK"))) return;
            if (!connected.isCompletedExceptionally() && !ctx.channel().hasAttr(CLOSING)) dropped.incrementAndGet();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            connected.completeExceptionally(cause);
            ctx.close();
        }
    }

    private static final io.netty.util.AttributeKey<Boolean> CLOSING = io.netty.util.AttributeKey.valueOf("closing");

    /** Sends DISCONNECT on every connection and closes it; waits for them all. */
    private static void close(List<Channel> channels) {
        List<ChannelFuture> closing = new ArrayList<>(channels.size());
        for (Channel c : channels) {
            c.attr(CLOSING).set(true);
            closing.add(c.writeAndFlush(Unpooled.wrappedBuffer(DISCONNECT)).channel().close());
        }
        for (ChannelFuture f : closing) f.awaitUninterruptibly(10_000);
    }

    // ---- the probe: a publish/subscribe round trip between two new clients ----

    /**
     * A subscriber and a publisher connect (from 127.0.0.1), the subscriber subscribes at QoS 1, and the publisher
     * publishes {@code count} QoS 1 messages one at a time, each waiting for the subscriber to get it: prints the
     * time to connect both and the round trips (publish to delivery).
     */
    private void probe(int count) {
        if (count <= 0) return;
        long t0 = System.nanoTime();
        try (ProbeClient sub = new ProbeClient("probe-sub"); ProbeClient pub = new ProbeClient("probe-pub")) {
            report("probe.connect_ms", String.format("%.1f", (System.nanoTime() - t0) / 1e6), "ms");
            sub.send(MqttMessageBuilders.subscribe().messageId(1).addSubscription(MqttQoS.AT_LEAST_ONCE, PROBE_TOPIC)
                .build());
            sub.expect(MqttMessageType.SUBACK);
            double[] ms = new double[count];
            for (int i = 0; i < count; i++) {
                long sent = System.nanoTime();
                pub.send(MqttMessageBuilders.publish().topicName(PROBE_TOPIC).qos(MqttQoS.AT_LEAST_ONCE).messageId(i + 1)
                    .payload(Unpooled.wrappedBuffer(("probe " + i).getBytes(StandardCharsets.UTF_8))).build());
                MqttPublishMessage got = (MqttPublishMessage) sub.expect(MqttMessageType.PUBLISH);
                ms[i] = (System.nanoTime() - sent) / 1e6;
                String body = got.payload().toString(StandardCharsets.UTF_8);
                int id = got.variableHeader().packetId();
                got.release();
                if (!body.equals("probe " + i)) throw new IllegalStateException("probe got '" + body + "', not 'probe " + i + "'");
                sub.send(MqttMessageBuilders.pubAck().packetId(id).build());
                pub.expect(MqttMessageType.PUBACK);
            }
            Arrays.sort(ms);
            report("probe.messages", count, "msgs");
            report("probe.round_trip_median_ms", String.format("%.2f", ms[count / 2]), "ms");
            report("probe.round_trip_max_ms", String.format("%.2f", ms[count - 1]), "ms");
            report("probe.ok", 1, "");
        } catch (Exception e) {
            report("probe.ok", 0, "");
            report("probe.error", String.valueOf(e).replace(' ', '_'), "");
        }
    }

    /** A client that decodes what it gets (Netty's MQTT codec), driven step by step by the probe. */
    private final class ProbeClient implements AutoCloseable {
        private final BlockingQueue<MqttMessage> received = new LinkedBlockingQueue<>();
        private final Channel channel;

        ProbeClient(String clientId) throws Exception {
            channel = new Bootstrap().group(loops).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new MqttDecoder(), MqttEncoder.INSTANCE, new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                received.add((MqttMessage) msg);
                            }
                        });
                    }
                }).connect(broker).sync().channel();
            send(MqttMessageBuilders.connect().clientId(clientId).protocolVersion(MqttVersion.MQTT_3_1_1)
                .cleanSession(true).keepAlive(keepAlive).build());
            MqttConnAckMessage ack = (MqttConnAckMessage) expect(MqttMessageType.CONNACK);
            if (ack.variableHeader().connectReturnCode() != MqttConnectReturnCode.CONNECTION_ACCEPTED) {
                throw new IllegalStateException("probe " + clientId + " refused: " + ack.variableHeader().connectReturnCode());
            }
        }

        void send(MqttMessage m) {
            channel.writeAndFlush(m);
        }

        MqttMessage expect(MqttMessageType type) throws InterruptedException, TimeoutException {
            MqttMessage m = received.poll(30, TimeUnit.SECONDS);
            if (m == null) throw new TimeoutException("no " + type + " within 30 s");
            if (m.fixedHeader().messageType() != type) {
                ReferenceCountUtil.release(m);
                throw new IllegalStateException("expected " + type + ", got " + m.fixedHeader().messageType()
                    + (m.variableHeader() instanceof MqttMessageIdVariableHeader h ? " " + h.messageId() : ""));
            }
            return m;
        }

        @Override
        public void close() {
            channel.writeAndFlush(Unpooled.wrappedBuffer(DISCONNECT));
            channel.close().awaitUninterruptibly(5_000);
        }
    }

    // ---- plumbing ----

    private static void awaitFile(Path file, long maxMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + maxMs;
        while (!Files.exists(file) && System.currentTimeMillis() < deadline) Thread.sleep(100);
    }
}
