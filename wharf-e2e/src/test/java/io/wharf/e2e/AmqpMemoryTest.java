package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.impl.AMQImpl;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker's heap against a client that announces more than it sends: a broker in a JVM of its own with a
 * small heap, so that running out of memory shows as it would in production and harms no other test.
 */
class AmqpMemoryTest {
    @TempDir
    Path dir;

    @Test
    void contentHeadersAnnouncingLargeBodiesOnManyChannelsDoNotExhaustTheHeap() throws Exception {
        try (ChildBroker broker = ChildBroker.startWithHeap(dir, "192m")) {
            try (Connection setup = broker.amqpFactory().newConnection()) {
                setup.createChannel().queueDeclare("big", false, false, false, null);
            }
            try (RawAmqpConnection greedy = RawAmqpConnection.open(broker.amqpPort(), 0)) {
                // Legal, so far: each channel starts a 16 MiB message (the maximum) and sends its first frame of body.
                for (int ch = 1; ch <= 24; ch++) {
                    greedy.openChannel(ch);
                    greedy.send(ch, new AMQImpl.Basic.Publish(0, "", "big", false, false));
                    greedy.sendContentHeader(ch, 16L * 1024 * 1024);
                    greedy.sendBody(ch, new byte[1024]);
                }
                // A synchronous method on a fresh channel: everything before it was processed.
                greedy.openChannel(25);
                greedy.send(25, new AMQImpl.Queue.Declare(0, "big", true, false, false, false, false, null));
                assertThat(greedy.expect(AMQImpl.Queue.DeclareOk.class).getMessageCount()).isZero();
            }
            try (Connection healthy = broker.amqpFactory().newConnection()) {
                Channel ch = healthy.createChannel();
                ch.basicPublish("", "big", null, "fine".getBytes(StandardCharsets.UTF_8));
                assertThat(new String(ch.basicGet("big", true).getBody(), StandardCharsets.UTF_8)).isEqualTo("fine");
            }
            assertThat(broker.output()).doesNotContain("OutOfMemoryError");
        }
    }
}
