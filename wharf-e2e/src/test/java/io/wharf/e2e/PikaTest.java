package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * pika, Python's AMQP 0-9-1 client (BlockingConnection), against Wharf: {@code src/test/python/pika_scenarios.py}
 * (queue declare, publish and get with message counts, consume with acks, prefetch, nack and requeue,
 * confirm_delivery with returns and nacks, direct/fanout/topic/headers exchanges, RPC, every property, a
 * 3 MiB message over 4 KiB frames, consumer cancel notification, and 404/406 channel errors the connection
 * survives) run against a broker started here. pika comes from
 * Debian ({@code python3-pika}, installed by {@code .ci/run}), which installs it for {@code /usr/bin/python3};
 * the test takes the first of {@code $WHARF_PYTHON}, the PATH's {@code python3} and {@code /usr/bin/python3}
 * that imports pika, and fails, rather than skips, when none does.
 */
class PikaTest {
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(2);
    /** What pika_scenarios.py runs by default, in its order. */
    private static final List<String> SCENARIOS = List.of("queue-declare-publish-get", "consume-ack", "prefetch",
        "nack-requeue", "confirm-delivery", "exchange-types", "rpc-reply-queue", "properties",
        "large-message-small-frames", "consumer-cancel-notify", "channel-errors");

    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perClass();

    static String python;
    static Path script;

    @BeforeAll
    static void start() throws Exception {
        script = ClientProcess.moduleDir().resolve("src/test/python/pika_scenarios.py");
        python = pythonWithPika();
    }

    private static String pythonWithPika() throws Exception {
        Set<String> candidates = new LinkedHashSet<>();
        Optional.ofNullable(System.getenv("WHARF_PYTHON")).ifPresent(candidates::add);
        ClientProcess.onPath("python3").map(Path::toString).ifPresent(candidates::add);
        candidates.add("/usr/bin/python3");
        List<String> tried = new ArrayList<>();
        for (String candidate : candidates) {
            if (!Path.of(candidate).toFile().canExecute()) {
                tried.add(candidate + " (not found)");
                continue;
            }
            ClientProcess.Run probe = ClientProcess.run(broker.dir(), Duration.ofSeconds(30),
                List.of(candidate, "-c", "import pika; print(pika.__version__)"));
            if (probe.exitCode() == 0) return candidate;
            tried.add(candidate + " (no pika)");
        }
        throw new AssertionError("PikaTest needs Python 3 with pika; tried " + String.join(", ", tried)
            + ". Install it with: apt-get install python3-pika (.ci/run does), or point WHARF_PYTHON at a python3 that has it");
    }

    private static ClientProcess.Run scenarios(int port, String... names) throws Exception {
        List<String> command = new ArrayList<>(List.of(python, script.toString(), Integer.toString(port)));
        command.addAll(List.of(names));
        return ClientProcess.run(broker.dir(), RUN_TIMEOUT, command);
    }

    @Test
    void everyScenarioPasses() throws Exception {
        scenarios(broker.amqpPort()).passedScenarios(SCENARIOS);
    }

    @Test
    void theScriptFailsLoudlyWhenNoBrokerAnswers() throws Exception {
        ClientProcess.Run run = scenarios(ClientProcess.closedPort(), "properties");
        assertThat(run.exitCode()).as("exit code; stdout:%n%s", run.stdout()).isEqualTo(1);
        assertThat(run.stdout()).contains("FAILED properties: AMQPConnectionError").endsWith("0 passed, 1 failed\n");
    }

    @Test
    void rpcThroughDirectReplyTo() throws Exception {
        scenarios(broker.amqpPort(), "rpc-direct-reply-to").passedScenarios(List.of("rpc-direct-reply-to"));
    }
}
