package io.wharf.e2e;

import static io.wharf.e2e.MqttClientSupport.closeQuietly;
import static io.wharf.e2e.MqttClientSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.wharf.e2e.MqttClientSupport.Got;
import io.wharf.e2e.MqttClientSupport.Inbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * mosquitto_pub and mosquitto_sub (Debian's {@code mosquitto-clients}, libmosquitto 2.0) against Wharf's MQTT
 * listener, as a shell script uses them: round trips at QoS 0, 1 and 2, retained messages, MQTT 5 properties
 * given with {@code -D}, a will, logins and a refused one, a persistent session ({@code -c -i}). A Java Paho
 * client is on the other side where the flags need checking. Fails, rather than skips, without the tools:
 * CI has them ({@code .ci/run} installs them where missing).
 */
class MosquittoClientsTest {
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(30);
    /** mosquitto_sub's output: topic, QoS, RETAIN, then the payload. */
    private static final String FORMAT = "MSG|%t|%q|%r|%p";

    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perClass();

    static String pub;
    static String sub;
    static String stdbuf;

    @BeforeAll
    static void start() {
        pub = tool("mosquitto_pub");
        sub = tool("mosquitto_sub");
        stdbuf = ClientProcess.onPath("stdbuf").orElseThrow(() -> new AssertionError(
            "MosquittoClientsTest needs stdbuf (coreutils) to read mosquitto_sub's output line by line")).toString();
    }

    private static String tool(String name) {
        return ClientProcess.onPath(name).orElseThrow(() -> new AssertionError("MosquittoClientsTest needs " + name
            + " on the PATH (Debian: apt-get install mosquitto-clients; .ci/run installs it)")).toString();
    }

    private static List<String> command(String tool, String... args) {
        List<String> c = new ArrayList<>(List.of(tool, "-h", "127.0.0.1", "-p", Integer.toString(broker.mqttPort()),
            "-u", "guest", "-P", "guest"));
        c.addAll(List.of(args));
        return c;
    }

    private static ClientProcess.Run publish(String... args) throws Exception {
        return ClientProcess.run(broker.dir(), RUN_TIMEOUT, command(pub, args)).succeeded();
    }

    /** A mosquitto_sub that has its SUBACK (its -d debug lines say so): what is published now reaches it. */
    private static RunningClientProcess subscriber(String... args) throws Exception {
        List<String> c = command(sub, "-d", "-F", FORMAT);
        c.addAll(List.of(args));
        return awaitSubAck(c);
    }

    /** Starts a mosquitto_sub and waits for its SUBACK; stdbuf makes it print lines as they come, not at exit. */
    private static RunningClientProcess awaitSubAck(List<String> command) throws Exception {
        List<String> c = new ArrayList<>(List.of(stdbuf, "-oL"));
        c.addAll(command);
        RunningClientProcess p = RunningClientProcess.start(broker.dir(), c);
        p.awaitLine("SUBACK", l -> l.contains("received SUBACK"));
        return p;
    }

    /** The message lines of a finished mosquitto_sub, without its debug lines. */
    private static List<String> messages(ClientProcess.Run run) {
        return run.stdout().lines().filter(l -> l.startsWith("MSG|")).toList();
    }

    @Test
    void roundTripsAtQos012ThroughWildcardsToMosquittoSubAndPaho() throws Exception {
        MqttClient paho = MqttClientSupport.v3(broker.get(), "mosq-paho-qos");
        Inbox inbox = new Inbox();
        paho.subscribe("mosq/qos/#", 2, inbox);
        try (RunningClientProcess s = subscriber("-V", "mqttv311", "-q", "2", "-t", "mosq/qos/+/t", "-C", "3")) {
            for (int q = 0; q <= 2; q++) publish("-q", Integer.toString(q), "-t", "mosq/qos/q" + q + "/t", "-m", "at " + q);
            ClientProcess.Run run = s.awaitExit().succeeded();
            assertThat(messages(run)).containsExactly("MSG|mosq/qos/q0/t|0|0|at 0", "MSG|mosq/qos/q1/t|1|0|at 1",
                "MSG|mosq/qos/q2/t|2|0|at 2");
            assertThat(inbox.take(3)).extracting(Got::payload, Got::qos)
                .containsExactly(tuple("at 0", 0), tuple("at 1", 1), tuple("at 2", 2));
        } finally {
            closeQuietly(paho);
        }
    }

    @Test
    void linesFromStdinArriveInOrderAtTheGrantedQos() throws Exception {
        Path lines = broker.dir().resolve("lines.txt");
        Files.write(lines, IntStream.range(0, 50).mapToObj(i -> "line " + i).toList());
        try (RunningClientProcess s = subscriber("-q", "1", "-t", "mosq/lines/#", "-C", "50")) {
            try (RunningClientProcess p = RunningClientProcess.start(broker.dir(), command(pub, "-q", "2", "-t", "mosq/lines/x", "-l"),
                lines)) {
                p.awaitExit().succeeded();
            }
            assertThat(messages(s.awaitExit().succeeded()))
                .containsExactlyElementsOf(IntStream.range(0, 50).mapToObj(i -> "MSG|mosq/lines/x|1|0|line " + i).toList());
        }
    }

    @Test
    void retainedWithRAndClearedWithAnEmptyRetainedMessage() throws Exception {
        publish("-q", "1", "-r", "-t", "mosq/retained/status", "-m", "online");
        ClientProcess.Run first = ClientProcess.run(broker.dir(), RUN_TIMEOUT,
            command(sub, "-F", FORMAT, "-q", "1", "-t", "mosq/retained/+", "-C", "1")).succeeded();
        assertThat(messages(first)).containsExactly("MSG|mosq/retained/status|1|1|online");
        publish("-q", "1", "-r", "-t", "mosq/retained/status", "-n");
        try (RunningClientProcess s = subscriber("-q", "1", "-t", "mosq/retained/+", "-C", "1")) {
            publish("-q", "1", "-t", "mosq/retained/marker", "-m", "marker"); // the first to arrive: nothing retained
            assertThat(messages(s.awaitExit().succeeded())).containsExactly("MSG|mosq/retained/marker|1|0|marker");
        }
    }

    @Test
    void mqtt5PropertiesGivenWithDArriveAtMosquittoSubAndPahoV5() throws Exception {
        var paho = MqttClientSupport.v5(broker.get(), "mosq-paho-v5");
        Inbox inbox = new Inbox();
        paho.subscribe(new org.eclipse.paho.mqttv5.common.MqttSubscription[] {
            new org.eclipse.paho.mqttv5.common.MqttSubscription("mosq/v5/#", 1)},
            new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {inbox});
        List<String> c = command(sub, "-d", "-V", "mqttv5", "-F", "MSG|%q|%P|%C|%R|%p", "-q", "2", "-t", "mosq/v5/#", "-C", "1");
        try (RunningClientProcess s = awaitSubAck(c)) {
            publish("-V", "mqttv5", "-q", "2", "-t", "mosq/v5/temp", "-m", "21.5",
                "-D", "publish", "user-property", "site", "k1",
                "-D", "publish", "content-type", "text/plain",
                "-D", "publish", "response-topic", "mosq/v5/reply");
            assertThat(messages(s.awaitExit().succeeded())).containsExactly("MSG|2|site:k1|text/plain|mosq/v5/reply|21.5");
            Got got = inbox.take();
            assertThat(got.payload()).isEqualTo("21.5");
            assertThat(got.qos()).isEqualTo(1);
            assertThat(got.v5().getContentType()).isEqualTo("text/plain");
            assertThat(got.v5().getResponseTopic()).isEqualTo("mosq/v5/reply");
            assertThat(got.v5().getUserProperties()).extracting(p -> p.getKey() + "=" + p.getValue()).containsExactly("site=k1");
        } finally {
            closeQuietly(paho);
        }
    }

    @Test
    void theWillOfAKilledMosquittoSubIsPublishedAndNotThatOfOneThatExits() throws Exception {
        MqttClient watcher = MqttClientSupport.v3(broker.get(), "mosq-will-watcher");
        Inbox wills = new Inbox();
        watcher.subscribe("mosq/will/#", 1, wills);
        try {
            try (RunningClientProcess killed = subscriber("-t", "mosq/idle", "--will-topic", "mosq/will/killed",
                "--will-payload", "killed is gone", "--will-qos", "1")) {
                killed.kill();
            }
            Got will = wills.take();
            assertThat(will.topic()).isEqualTo("mosq/will/killed");
            assertThat(will.payload()).isEqualTo("killed is gone");
            assertThat(will.qos()).isEqualTo(1);
            // -E: exits with a DISCONNECT once subscribed.
            ClientProcess.run(broker.dir(), RUN_TIMEOUT, command(sub, "-t", "mosq/idle", "-E", "--will-topic", "mosq/will/polite",
                "--will-payload", "polite is gone", "--will-qos", "1")).succeeded();
            watcher.publish("mosq/will/marker", utf8("marker"), 1, false);
            assertThat(wills.take().topic()).as("the marker comes next: no will").isEqualTo("mosq/will/marker");
        } finally {
            closeQuietly(watcher);
        }
    }

    @Test
    void aWrongPasswordIsRefusedWithTheCodeOfEachVersion() throws Exception {
        List<String> v311 = new ArrayList<>(command(pub, "-t", "mosq/auth", "-m", "x"));
        v311.set(v311.indexOf("-P") + 1, "wrong");
        ClientProcess.Run refused = ClientProcess.run(broker.dir(), RUN_TIMEOUT, v311);
        // mosquitto_pub exits with the CONNACK's code: 3.1.1 return code 4, v5 reason code 0x86.
        assertThat(refused.exitCode()).as("exit code; %s", refused).isEqualTo(4);
        assertThat(refused.stderr()).contains("Connection Refused: bad user name or password");
        List<String> v5 = new ArrayList<>(v311);
        v5.addAll(List.of("-V", "mqttv5"));
        ClientProcess.Run refused5 = ClientProcess.run(broker.dir(), RUN_TIMEOUT, v5);
        assertThat(refused5.exitCode()).as("exit code; %s", refused5).isEqualTo(0x86);
        assertThat(refused5.stderr()).contains("Connection error: Bad User Name or Password");
        publish("-t", "mosq/auth", "-m", "with the right password");
    }

    @Test
    void aPersistentSessionWithCAndIGetsWhatWasPublishedWhileItWasAway() throws Exception {
        ClientProcess.run(broker.dir(), RUN_TIMEOUT, command(sub, "-c", "-i", "mosq-session", "-q", "1", "-t", "mosq/session/t", "-E"))
            .succeeded();
        Path lines = broker.dir().resolve("session.txt");
        Files.write(lines, IntStream.range(0, 10).mapToObj(i -> "queued " + i).toList());
        try (RunningClientProcess p = RunningClientProcess.start(broker.dir(), command(pub, "-q", "1", "-t", "mosq/session/t", "-l"),
            lines)) {
            p.awaitExit().succeeded();
        }
        ClientProcess.Run back = ClientProcess.run(broker.dir(), RUN_TIMEOUT,
            command(sub, "-c", "-i", "mosq-session", "-q", "1", "-t", "mosq/session/t", "-F", FORMAT, "-C", "10")).succeeded();
        assertThat(messages(back))
            .containsExactlyElementsOf(IntStream.range(0, 10).mapToObj(i -> "MSG|mosq/session/t|1|0|queued " + i).toList());
        // Without -c: a clean session, which discards the stored one.
        ClientProcess.run(broker.dir(), RUN_TIMEOUT, command(sub, "-i", "mosq-session", "-t", "mosq/session/t", "-E")).succeeded();
    }
}
