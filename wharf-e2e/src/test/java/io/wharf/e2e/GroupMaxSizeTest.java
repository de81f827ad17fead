package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.GroupMaxSizeReachedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** group.max.size from server.properties: the member beyond it is refused with GROUP_MAX_SIZE_REACHED. */
class GroupMaxSizeTest {
    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perTest("group.max.size", "1");

    @Test
    void theMemberBeyondTheLimitIsRefused() {
        ProduceFetchSupport.createTopic(broker.get(), "capped", 2, Map.of());
        try (KafkaConsumer<String, String> first = ProduceFetchSupport.consumer(broker.get(), "group.id", "small");
             KafkaConsumer<String, String> second = ProduceFetchSupport.consumer(broker.get(), "group.id", "small")) {
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
