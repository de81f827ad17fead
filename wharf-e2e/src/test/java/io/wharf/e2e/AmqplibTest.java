package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * amqplib, Node.js's AMQP 0-9-1 client, against Wharf: {@code src/test/node/amqplib/scenarios.js} (work
 * queue with acks, prefetch, nack and requeue, fanout, topic routing, a confirm channel, mandatory returns,
 * RPC with replyTo and correlationId, every property, a 3 MiB message over 4 KiB frames, consumer cancel
 * notification, heartbeats on an idle connection, a 404 channel error the connection survives) run by
 * node against a broker started here. The package is installed with {@code npm ci} from the committed
 * lock file into {@code target/amqplib}, once per checkout. Fails, rather than skips, without node and
 * npm: CI has them ({@code .ci/run} installs them where missing).
 */
class AmqplibTest {
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(2);
    /** What scenarios.js runs by default, in its order. */
    private static final List<String> SCENARIOS = List.of("work-queue-ack", "prefetch", "nack-requeue",
        "fanout-pubsub", "topic-routing", "confirm-channel", "mandatory-return", "rpc-reply-queue", "properties",
        "large-message-small-frames", "consumer-cancel-notify", "heartbeats", "channel-error-404");

    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perClass();

    static NodeProject project;

    @BeforeAll
    static void start() throws Exception {
        project = NodeProject.install("amqplib", "AmqplibTest", List.of("scenarios.js"));
    }

    private static ClientProcess.Run scenarios(int port, String... names) throws Exception {
        List<String> args = new ArrayList<>(List.of(Integer.toString(port)));
        args.addAll(List.of(names));
        return project.run(RUN_TIMEOUT, "scenarios.js", args);
    }

    @Test
    void everyScenarioPasses() throws Exception {
        scenarios(broker.amqpPort()).passedScenarios(SCENARIOS);
    }

    @Test
    void theScriptFailsLoudlyWhenNoBrokerAnswers() throws Exception {
        ClientProcess.Run run = scenarios(ClientProcess.closedPort(), "properties");
        assertThat(run.exitCode()).as("exit code; stdout:%n%s", run.stdout()).isEqualTo(1);
        assertThat(run.stdout()).contains("FAILED properties: ").contains("ECONNREFUSED").endsWith("0 passed, 1 failed\n");
    }

    @Test
    void rpcThroughDirectReplyTo() throws Exception {
        scenarios(broker.amqpPort(), "rpc-direct-reply-to").passedScenarios(List.of("rpc-direct-reply-to"));
    }
}
