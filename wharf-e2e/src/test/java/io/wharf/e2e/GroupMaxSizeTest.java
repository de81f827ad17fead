package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.GroupMaxSizeReachedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** group.max.size from server.properties: the member beyond it is refused with GROUP_MAX_SIZE_REACHED. */
class GroupMaxSizeTest {
    @TempDir
    Path dir;

    private WharfTestBroker broker;

    @BeforeEach
    void start() {
        broker = WharfTestBroker.start(dir, "group.max.size", "1");
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    @Test
    void theMemberBeyondTheLimitIsRefused() {
        ProduceFetchSupport.createTopic(broker, "capped", 2, Map.of());
        try (KafkaConsumer<String, String> first = ProduceFetchSupport.consumer(broker, "group.id", "small");
             KafkaConsumer<String, String> second = ProduceFetchSupport.consumer(broker, "group.id", "small")) {
            first.subscribe(List.of("capped"));
            long deadline = System.currentTimeMillis() + 30_000;
            while (first.assignment().isEmpty() && System.currentTimeMillis() < deadline) first.poll(Duration.ofMillis(100));
            assertThat(first.assignment()).hasSize(2);
            second.subscribe(List.of("capped"));
            assertThatThrownBy(() -> {
                long until = System.currentTimeMillis() + 30_000;
                while (System.currentTimeMillis() < until) {
                    second.poll(Duration.ofMillis(100));
                    first.poll(Duration.ofMillis(10));
                }
            }).isInstanceOf(GroupMaxSizeReachedException.class);
        }
    }
}
