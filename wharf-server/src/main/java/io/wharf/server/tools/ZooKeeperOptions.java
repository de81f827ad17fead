package io.wharf.server.tools;

import io.wharf.broker.metadata.MetadataException;
import io.wharf.broker.metadata.ZkMetadataStore;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * Options of the tools that work on the broker's metadata directly in ZooKeeper (as rabbitmqctl works on a
 * node's database): where ZooKeeper is, and how long to wait for it.
 */
public final class ZooKeeperOptions {
    @Option(names = "--zookeeper", paramLabel = "HOST:PORT[/CHROOT]", defaultValue = "127.0.0.1:2181",
        description = "The broker's ZooKeeper: its zookeeper.connect, or the embedded ZooKeeper "
            + "(zookeeper.embedded.port, default ${DEFAULT-VALUE}).")
    String connect;

    @Option(names = "--timeout-ms", paramLabel = "MS", defaultValue = "3000",
        description = "Give up on an unreachable ZooKeeper after this long (default: ${DEFAULT-VALUE}).")
    int timeoutMs;

    /** A started store; a ZooKeeper that does not answer is a one-line ToolException within the timeout. */
    ZkMetadataStore connect() {
        if (timeoutMs <= 0) throw new ToolException("--timeout-ms must be positive, not " + timeoutMs);
        Duration timeout = Duration.ofMillis(timeoutMs);
        ZkMetadataStore store = new ZkMetadataStore(connect, timeout.plusSeconds(5), timeout);
        try {
            store.start();
            return store;
        } catch (MetadataException e) {
            store.close();
            throw new ToolException(e.getMessage() + "; is the broker running, and is --zookeeper right?", e);
        } catch (IllegalArgumentException e) {
            store.close();
            throw new ToolException("Bad --zookeeper '" + connect + "': " + e.getMessage(), e);
        }
    }
}
