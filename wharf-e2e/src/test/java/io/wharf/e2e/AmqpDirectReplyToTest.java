package io.wharf.e2e;

import static io.wharf.e2e.AmqpClientSupport.text;
import static io.wharf.e2e.AmqpClientSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Delivery;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * RabbitMQ's direct reply-to with its Java client: the requester consumes {@code amq.rabbitmq.reply-to}
 * (no-ack), the server sees a reply-to naming the requester's channel, and its reply, published to the
 * default exchange, goes straight back — no reply queue. And the errors RabbitMQ gives for misuse.
 */
class AmqpDirectReplyToTest {
    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perClass();

    static Connection connection;

    @BeforeAll
    static void start() throws Exception {
        connection = broker.amqpFactory().newConnection();
    }

    @AfterAll
    static void stop() throws Exception {
        if (connection != null) connection.close();
    }

    @Test
    void aReplyToTheRewrittenNameComesStraightBackToTheRequester() throws Exception {
        Channel server = connection.createChannel();
        server.queueDeclare("rpc-direct", false, false, true, null);
        BlockingQueue<String> seenReplyTos = new LinkedBlockingQueue<>();
        server.basicConsume("rpc-direct", true, (tag, d) -> {
            seenReplyTos.add(d.getProperties().getReplyTo());
            AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                .correlationId(d.getProperties().getCorrelationId()).build();
            server.basicPublish("", d.getProperties().getReplyTo(), props, utf8(text(d.getBody()).toUpperCase()));
        }, tag -> { });

        try (Connection clientConnection = broker.amqpFactory().newConnection()) {
            Channel client = clientConnection.createChannel();
            assertThat(client.queueDeclarePassive("amq.rabbitmq.reply-to").getMessageCount()).isZero();
            BlockingQueue<Delivery> replies = new LinkedBlockingQueue<>();
            client.basicConsume("amq.rabbitmq.reply-to", true, (tag, d) -> replies.add(d), tag -> { });
            for (int i = 0; i < 3; i++) {
                AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                    .replyTo("amq.rabbitmq.reply-to").correlationId("c" + i).build();
                client.basicPublish("", "rpc-direct", props, utf8("ping " + i));
            }
            for (int i = 0; i < 3; i++) {
                Delivery reply = replies.poll(10, TimeUnit.SECONDS);
                assertThat(reply).as("reply %s", i).isNotNull();
                assertThat(text(reply.getBody())).isEqualTo("PING " + i);
                assertThat(reply.getProperties().getCorrelationId()).isEqualTo("c" + i);
                assertThat(reply.getEnvelope().getExchange()).isEmpty();
                assertThat(reply.getEnvelope().getRoutingKey()).startsWith("amq.rabbitmq.reply-to.");
            }
            // One name for the channel, whatever the request.
            assertThat(seenReplyTos).hasSize(3).allSatisfy(r -> assertThat(r).startsWith("amq.rabbitmq.reply-to."));
            assertThat(new java.util.HashSet<>(seenReplyTos)).hasSize(1);
        }
    }

    @Test
    void aReplyToAChannelThatIsGoneIsUnroutable() throws Exception {
        String replyName;
        try (Connection requester = broker.amqpFactory().newConnection()) {
            Channel ch = requester.createChannel();
            ch.basicConsume("amq.rabbitmq.reply-to", true, (tag, d) -> { }, tag -> { });
            ch.queueDeclare("rpc-gone", false, false, false, null);
            ch.basicPublish("", "rpc-gone", new AMQP.BasicProperties.Builder().replyTo("amq.rabbitmq.reply-to").build(), utf8("q"));
            // A synchronous method after it on the same channel: the publish is stored when it is answered.
            assertThat(ch.queueDeclarePassive("rpc-gone").getMessageCount()).isEqualTo(1);
            replyName = connection.createChannel().basicGet("rpc-gone", true).getProps().getReplyTo();
        }
        Channel ch = connection.createChannel();
        BlockingQueue<Integer> returns = new LinkedBlockingQueue<>();
        ch.addReturnListener(r -> returns.add(r.getReplyCode()));
        ch.basicPublish("", replyName, true, null, utf8("too late"));
        assertThat(returns.poll(10, TimeUnit.SECONDS)).isEqualTo(312);
    }

    @Test
    void consumingRepliesWithAcknowledgementsIsRefused() throws Exception {
        AMQP.Channel.Close close = AmqpClientSupport.channelClose(connection,
            ch -> ch.basicConsume("amq.rabbitmq.reply-to", false, (tag, d) -> { }, tag -> { }));
        assertThat(close.getReplyCode()).isEqualTo(406);
        assertThat(close.getReplyText()).isEqualTo("PRECONDITION_FAILED - reply consumer cannot acknowledge");
    }

    @Test
    void aRequestForDirectReplyWithoutTheReplyConsumerIsRefused() throws Exception {
        AMQP.Channel.Close close = AmqpClientSupport.channelClose(connection, ch -> ch.basicPublish("", "anything",
            new AMQP.BasicProperties.Builder().replyTo("amq.rabbitmq.reply-to").build(), utf8("q")));
        assertThat(close.getReplyCode()).isEqualTo(406);
        assertThat(close.getReplyText()).isEqualTo("PRECONDITION_FAILED - fast reply consumer does not exist");
    }
}
