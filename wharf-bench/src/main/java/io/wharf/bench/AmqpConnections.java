package io.wharf.bench;

import static io.wharf.bench.DriverOutput.daemon;
import static io.wharf.bench.DriverOutput.report;
import static io.wharf.bench.DriverOutput.state;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.impl.nio.NioParams;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Holds many idle AMQP 0-9-1 connections, one channel each, open against a broker, so that a script can
 * measure what each costs the broker (bench/amqp-connections.sh).
 *
 * <p>The reference Java client (amqp-client) in NIO mode, so that the driver needs a handful of threads
 * instead of one reader thread per connection (blocking mode): {@code --io-threads} selector threads serve
 * every socket; one scheduler sends every connection's heartbeats (without a shared heartbeat executor the
 * client starts a thread per connection); {@code --threads} threads open and close connections, each
 * waiting for its handshake. The client's per-connection buffers are made small (8 KiB read and write
 * buffers, a 64-frame write queue instead of 32 KiB and 10,000) because the connections stay idle.
 *
 * <p>Phases, each announced by a line {@code state NAME} on stdout:
 * <ol>
 *   <li>{@code ready}: after a warm-up (open and close {@code --warmup} connections, so the broker has loaded
 *       and initialised what a connection needs), waits for the file {@code CONTROL/open};</li>
 *   <li>{@code all-open}: N connections with one channel each are open (heartbeat {@code --heartbeat},
 *       default 60 s); waits for {@code CONTROL/close} (or {@code --max-hold} seconds);</li>
 *   <li>{@code closed}: every connection closed (Connection.Close, Close-Ok awaited).</li>
 * </ol>
 * Figures are printed as {@code name value unit} lines like the anchor scripts.
 *
 * <p>Usage: {@code AmqpConnections --uri amqp://guest:guest@127.0.0.1:5672 --connections N --control DIR
 * [--warmup 20] [--threads 8] [--io-threads 2] [--heartbeat 60] [--max-hold 600] [--max-failures 20]}.
 * The connections go from one client address to one broker address; each takes one ephemeral port
 * ({@code /proc/sys/net/ipv4/ip_local_port_range}, 28,232 by default), so N up to ~25,000 needs no more.
 */
public final class AmqpConnections {
    private final ConnectionFactory factory;
    private final ExecutorService openers;
    private final ScheduledExecutorService heartbeats;
    private final ExecutorService shared;

    private final int maxFailures;

    private AmqpConnections(String uri, int threads, int ioThreads, int heartbeat, int maxFailures) throws Exception {
        this.maxFailures = maxFailures;
        heartbeats = Executors.newScheduledThreadPool(1, daemon("heartbeat"));
        shared = Executors.newFixedThreadPool(2, daemon("consumer-work"));
        openers = Executors.newFixedThreadPool(threads, daemon("opener"));
        factory = new ConnectionFactory();
        factory.setUri(uri);
        factory.useNio();
        factory.setNioParams(new NioParams()
            .setNbIoThreads(ioThreads)
            .setThreadFactory(daemon("nio"))
            .setReadByteBufferSize(8192)
            .setWriteByteBufferSize(8192)
            .setWriteQueueCapacity(64)
            .setConnectionShutdownExecutor(shared));
        factory.setRequestedHeartbeat(heartbeat);
        factory.setHeartbeatExecutor(heartbeats);
        factory.setSharedExecutor(shared);
        factory.setShutdownExecutor(shared);
        factory.setAutomaticRecoveryEnabled(false);
        factory.setConnectionTimeout(20_000);
        factory.setHandshakeTimeout(20_000);
    }

