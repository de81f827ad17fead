package io.wharf.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A client subprocess that keeps running while the test goes on (a subscriber, a client whose will is
 * wanted): its stdout read line by line as it comes, so that the test can wait for "subscribed" before it
 * publishes. {@link ClientProcess} is for clients that run to the end on their own.
 */
final class RunningClientProcess implements AutoCloseable {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final List<String> command;
    private final Process process;
    private final Path err;
    private final BlockingQueue<String> unread = new LinkedBlockingQueue<>();
    private final List<String> all = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Thread reader;

    private RunningClientProcess(List<String> command, Process process, Path err) {
        this.command = command;
        this.process = process;
        this.err = err;
        this.reader = new Thread(this::read, "stdout of " + command.get(0));
        reader.setDaemon(true);
        reader.start();
    }

    static RunningClientProcess start(Path workDir, List<String> command) throws IOException {
        return start(workDir, command, Path.of("/dev/null"));
    }

    /** Starts {@code command} with {@code stdin} as its standard input. */
    static RunningClientProcess start(Path workDir, List<String> command, Path stdin) throws IOException {
        Path err = Files.createTempFile("client-err", ".txt");
        Process p = new ProcessBuilder(command).directory(workDir.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(stdin.toFile()))
            .redirectError(err.toFile()).start();
        return new RunningClientProcess(command, p, err);
    }

    private void read() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                all.add(line);
                unread.add(line);
            }
        } catch (IOException e) {
            // the process is gone
        }
    }

    /** Waits for a line that matches, skipping the others; fails after 10 s with everything printed. */
    String awaitLine(String what, Predicate<String> matches) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (;;) {
            String line = unread.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) throw new AssertionError(describe("no line with " + what + " within " + WAIT.toSeconds() + " s"));
            if (matches.test(line)) return line;
        }
    }

    /** Waits for the process to end on its own; its exit code and every stdout line. */
    ClientProcess.Run awaitExit() throws InterruptedException, IOException {
        if (!process.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(describe("did not exit within " + WAIT.toSeconds() + " s"));
        }
        reader.join(WAIT.toMillis());
        return new ClientProcess.Run(command, process.exitValue(), String.join("\n", all) + "\n", Files.readString(err));
    }

    /** SIGKILL: the client gets no chance to say goodbye. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    private String describe(String what) throws IOException {
        return String.join(" ", command) + ": " + what + "; stdout:\n" + String.join("\n", all) + "\nstderr:\n"
            + Files.readString(err);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (process.isAlive()) kill();
        Files.deleteIfExists(err);
    }
}
