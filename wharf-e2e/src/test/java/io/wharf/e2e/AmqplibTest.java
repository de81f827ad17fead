package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    private static final Duration NPM_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(2);
    /** What scenarios.js runs by default, in its order. */
    private static final List<String> SCENARIOS = List.of("work-queue-ack", "prefetch", "nack-requeue",
        "fanout-pubsub", "topic-routing", "confirm-channel", "mandatory-return", "rpc-reply-queue", "properties",
        "large-message-small-frames", "consumer-cancel-notify", "heartbeats", "channel-error-404");

    @TempDir
    static Path dir;
    static WharfTestBroker broker;
    static Path node;
    static Path project;

    @BeforeAll
    static void start() throws Exception {
        node = ClientProcess.onPath("node").orElseThrow(() -> new AssertionError(
            "AmqplibTest needs Node.js 18+ and npm on the PATH (Debian: apt-get install nodejs npm; .ci/run installs them)"));
        Path npm = ClientProcess.onPath("npm").orElseThrow(() -> new AssertionError(
            "AmqplibTest needs npm on the PATH next to node " + node + " (Debian: apt-get install npm)"));
        String version = ClientProcess.run(dir, Duration.ofSeconds(30), List.of(node.toString(), "--version"))
            .succeeded().stdout().trim();
        Matcher major = Pattern.compile("v(\\d+)\\..*").matcher(version);
        assertThat(major.matches() && Integer.parseInt(major.group(1)) >= 18)
            .as("amqplib 2 needs Node.js 18 or newer; %s is %s", node, version).isTrue();
        project = install(npm);
        broker = WharfTestBroker.start(dir);
    }

    @AfterAll
    static void stop() {
        if (broker != null) broker.close();
    }

    /**
     * Copies the script project to {@code target/amqplib} and runs {@code npm ci} there, unless the
     * dependencies of the same lock file are installed already.
     */
    private static Path install(Path npm) throws IOException, InterruptedException {
        Path source = ClientProcess.moduleDir().resolve("src/test/node/amqplib");
        Path target = ClientProcess.moduleDir().resolve("target/amqplib");
        Files.createDirectories(target);
        Path lock = source.resolve("package-lock.json");
        Path installedLock = target.resolve("node_modules/.package-lock.json");
        boolean current = Files.exists(installedLock) && Files.exists(target.resolve("package-lock.json"))
            && Files.mismatch(lock, target.resolve("package-lock.json")) == -1;
        for (String file : List.of("package.json", "package-lock.json", "scenarios.js")) {
            Files.copy(source.resolve(file), target.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!current) {
            ClientProcess.run(target, NPM_TIMEOUT, List.of(npm.toString(), "ci", "--no-audit", "--no-fund",
                "--loglevel=error")).succeeded();
        }
        return target;
    }

    private static ClientProcess.Run scenarios(int port, String... names) throws Exception {
        List<String> command = new ArrayList<>(List.of(node.toString(), "scenarios.js", Integer.toString(port)));
        command.addAll(List.of(names));
        return ClientProcess.run(project, RUN_TIMEOUT, command);
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
