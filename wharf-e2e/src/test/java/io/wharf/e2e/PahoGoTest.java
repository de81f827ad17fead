package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Eclipse Paho Go ({@code github.com/eclipse/paho.mqtt.golang}, MQTT 3.1.1) against Wharf's MQTT listener:
 * {@code src/test/go/paho/main.go} (login and a refused one, QoS 0/1/2 through {@code +} and {@code #}, a
 * persistent session, retained messages, Last Will of a killed process and none after Disconnect, automatic
 * reconnect after a session takeover, {@code ws://.../mqtt}) built and run against a broker started here.
 * No Go module proxy is needed: it is built in GOPATH mode from Debian's sources under {@code /usr/share/gocode}
 * ({@code golang-go}, {@code golang-github-eclipse-paho.mqtt.golang-dev}), into {@code target/paho-go}. Fails,
 * rather than skips, without them: CI has them ({@code .ci/run} installs them where missing).
 */
class PahoGoTest {
    private static final Path GOPATH = Path.of("/usr/share/gocode");
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(2);
    /** What main.go runs by default, in its order. */
    private static final List<String> SCENARIOS = List.of("connect-credentials", "qos-round-trip",
        "persistent-session", "retained", "last-will", "auto-reconnect", "websocket");

    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perClass(
        "mqtt.listeners", "MQTT://127.0.0.1:0,WS://127.0.0.1:0");

    static Path program;

    @BeforeAll
    static void start() throws Exception {
        program = build();
    }

    /** {@code go build} in GOPATH mode, offline: the imports come from Debian's Go sources only. */
    private static Path build() throws Exception {
        Path go = ClientProcess.onPath("go").orElseThrow(() -> new AssertionError(
            "PahoGoTest needs Go on the PATH (Debian: apt-get install golang-go; .ci/run installs it)"));
        assertThat(GOPATH.resolve("src/github.com/eclipse/paho.mqtt.golang/client.go"))
            .as("PahoGoTest needs the Paho Go sources (Debian: apt-get install golang-github-eclipse-paho.mqtt.golang-dev;"
                + " .ci/run installs it)").exists();
        Path source = ClientProcess.moduleDir().resolve("src/test/go/paho");
        Path target = ClientProcess.moduleDir().resolve("target/paho-go");
        Files.createDirectories(target);
        Path binary = target.resolve("paho");
        // env(1) sets the build's environment: GOPATH mode, no proxy, the build cache under target.
        ClientProcess.run(source, BUILD_TIMEOUT, List.of("env", "GO111MODULE=off", "GOPATH=" + GOPATH, "GOFLAGS=",
            "GOPROXY=off", "GOCACHE=" + target.resolve("cache"), go.toString(), "build", "-o", binary.toString(), "."))
            .succeeded();
        return binary;
    }

    private static ClientProcess.Run scenarios(int mqttPort, int wsPort, String... names) throws Exception {
        List<String> command = new ArrayList<>(List.of(program.toString(), Integer.toString(mqttPort),
            Integer.toString(wsPort)));
        command.addAll(List.of(names));
        return ClientProcess.run(broker.dir(), RUN_TIMEOUT, command);
    }

    @Test
    void everyScenarioPasses() throws Exception {
        scenarios(broker.mqttPort(), broker.server().boundPort("WS")).passedScenarios(SCENARIOS);
    }

    @Test
    void theProgramFailsLoudlyWhenNoBrokerAnswers() throws Exception {
        int closed = ClientProcess.closedPort();
        ClientProcess.Run run = scenarios(closed, closed, "connect-credentials");
        assertThat(run.exitCode()).as("exit code; stdout:%n%s", run.stdout()).isEqualTo(1);
        assertThat(run.stdout()).contains("FAILED connect-credentials: ").contains("connection refused")
            .endsWith("0 passed, 1 failed\n");
    }
}
