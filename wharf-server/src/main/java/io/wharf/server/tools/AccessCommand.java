package io.wharf.server.tools;

import io.wharf.broker.metadata.ZkMetadataStore;
import io.wharf.broker.security.AccessControl;
import io.wharf.broker.security.AccessException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * One {@code vhosts}, {@code users} or {@code permissions} subcommand: it connects to the broker's ZooKeeper,
 * makes its change through {@link AccessControl} (so that the layout and the rules are the broker's own), and
 * disconnects. A running broker's watch applies the change within moments. A refused change
 * ({@link AccessException}, or bad input such as a regex that does not compile) is one line and exit code 1.
 */
abstract class AccessCommand implements Callable<Integer> {
    @Mixin
    ZooKeeperOptions zookeeper;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() {
        try (ZkMetadataStore store = zookeeper.connect();
             AccessControl access = new AccessControl(store.wharfNodes())) {
            access.start();
            run(access, spec.commandLine().getOut());
            return 0;
        } catch (AccessException | IllegalArgumentException e) {
            throw new ToolException(e.getMessage(), e);
        }
    }

    /** Does the work; {@code access} is started and reflects ZooKeeper. */
    abstract void run(AccessControl access, PrintWriter out);

    /** A name as the messages quote it, like rabbitmqctl. */
    static String quoted(String name) {
        return "'" + name + "'";
    }
}
