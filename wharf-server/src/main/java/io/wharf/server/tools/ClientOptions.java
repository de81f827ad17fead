package io.wharf.server.tools;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/** Options every client tool shares: where the broker is, and extra client properties. */
public final class ClientOptions {
    @Option(names = "--bootstrap-server", paramLabel = "HOST:PORT", defaultValue = "localhost:9092",
        description = "Broker to connect to (default: ${DEFAULT-VALUE}).")
    String bootstrapServer;

    @Option(names = "--command-property", paramLabel = "KEY=VALUE",
        description = "Extra Kafka client property; repeatable.")
    Map<String, String> clientProperties = new HashMap<>();

    @Option(names = "--timeout-ms", paramLabel = "MS", defaultValue = "15000",
        description = "Give up on an unreachable broker after this long (default: ${DEFAULT-VALUE}).")
    int timeoutMs;

    /** Client properties with short timeouts, so that an unreachable broker fails fast with a message. */
    public Properties properties() {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrapServer);
        p.put("client.id", "wharf-cli");
        p.put("default.api.timeout.ms", Integer.toString(timeoutMs));
        p.put("request.timeout.ms", Integer.toString(Math.min(timeoutMs, 30_000)));
        p.put("max.block.ms", Integer.toString(timeoutMs));
        p.put("reconnect.backoff.max.ms", "1000");
        p.putAll(clientProperties);
        return p;
    }
}
