package io.wharf.server.cli;

import io.wharf.server.WharfServer;
import io.wharf.server.config.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code wharf server}: runs a broker until SIGTERM or SIGINT, then shuts it down cleanly and exits 0. */
@Command(name = "server", mixinStandardHelpOptions = true,
    description = "Start a Wharf broker (embedded ZooKeeper unless zookeeper.connect is set).")
public final class ServerCommand implements Callable<Integer> {
    static final Path DEFAULT_CONFIG = Path.of(System.getProperty("wharf.home", "."), "config", "server.properties");

    @Option(names = "--config", paramLabel = "FILE",
        description = "Properties file (default: config/server.properties of the Wharf installation if it exists, else built-in defaults).")
    Path configFile;

    @Option(names = "--override", paramLabel = "KEY=VALUE", description = "Override one setting; repeatable.")
    List<String> overrides = new ArrayList<>();

    @Override
    public Integer call() {
        ServerConfig config = loadConfig();
        CountDownLatch stop = new CountDownLatch(1);
        Signals.onTermination(stop::countDown);
        WharfServer server = WharfServer.start(config);
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            server.close();
        }
        return 0;
    }

    private ServerConfig loadConfig() {
        Path file = configFile;
        if (file == null && Files.exists(DEFAULT_CONFIG)) file = DEFAULT_CONFIG;
        var extra = ServerConfig.parseOverrides(overrides);
        return file == null ? ServerConfig.fromMap(extra) : ServerConfig.load(file, extra);
    }
}
