package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A client of another language run as a subprocess by an end-to-end test (amqplib under node, pika under
 * python3): found on the PATH, run with a time limit, its exit code and output kept for the assertions.
 */
final class ClientProcess {
    private ClientProcess() {
    }

    /** What a run printed, and how it ended. */
    record Run(List<String> command, int exitCode, String stdout, String stderr) {
        /** Asserts exit code 0, showing everything printed if not. */
        Run succeeded() {
            assertThat(exitCode).as("exit code of %s%nstdout:%n%s%nstderr:%n%s", String.join(" ", command), stdout, stderr)
                .isZero();
            return this;
        }

        /**
         * Asserts the scenario script's report: exit 0, one {@code ok <name> (<n> ms)} line per scenario in
         * order, and the closing {@code <n> passed, 0 failed}.
         */
        Run passedScenarios(List<String> scenarios) {
            succeeded();
            List<String> names = stdout.lines().filter(l -> l.startsWith("ok ") || l.startsWith("FAILED "))
                .map(ClientProcess::scenarioName).toList();
            assertThat(names).as("scenarios run; stdout:%n%s", stdout).containsExactlyElementsOf(scenarios);
            assertThat(stdout.lines().filter(l -> l.startsWith("ok ")))
                .allMatch(l -> OK_LINE.matcher(l).matches(), "ok <name> (<n> ms)");
            assertThat(stdout.lines().reduce((a, b) -> b)).as("closing line; stdout:%n%s", stdout)
                .contains(scenarios.size() + " passed, 0 failed");
            return this;
        }
    }

    private static final Pattern OK_LINE = Pattern.compile("ok [a-z0-9-]+ \\(\\d+ ms\\)");

    private static String scenarioName(String line) {
        String rest = line.substring(line.indexOf(' ') + 1);
        int end = rest.indexOf(line.startsWith("ok ") ? ' ' : ':');
        return end < 0 ? rest : rest.substring(0, end);
    }

    /** The first executable called {@code name} on the PATH. */
    static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) return Optional.empty();
        return Arrays.stream(path.split(File.pathSeparator)).map(d -> Path.of(d, name))
            .filter(Files::isExecutable).findFirst();
    }

    /** The module's directory (Surefire's {@code basedir}), where {@code src/test} and {@code target} are. */
    static Path moduleDir() {
        return Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
    }

    /** Runs {@code command} in {@code workDir}; fails, after killing it and its children, if it takes longer than {@code timeout}. */
    static Run run(Path workDir, Duration timeout, List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("client-out", ".txt");
        Path err = Files.createTempFile("client-err", ".txt");
        try {
            Process process = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor();
                throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout.toSeconds()
                    + " s; stdout:\n" + Files.readString(out) + "\nstderr:\n" + Files.readString(err));
            }
            return new Run(command, process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** A loopback port nothing listens on (it was free a moment ago): for a client's "no broker" path. */
    static int closedPort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
