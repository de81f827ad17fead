package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/** The broker fixture of the end-to-end tests, seen through what a Kafka client finds on the broker. */
class WharfBrokerExtensionTest {

    private static void createTopic(WharfTestBroker broker, String name) throws Exception {
        try (Admin admin = Admin.create(broker.clientProperties())) {
            admin.createTopics(List.of(new NewTopic(name, Optional.empty(), Optional.empty()))).all().get();
        }
    }

    private static Set<String> topics(WharfTestBroker broker) throws Exception {
        try (Admin admin = Admin.create(broker.clientProperties())) {
            return admin.listTopics().names().get();
        }
    }

    private static int partitions(WharfTestBroker broker, String topic) throws Exception {
        try (Admin admin = Admin.create(broker.clientProperties())) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
        }
    }

    @Nested
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class PerTest {
        @RegisterExtension
        static final WharfBrokerExtension broker = WharfBrokerExtension.perTest("num.partitions", "3");

        static WharfTestBroker first;
        static Path firstDir;

        @Test
        @Order(1)
        void aTestGetsItsBrokerInjectedWithTheOverrides(WharfTestBroker injected) throws Exception {
            assertThat(injected).isSameAs(broker.get());
            createTopic(injected, "left-behind");
            assertThat(partitions(injected, "left-behind")).isEqualTo(3);
            first = injected;
            firstDir = broker.dir();
        }

        @Test
        @Order(2)
        void theNextTestHasAFreshBrokerOnFreshData() throws Exception {
            assertThat(first).as("the first test ran").isNotNull();
            assertThat(broker.get()).isNotSameAs(first);
            assertThat(broker.dir()).isNotEqualTo(firstDir);
            assertThat(firstDir).as("deleted once its broker closed").doesNotExist();
            assertThat(topics(broker.get())).doesNotContain("left-behind");
        }
    }

    @Nested
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class PerClass {
        @RegisterExtension
        static final WharfBrokerExtension broker = WharfBrokerExtension.perClass();

        static WharfTestBroker startedBeforeAll;

        @BeforeAll
        static void injectedIntoBeforeAll(WharfTestBroker injected) {
            startedBeforeAll = injected;
        }

        @Test
        @Order(1)
        void aTopicIsCreated() throws Exception {
            assertThat(broker.get()).isSameAs(startedBeforeAll);
            createTopic(broker.get(), "kept");
        }

        @Test
        @Order(2)
        void theNextTestSharesTheBrokerAndItsTopics(WharfTestBroker injected) throws Exception {
            assertThat(injected).isSameAs(startedBeforeAll);
            assertThat(topics(injected)).contains("kept");
        }

        @Test
        @Order(3)
        void aRestartKeepsTheDataDirectory() throws Exception {
            Path dir = broker.dir();
            broker.restart();
            assertThat(broker.dir()).isEqualTo(dir);
            assertThat(topics(broker.get())).contains("kept");
        }
    }

    /** An instance field gets a new extension with each test instance: a broker per test, even from perClass. */
    @Nested
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class OnAnInstanceField {
        @RegisterExtension
        final WharfBrokerExtension broker = WharfBrokerExtension.perClass();

        static Path firstDir;

        @Test
        @Order(1)
        void aTopicIsCreated(WharfTestBroker injected) throws Exception {
            assertThat(injected).isSameAs(broker.get());
            createTopic(injected, "instance-field");
            firstDir = broker.dir();
        }

        @Test
        @Order(2)
        void theNextTestHasAFreshBroker() throws Exception {
            assertThat(firstDir).as("the first test ran").isNotNull().doesNotExist();
            assertThat(topics(broker.get())).doesNotContain("instance-field");
        }
    }

    /** Only while {@link #aBrokerThatCannotStartFailsEachTestWithTheCause} runs it. */
    static volatile boolean launching;

    static boolean launching() {
        return launching;
    }

    @EnabledIf("io.wharf.e2e.WharfBrokerExtensionTest#launching")
    static class CannotStartPerClass {
        @RegisterExtension
        static final WharfBrokerExtension broker = WharfBrokerExtension.perClass("log.retention.hour", "1");

        @Test
        void runs() {
        }
    }

    @EnabledIf("io.wharf.e2e.WharfBrokerExtensionTest#launching")
    static class CannotStartPerTest {
        @RegisterExtension
        static final WharfBrokerExtension broker = WharfBrokerExtension.perTest("log.retention.hour", "1");

        @Test
        void runs() {
        }
    }

    @Test
    void aBrokerThatCannotStartFailsEachTestWithTheCause() throws Exception {
        List<TestExecutionResult> failed = new ArrayList<>();
        List<String> failedNames = new ArrayList<>();
        TestExecutionListener listener = new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
                    failed.add(result);
                    failedNames.add(id.getDisplayName());
                }
            }
        };
        long tempDirsBefore = wharfTempDirs();
        launching = true;
        try {
            LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(CannotStartPerClass.class), selectClass(CannotStartPerTest.class)).build(), listener);
        } finally {
            launching = false;
        }
        // perClass fails the class before any test runs; perTest fails the test itself.
        assertThat(failedNames).hasSize(2).contains("runs()").anyMatch(n -> n.endsWith("CannotStartPerClass"));
        assertThat(failed).allSatisfy(r -> assertThat(r.getThrowable().orElseThrow())
            .hasMessageContaining("Unknown configuration key 'log.retention.hour'")
            .hasNoSuppressedExceptions());
        assertThat(wharfTempDirs()).as("no data directory left behind").isEqualTo(tempDirsBefore);
    }

    private static long wharfTempDirs() throws Exception {
        try (var list = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return list.filter(p -> p.getFileName().toString().startsWith("wharf-CannotStart")).count();
        }
    }
}
