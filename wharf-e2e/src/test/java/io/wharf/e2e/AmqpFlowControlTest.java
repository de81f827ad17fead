package io.wharf.e2e;

import static io.wharf.e2e.AmqpClientSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.BlockedListener;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.wharf.broker.alarm.ResourceMonitor;
import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Memory and disk alarms, as RabbitMQ's clients see them: a publishing connection gets Connection.Blocked
 * and nothing more it sends is read until Connection.Unblocked; then every message it published arrives.
 * Connections that only consume go on. The alarms are provoked by moving the limits of the running
 * broker (as {@code rabbitmqctl set_disk_free_limit} does), not by filling the disk.
 */
class AmqpFlowControlTest {
    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perClass();

    @AfterEach
    void limitsBack() {
        broker.server().resources().setDiskFreeLimitBytes(0);
        broker.server().resources().setMemoryLimitBytes(ResourceMonitor.heapFraction(0.8));
    }

    /** Reasons from Connection.Blocked, and "unblocked" for each Connection.Unblocked. */
    private static BlockingQueue<String> listen(Connection c) {
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        c.addBlockedListener(new BlockedListener() {
            @Override
            public void handleBlocked(String reason) { events.add(reason); }

            @Override
            public void handleUnblocked() { events.add("unblocked"); }
        });
        return events;
    }

    private static long depth(Connection c, String queue) throws IOException {
        Channel ch = c.createChannel();
        try {
            return ch.queueDeclarePassive(queue).getMessageCount();
        } finally {
            try {
                ch.close();
            } catch (Exception ignored) {
                // the depth is what counts
            }
        }
    }

    private static void awaitDepth(Connection c, String queue, long expected) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (depth(c, queue) != expected && System.nanoTime() < deadline) Thread.onSpinWait();
        assertThat(depth(c, queue)).isEqualTo(expected);
    }

    private void blocksPublishersUntilCleared(Runnable raise, Runnable clear, String reason) throws Exception {
        try (Connection publisher = broker.amqpFactory().newConnection();
             Connection consumer = broker.amqpFactory().newConnection()) {
            BlockingQueue<String> publisherEvents = listen(publisher);
            BlockingQueue<String> consumerEvents = listen(consumer);
            String queue = "held-" + reason.replace(' ', '-');
            Channel pub = publisher.createChannel();
            pub.queueDeclare(queue, false, false, false, null);
            pub.basicPublish("", queue, null, utf8("before"));
            awaitDepth(consumer, queue, 1);

            raise.run();
            assertThat(publisherEvents.poll(10, TimeUnit.SECONDS)).isEqualTo(reason);
            // Sent after the block: the broker does not read them while the alarm lasts.
            for (int i = 0; i < 100; i++) pub.basicPublish("", queue, null, utf8("during-" + i));
            // The consumer's connection never published: it is not blocked and still gets answers.
            assertThat(depth(consumer, queue)).isEqualTo(1);
            assertThat(consumer.createChannel().basicGet(queue, true)).isNotNull();

            clear.run();
            assertThat(publisherEvents.poll(10, TimeUnit.SECONDS)).isEqualTo("unblocked");
            awaitDepth(consumer, queue, 100);
            assertThat(consumerEvents).isEmpty();
            assertThat(publisher.isOpen()).isTrue();
        }
    }

    @Test
    void aDiskAlarmBlocksPublishersAndUnblocksThemWhenItClears() throws Exception {
        blocksPublishersUntilCleared(
            () -> broker.server().resources().setDiskFreeLimitBytes(Long.MAX_VALUE),
            () -> broker.server().resources().setDiskFreeLimitBytes(0),
            "low on disk");
    }

    @Test
    void aMemoryAlarmBlocksPublishersAndUnblocksThemWhenItClears() throws Exception {
        blocksPublishersUntilCleared(
            () -> broker.server().resources().setMemoryLimitBytes(1),
            () -> broker.server().resources().setMemoryLimitBytes(Long.MAX_VALUE),
            "low on memory");
    }

    @Test
    void aConnectionThatPublishesDuringAnAlarmIsBlockedAtItsFirstPublish() throws Exception {
        broker.server().resources().setDiskFreeLimitBytes(Long.MAX_VALUE);
        try (Connection c = broker.amqpFactory().newConnection()) {
            BlockingQueue<String> events = listen(c);
            Channel ch = c.createChannel();
            ch.queueDeclare("first-publish", false, false, false, null);
            ch.basicPublish("", "first-publish", null, utf8("x"));
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("low on disk");
            broker.server().resources().setDiskFreeLimitBytes(0);
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("unblocked");
            assertThat(ch.queueDeclarePassive("first-publish").getMessageCount()).isEqualTo(1);
        }
    }
}