    public static void main(String[] args) throws Exception {
        DriverOutput.Args a = new DriverOutput.Args(args);
        AmqpConnections bench = new AmqpConnections(a.get("uri", "amqp://guest:guest@127.0.0.1:5672"),
            a.getInt("threads", 8), a.getInt("io-threads", 2), a.getInt("heartbeat", 60), a.getInt("max-failures", 20));
        int n = a.getInt("connections", 10_000);
        Path control = Path.of(a.get("control", "."));
        long maxHoldMs = TimeUnit.SECONDS.toMillis(a.getInt("max-hold", 600));
        try {
            bench.run(n, a.getInt("warmup", 20), control, maxHoldMs);
        } finally {
            bench.shutdown();
        }
    }

    private void run(int n, int warmup, Path control, long maxHoldMs) throws Exception {
        Opened w = open(warmup);
        close(w.connections);
        report("warmup.connections", w.connections.size(), "conns");
        state("ready");
        awaitFile(control.resolve("open"), maxHoldMs);

        long start = System.nanoTime();
        Opened held = open(n);
        double openSeconds = (System.nanoTime() - start) / 1e9;
        report("open.connections", held.connections.size(), "conns");
        report("open.failed", held.failed, "conns");
        if (held.firstError != null) report("open.first_error", held.firstError.replace(' ', '_'), "");
        report("open.seconds", String.format("%.2f", openSeconds), "s");
        report("open.rate", String.format("%.0f", held.connections.size() / openSeconds), "conns/s");
        state("all-open");
        awaitFile(control.resolve("close"), maxHoldMs);

        long stillOpen = held.connections.stream().filter(Connection::isOpen).count();
        report("held.open", stillOpen, "conns");
        start = System.nanoTime();
        int closeFailed = close(held.connections);
        report("close.seconds", String.format("%.2f", (System.nanoTime() - start) / 1e9), "s");
        report("close.failed", closeFailed, "conns");
        state("closed");
    }

    private record Opened(List<Connection> connections, int failed, String firstError) {
    }

    /**
     * Opens {@code n} connections with one channel each, {@code threads} handshakes at a time. After
     * {@code --max-failures} failures the rest are not tried: a broker out of file descriptors accepts no
     * more, and each further try would wait for its timeout.
     */
    private Opened open(int n) throws InterruptedException {
        List<Future<Connection>> futures = new ArrayList<>(n);
        AtomicInteger failures = new AtomicInteger();
        for (int i = 0; i < n; i++) {
            String name = "idle-" + i;
            futures.add(openers.submit(() -> {
                if (failures.get() >= maxFailures) throw new IllegalStateException("not tried: too many failures");
                Connection c;
                try {
                    c = factory.newConnection(name);
                } catch (Exception e) {
                    failures.incrementAndGet();
                    throw e;
                }
                Channel ch = c.createChannel();
                if (ch == null) throw new IllegalStateException("no channel number left");
                return c;
            }));
        }
        List<Connection> open = new ArrayList<>(n);
        int failed = 0;
        AtomicReference<String> firstError = new AtomicReference<>();
        for (Future<Connection> f : futures) {
            try {
                open.add(f.get());
            } catch (java.util.concurrent.ExecutionException e) {
                failed++;
                firstError.compareAndSet(null, String.valueOf(e.getCause()));
            }
        }
        return new Opened(open, failed, firstError.get());
    }

    /** Closes every connection (its channel with it), {@code threads} at a time; returns the failures. */
    private int close(List<Connection> connections) throws InterruptedException {
        AtomicInteger failed = new AtomicInteger();
        List<Future<?>> futures = new ArrayList<>(connections.size());
        for (Connection c : connections) {
            futures.add(openers.submit(() -> {
                try {
                    c.close(10_000);
                } catch (Exception e) {
                    failed.incrementAndGet();
                    c.abort();
                }
            }));
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                failed.incrementAndGet();
            }
        }
        return failed.get();
    }

    private static void awaitFile(Path file, long maxMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + maxMs;
        while (!Files.exists(file) && System.currentTimeMillis() < deadline) Thread.sleep(100);
    }

    private void shutdown() {
        openers.shutdownNow();
        heartbeats.shutdownNow();
        shared.shutdownNow();
    }
}
