package io.wharf.e2e;

import io.wharf.server.cli.WharfCli;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Wharf broker in a JVM of its own, started as a user starts it ({@code WharfCli server} with
 * {@code --override}s), so that a test can SIGKILL it: data in {@code dir/logs}, every listener on an
 * ephemeral loopback port, the AMQP port read from the broker's "is listening on" log line.
 */
final class ChildBroker implements AutoCloseable {
    private static final Pattern AMQP_LISTENING = Pattern.compile("AMQP listener AMQP is listening on 127\\.0\\.0\\.1:(\\d+)");

    private final Process process;
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final Thread reader;
    private final int amqpPort;

    private ChildBroker(Path dir, String heap, String... overrides) throws IOException, InterruptedException {
        Path logback = dir.resolve("child-logback.xml");
        if (!Files.exists(logback)) {
            Files.writeString(logback, """
                <configuration>
                  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>[%d{HH:mm:ss.SSS}] %-5level [%logger{0}] %msg%n</pattern></encoder>
                  </appender>
                  <logger name="org.apache.zookeeper" level="WARN"/>
                  <logger name="org.apache.curator" level="WARN"/>
                  <logger name="io.netty" level="WARN"/>
                  <root level="INFO"><appender-ref ref="OUT"/></root>
                </configuration>
                """);
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx" + heap, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dlogback.configurationFile=" + logback.toUri(),
            "-cp", System.getProperty("java.class.path"), WharfCli.class.getName(), "server",
            "--override", "log.dirs=" + dir.resolve("logs"),
            "--override", "listeners=PLAINTEXT://127.0.0.1:0",
            "--override", "amqp.listeners=AMQP://127.0.0.1:0",
            "--override", "mqtt.listeners=MQTT://127.0.0.1:0",
            "--override", "zookeeper.embedded.port=0",
            "--override", "group.initial.rebalance.delay.ms=0"));
        for (String o : overrides) {
            cmd.add("--override");
            cmd.add(o);
        }
        process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) lines.add(line);
            } catch (IOException ignored) {
                // the process ended
            }
        }, "child-broker-output");
        reader.setDaemon(true);
        reader.start();
        Matcher m = AMQP_LISTENING.matcher(awaitLine("AMQP listener AMQP is listening on"));
        if (!m.find()) throw new AssertionError("no port in the listener line; output was:\n" + output());
        amqpPort = Integer.parseInt(m.group(1));
        awaitLine("started in");
    }

    /** Starts a broker on {@code dir}'s data with a heap of 256 MiB; waits until it is started. */
    static ChildBroker start(Path dir, String... overrides) throws IOException, InterruptedException {
        return new ChildBroker(dir, "256m", overrides);
    }

    /** Starts a broker with the heap given ({@code -Xmx}). */
    static ChildBroker startWithHeap(Path dir, String heap, String... overrides) throws IOException, InterruptedException {
        return new ChildBroker(dir, heap, overrides);
    }

    int amqpPort() { return amqpPort; }

    boolean isAlive() { return process.isAlive(); }

    /** Everything the broker printed so far. */
    String output() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    /** The first line containing {@code fragment}, waiting up to 60 s for it. */
    String awaitLine(String fragment) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int seen = 0;
        while (System.nanoTime() < deadline) {
            synchronized (lines) {
                for (; seen < lines.size(); seen++) {
                    if (lines.get(seen).contains(fragment)) return lines.get(seen);
                }
            }
            if (!process.isAlive()) {
                reader.join(5_000);
                synchronized (lines) {
                    for (String l : lines) if (l.contains(fragment)) return l;
                }
                break;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("No line containing '" + fragment + "'; output was:\n" + output());
    }

    /** SIGKILL: no shutdown hook, no flush; returns once the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) throw new AssertionError("broker did not die from SIGKILL");
        reader.join(5_000);
    }

    /** A RabbitMQ client connection factory for this broker, as guest on vhost "/". */
    com.rabbitmq.client.ConnectionFactory amqpFactory() {
        com.rabbitmq.client.ConnectionFactory f = new com.rabbitmq.client.ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(amqpPort);
        f.setAutomaticRecoveryEnabled(false);
        return f;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) kill();
        // Into the test's output file (surefire redirects it): the evidence when a test fails.
        System.out.println("---- child broker output ----\n" + output() + "\n---- end of child broker output ----");
    }
}
