package io.wharf.broker.metadata;

import org.apache.zookeeper.server.NIOServerCnxnFactory;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A standalone ZooKeeper server inside this JVM, for the single-broker default (no
 * {@code zookeeper.connect}) and for tests, built from ZooKeeper's own {@link ZooKeeperServer} and
 * {@link NIOServerCnxnFactory}. Snapshots and transaction logs go to {@code <dataDir>/version-2/}, so a
 * restart on the same directory finds the same znodes. ZooKeeper's admin HTTP server is never started
 * (a {@code ZooKeeperServer} used directly has none, and {@code zookeeper.admin.enableServer} is set to
 * {@code false} unless the operator set it), so port 8080 stays free.
 *
 * <p>Thread-safe: {@link #close()} may be called from any thread, more than once.
 */
public final class EmbeddedZooKeeper implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedZooKeeper.class);

    /** ZooKeeper's default tick; sessions may last from 2 to 20 ticks. */
    static final int TICK_TIME_MS = 2000;
    /** Connections per client address; 0 is unlimited (every local broker and tool shares 127.0.0.1). */
    private static final int MAX_CLIENT_CONNECTIONS = 0;
    private static final String ADMIN_SERVER_PROPERTY = "zookeeper.admin.enableServer";

    private final Path dataDir;
    private final ZooKeeperServer server;
    private final ServerCnxnFactory connections;
    private final String connectString;
    private final int port;
    private boolean closed;

    private EmbeddedZooKeeper(Path dataDir, ZooKeeperServer server, ServerCnxnFactory connections, String host) {
        this.dataDir = dataDir;
        this.server = server;
        this.connections = connections;
        this.port = connections.getLocalPort();
        this.connectString = host + ":" + port;
    }

    /**
     * Starts a server keeping its data under {@code dataDir} (created if missing) and listening on
     * {@code bindAddress}; port 0 picks a free port, see {@link #port()}.
     *
     * @throws MetadataException if the directory cannot be created or written, its data cannot be loaded,
     *                           or the address cannot be bound (for example, the port is in use)
     */
    public static EmbeddedZooKeeper start(Path dataDir, InetSocketAddress bindAddress) {
        if (System.getProperty(ADMIN_SERVER_PROPERTY) == null) {
            System.setProperty(ADMIN_SERVER_PROPERTY, "false");
        }
        Path dir = prepareDataDir(dataDir);
        ZooKeeperServer server;
        try {
            server = new ZooKeeperServer(dir.toFile(), dir.toFile(), TICK_TIME_MS);
        } catch (IOException | RuntimeException e) {
            throw new MetadataException("Cannot open ZooKeeper data directory " + dir + ": " + e.getMessage(), e);
        }
        NIOServerCnxnFactory connections = new NIOServerCnxnFactory();
        try {
            connections.configure(bindAddress, MAX_CLIENT_CONNECTIONS);
        } catch (IOException e) {
            closeQuietly(server);
            throw new MetadataException("Cannot bind ZooKeeper to " + describe(bindAddress) + ": " + e.getMessage(), e);
        }
        try {
            connections.startup(server);
        } catch (IOException | RuntimeException e) {
            connections.shutdown();
            closeQuietly(server);
            throw new MetadataException("Cannot start ZooKeeper on " + describe(bindAddress) + " with data directory "
                    + dir + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            connections.shutdown();
            closeQuietly(server);
            throw new MetadataException("Interrupted while starting ZooKeeper on " + describe(bindAddress), e);
        }
        closeRestoredSessions(server);
        EmbeddedZooKeeper zooKeeper = new EmbeddedZooKeeper(dir, server, connections, clientHost(bindAddress));
        log.info("Embedded ZooKeeper listening on {} with data in {}", zooKeeper.connectString, dir);
        return zooKeeper;
    }

    /**
     * Closes the sessions restored from the data directory. This ensemble belongs to one broker process,
     * which holds its log directory's lock, so any session from disk belonged to a predecessor that died
     * without closing it; left alone, its ephemeral {@code /brokers/ids/<id>} would block the new broker's
     * registration until the session timed out. Closing is queued before any client request.
     */
    private static void closeRestoredSessions(ZooKeeperServer server) {
        for (long session : server.getZKDatabase().getSessions()) {
            log.info("Closing ZooKeeper session 0x{} left by a previous run", Long.toHexString(session));
            server.closeSession(session);
        }
    }

    /** The connect string clients use, e.g. {@code 127.0.0.1:2181}. */
    public String connectString() {
        return connectString;
    }

    /** The port the server listens on (the chosen one when started with port 0). */
    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Closes every client connection (their sessions end as the server stops), then the data files. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        connections.shutdown();
        try {
            connections.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(server);
        log.info("Embedded ZooKeeper on {} stopped", connectString);
    }

    private static Path prepareDataDir(Path dataDir) {
        Path dir = dataDir.toAbsolutePath();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new MetadataException("Cannot create ZooKeeper data directory " + dir + ": " + e, e);
        }
        if (!Files.isWritable(dir)) {
            throw new MetadataException("ZooKeeper data directory " + dir + " is not writable");
        }
        return dir;
    }

    /** Stops the request pipeline (if it started) and closes the snapshot and transaction log files. */
    private static void closeQuietly(ZooKeeperServer server) {
        try {
            server.shutdown(true);
        } catch (RuntimeException e) {
            log.warn("Error stopping embedded ZooKeeper", e);
        }
        try {
            if (server.getTxnLogFactory() != null) {
                server.getTxnLogFactory().close();
            }
        } catch (IOException | RuntimeException e) {
            log.warn("Error closing embedded ZooKeeper data files", e);
        }
    }

    /** The host clients dial: loopback when bound to the wildcard address, IPv6 literals in brackets. */
    private static String clientHost(InetSocketAddress bindAddress) {
        InetAddress address = bindAddress.getAddress();
        if (address == null || address.isAnyLocalAddress()) {
            return "127.0.0.1";
        }
        String host = address.getHostAddress();
        return address instanceof Inet6Address ? "[" + host + "]" : host;
    }

    private static String describe(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        String host = ip == null ? address.getHostString() : ip.getHostAddress();
        return (ip instanceof Inet6Address ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
