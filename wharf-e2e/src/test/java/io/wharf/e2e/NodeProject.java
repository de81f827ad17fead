package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Node.js script project under {@code src/test/node/<name>} (package.json, package-lock.json, scripts),
 * installed with {@code npm ci} into {@code target/<name>} once per lock file. Fails, rather than skips,
 * without node 18+ and npm: CI has them ({@code .ci/run} installs them where missing).
 */
record NodeProject(Path node, Path dir) {
    private static final Duration NPM_TIMEOUT = Duration.ofMinutes(5);

    static NodeProject install(String name, String test, List<String> scripts) throws IOException, InterruptedException {
        Path node = ClientProcess.onPath("node").orElseThrow(() -> new AssertionError(test
            + " needs Node.js 18+ and npm on the PATH (Debian: apt-get install nodejs npm; .ci/run installs them)"));
        Path npm = ClientProcess.onPath("npm").orElseThrow(() -> new AssertionError(
            test + " needs npm on the PATH next to node " + node + " (Debian: apt-get install npm)"));
        Path source = ClientProcess.moduleDir().resolve("src/test/node").resolve(name);
        Path target = ClientProcess.moduleDir().resolve("target").resolve(name);
        Files.createDirectories(target);
        String version = ClientProcess.run(target, Duration.ofSeconds(30), List.of(node.toString(), "--version"))
            .succeeded().stdout().trim();
        Matcher major = Pattern.compile("v(\\d+)\\..*").matcher(version);
        assertThat(major.matches() && Integer.parseInt(major.group(1)) >= 18)
            .as("%s needs Node.js 18 or newer; %s is %s", test, node, version).isTrue();
        Path lock = source.resolve("package-lock.json");
        boolean current = Files.exists(target.resolve("node_modules/.package-lock.json"))
            && Files.exists(target.resolve("package-lock.json"))
            && Files.mismatch(lock, target.resolve("package-lock.json")) == -1;
        for (String file : concat(List.of("package.json", "package-lock.json"), scripts)) {
            Files.copy(source.resolve(file), target.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!current) {
            ClientProcess.run(target, NPM_TIMEOUT, List.of(npm.toString(), "ci", "--no-audit", "--no-fund",
                "--loglevel=error")).succeeded();
        }
        return new NodeProject(node, target);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    /** Runs {@code node <script> <args...>} in the installed project. */
    ClientProcess.Run run(Duration timeout, String script, List<String> args) throws IOException, InterruptedException {
        return ClientProcess.run(dir, timeout, concat(List.of(node.toString(), script), args));
    }
}
