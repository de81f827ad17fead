package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * mqtt.js 5, the Node.js and browser MQTT client, against Wharf's MQTT listener over TCP and WebSocket:
 * {@code src/test/node/mqttjs/scenarios.js} (login at 3.1.1 and 5 and refused logins with their codes, QoS 0/1/2
 * through {@code +} and {@code #}, retained messages set and cleared, persistent sessions of both versions,
 * Last Will on a destroyed socket and none after end(), MQTT 5 properties, a shared subscription, and
 * {@code ws://.../mqtt} as browsers use it), run by node against a broker started here. mqtt.js is installed
 * with {@code npm ci} from the committed lock file into {@code target/mqttjs}.
 */
class MqttJsTest {
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(2);
    /** What scenarios.js runs by default, in its order. */
    private static final List<String> SCENARIOS = List.of("connect-v311", "connect-v5", "qos-round-trip", "retained",
        "persistent-session", "last-will", "v5-properties", "shared-subscription", "websocket");

    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perClass(
        "mqtt.listeners", "MQTT://127.0.0.1:0,WS://127.0.0.1:0");

    static NodeProject project;

    @BeforeAll
    static void start() throws Exception {
        project = NodeProject.install("mqttjs", "MqttJsTest", List.of("scenarios.js"));
    }

    private static ClientProcess.Run scenarios(int mqttPort, int wsPort, String... names) throws Exception {
        List<String> args = new ArrayList<>(List.of(Integer.toString(mqttPort), Integer.toString(wsPort)));
        args.addAll(List.of(names));
        return project.run(RUN_TIMEOUT, "scenarios.js", args);
    }

    @Test
    void everyScenarioPasses() throws Exception {
        scenarios(broker.mqttPort(), broker.server().boundPort("WS")).passedScenarios(SCENARIOS);
    }

    @Test
    void theScriptFailsLoudlyWhenNoBrokerAnswers() throws Exception {
        int closed = ClientProcess.closedPort();
        ClientProcess.Run run = scenarios(closed, closed, "connect-v5");
        assertThat(run.exitCode()).as("exit code; stdout:%n%s", run.stdout()).isEqualTo(1);
        assertThat(run.stdout()).contains("FAILED connect-v5: ").contains("ECONNREFUSED").endsWith("0 passed, 1 failed\n");
    }
}
