package io.wharf.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker as a user runs it: a separate JVM started through the CLI, stopped with SIGTERM (exit 0,
 * clean shutdown, nothing to recover next time) or killed with SIGKILL (the next start recovers).
 */
class LauncherTest {
    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        for (Process p : processes) p.destroyForcibly();
    }

    /** A running broker process and the lines it prints. */
    private final class Broker {
        final Process process;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final List<String> all = java.util.Collections.synchronizedList(new ArrayList<>());
        final Thread reader;

        Broker(String... extraArgs) throws IOException {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-Dlogback.configurationFile=" + WharfCli.class.getResource("/logback.xml"), "-cp", System.getProperty("java.class.path"), WharfCli.class.getName(), "server",
                "--override", "log.dirs=" + dir.resolve("logs"),
                "--override", "listeners=PLAINTEXT://127.0.0.1:0",
                "--override", "amqp.listeners=AMQP://127.0.0.1:0",
                "--override", "mqtt.listeners=MQTT://127.0.0.1:0",
                "--override", "zookeeper.embedded.port=0"));
            cmd.addAll(List.of(extraArgs));
            process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            processes.add(process);
            reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        lines.add(line);
                        all.add(line);
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
            });
            reader.setDaemon(true);
            reader.start();
        }

        String awaitLine(String fragment) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (line != null && line.contains(fragment)) return line;
                if (line == null && !process.isAlive() && lines.isEmpty()) break;
            }
            throw new AssertionError("No line containing '" + fragment + "'; output was:\n" + String.join("\n", all));
        }

        int awaitExit() throws InterruptedException {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("process exited").isTrue();
            reader.join(10_000); // the last lines may still be in the pipe
            return process.exitValue();
        }

        String output() { return String.join("\n", all); }
    }

    @Test
    void sigtermShutsDownCleanlyAndTheNextStartHasNothingToRecover() throws Exception {
        Broker first = new Broker();
        String listening = first.awaitLine("is listening on 127.0.0.1:");
        assertThat(listening).doesNotEndWith(":0");
        first.awaitLine("started in");
        first.process.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our end of its output
        assertThat(first.awaitExit()).isZero();
        assertThat(first.output()).contains("shut down cleanly");

        Broker second = new Broker();
        second.awaitLine("started in");
        assertThat(second.output()).contains("nothing to recover");
        second.process.toHandle().destroy();
        assertThat(second.awaitExit()).isZero();
    }

    @Test
    void sigkillLeadsToRecoveryOnTheNextStart() throws Exception {
        Broker first = new Broker();
        first.awaitLine("started in");
        first.process.destroyForcibly(); // SIGKILL: no shutdown at all
        first.awaitExit();

        Broker second = new Broker();
        second.awaitLine("started in");
        assertThat(second.output()).doesNotContain("nothing to recover").contains("unclean shutdown");
        second.process.toHandle().destroy();
        assertThat(second.awaitExit()).isZero();
    }

    @Test
    void badConfigurationExitsNonZeroWithOneClearLine() throws Exception {
        Broker typo = new Broker("--override", "log.retention.hour=5");
        assertThat(typo.awaitExit()).isEqualTo(1);
        assertThat(typo.output()).contains("log.retention.hour").contains("did you mean 'log.retention.hours'");

        Broker wrongType = new Broker("--override", "num.partitions=many");
        assertThat(wrongType.awaitExit()).isEqualTo(1);
        assertThat(wrongType.output()).contains("'many'").contains("num.partitions");

        Broker missingFile = new Broker("--config", dir.resolve("nope.properties").toString());
        assertThat(missingFile.awaitExit()).isEqualTo(1);
        assertThat(missingFile.output()).contains("nope.properties");

        Broker badArgument = new Broker("--no-such-flag");
        assertThat(badArgument.awaitExit()).isEqualTo(2);
        assertThat(badArgument.output()).contains("--no-such-flag");
    }
}
