package io.wharf.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One of Kafka's command-line tools (kafka-topics, kafka-consumer-groups, ...), unmodified, run in its own JVM
 * by its main class as the shell scripts do, with the test's class path (the pinned kafka-tools release).
 */
final class KafkaTool {
    private KafkaTool() {
    }

    /** What the tool printed (stdout and stderr) and its exit code. */
    record Result(int exit, String out) {
    }

    /** Runs {@code mainClass} with {@code args}, feeding it {@code stdin} if not null; output goes to a file in {@code dir}. */
    static Result run(Path dir, String mainClass, String stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m", "-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(List.of(args));
        Path output = Files.createTempFile(dir, "tool", ".out");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile());
        Process p = pb.start();
        if (stdin != null) p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(mainClass + " did not finish; output:\n" + Files.readString(output));
        }
        return new Result(p.exitValue(), Files.readString(output));
    }
}
