package io.wharf.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The broker of an end-to-end test class, in a data directory of its own:
 * <pre>
 * &#64;RegisterExtension
 * static final WharfBrokerExtension broker = WharfBrokerExtension.perClass("num.partitions", "2");
 * </pre>
 * {@link #perClass} shares one broker among the tests of the class; {@link #perTest} gives each test a fresh
 * broker on empty data. A test or lifecycle method may also take a {@link WharfTestBroker} parameter. The
 * extension keeps its state in fields, so the tests of one class must not run concurrently.
 */
public final class WharfBrokerExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {

    private final boolean perTest;
    private final String[] overrides;
    private WharfTestBroker broker;
    private Path dir;
    /** The context that started the broker: only its end closes it (a @Nested class's end does not). */
    private String owner;
    /** Kept so that a later get() says why there is no broker instead of failing on its own. */
    private Throwable startFailure;

    private WharfBrokerExtension(boolean perTest, String... overrides) {
        if (overrides.length % 2 != 0) throw new IllegalArgumentException("overrides are key, value pairs");
        this.perTest = perTest;
        this.overrides = overrides.clone();
    }

    /** One broker for all tests of the class; {@code overrides} are server.properties key, value pairs. */
    public static WharfBrokerExtension perClass(String... overrides) {
        return new WharfBrokerExtension(false, overrides);
    }

    /** A fresh broker and data directory for each test method. */
    public static WharfBrokerExtension perTest(String... overrides) {
        return new WharfBrokerExtension(true, overrides);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        if (!perTest && broker == null) start(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        // Also reached by perClass when registered on an instance field: JUnit does not call beforeAll then.
        if (broker == null) start(context);
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        stop(context);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        stop(context);
    }

    private void start(ExtensionContext context) throws IOException {
        startFailure = null;
        Path d = Files.createTempDirectory("wharf-" + context.getRequiredTestClass().getSimpleName() + "-");
        try {
            broker = WharfTestBroker.start(d, overrides);
        } catch (RuntimeException | Error e) {
            startFailure = e;
            deleteRecursively(d, e);
            throw e;
        }
        dir = d;
        owner = context.getUniqueId();
    }

    private void stop(ExtensionContext context) throws IOException {
        if (owner == null || !owner.equals(context.getUniqueId())) return;
        WharfTestBroker b = broker;
        Path d = dir;
        broker = null;
        dir = null;
        owner = null;
        try {
            b.close();
        } catch (RuntimeException | Error e) {
            deleteRecursively(d, e);
            throw e;
        }
        deleteRecursively(d, null);
    }

    /** Deletes {@code d}; a failure is added to {@code primary} if there is one, else thrown. */
    private static void deleteRecursively(Path d, Throwable primary) throws IOException {
        try (Stream<Path> walk = Files.walk(d)) {
            List<Path> deepestFirst = walk.sorted(Comparator.reverseOrder()).toList();
            for (Path p : deepestFirst) Files.deleteIfExists(p);
        } catch (IOException | RuntimeException e) {
            if (primary == null) throw e;
            primary.addSuppressed(e);
        }
    }

    /** The running broker. */
    public WharfTestBroker get() {
        if (broker != null) return broker;
        if (startFailure != null) throw new IllegalStateException("The broker did not start", startFailure);
        throw new IllegalStateException(perTest
            ? "No broker outside a test: a perTest broker runs from each @BeforeEach to its @AfterEach"
            : "No broker: a perClass broker runs from before @BeforeAll to after @AfterAll");
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == WharfTestBroker.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        try {
            return get();
        } catch (IllegalStateException e) {
            throw new ParameterResolutionException(e.getMessage(), e);
        }
    }

    public String bootstrapServers() { return get().bootstrapServers(); }

    public Properties clientProperties() { return get().clientProperties(); }

    public com.rabbitmq.client.ConnectionFactory amqpFactory() { return get().amqpFactory(); }

    public int amqpPort() { return get().amqpPort(); }

    public String mqttUri() { return get().mqttUri(); }

    public int mqttPort() { return get().mqttPort(); }

    public io.wharf.server.WharfServer server() { return get().server(); }

    /** Stops the broker and starts it again on the same data. */
    public void restart() { get().restart(); }

    /** The broker's data directory (its logs are under {@code logs}). */
    public Path dir() { return get().dir(); }
}
