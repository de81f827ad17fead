package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import static io.wharf.e2e.AmqpClientSupport.drain;
import static io.wharf.e2e.AmqpClientSupport.utf8;

/** Headers exchanges, exchange-to-exchange bindings, alternate exchanges, mandatory returns and transactions. */
class AmqpExchangesTest {
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

    private static AMQP.BasicProperties headers(Map<String, Object> h) {
        return new AMQP.BasicProperties.Builder().headers(h).build();
    }

    @Test
    void headersExchangeMatchesAllOrAny() throws Exception {
        Channel ch = connection.createChannel();
        ch.exchangeDeclare("hdr", "headers");
        String all = ch.queueDeclare().getQueue();
        String any = ch.queueDeclare().getQueue();
        ch.queueBind(all, "hdr", "", Map.of("x-match", "all", "format", "pdf", "type", "report"));
        ch.queueBind(any, "hdr", "", Map.of("x-match", "any", "format", "pdf", "type", "log"));
        ch.basicPublish("hdr", "", headers(Map.of("format", "pdf", "type", "report")), utf8("both"));
        ch.basicPublish("hdr", "", headers(Map.of("format", "pdf")), utf8("pdf only"));
        ch.basicPublish("hdr", "", headers(Map.of("type", "log")), utf8("log"));
        ch.basicPublish("hdr", "", headers(Map.of("format", "zip")), utf8("none"));
        assertThat(drain(ch, all)).containsExactly("both");
        assertThat(drain(ch, any)).containsExactly("both", "pdf only", "log");
    }

    @Test
    void exchangeToExchangeBindingsAndAlternateExchangesRoute() throws Exception {
        Channel ch = connection.createChannel();
        ch.exchangeDeclare("unrouted", "fanout");
        String lost = ch.queueDeclare().getQueue();
        ch.queueBind(lost, "unrouted", "");
        ch.exchangeDeclare("front", "topic", false, false, Map.of("alternate-exchange", "unrouted"));
        ch.exchangeDeclare("back", "direct");
        ch.exchangeBind("back", "front", "orders.*");
        String orders = ch.queueDeclare().getQueue();
        ch.queueBind(orders, "back", "orders.new");
        ch.basicPublish("front", "orders.new", null, utf8("new order"));
        ch.basicPublish("front", "orders.old", null, utf8("matched front, not back"));
        ch.basicPublish("front", "invoices.new", null, utf8("matched nothing"));
        assertThat(drain(ch, orders)).containsExactly("new order");
        // "orders.old" went to "back" and stopped there: front did route it, so the AE is not used.
        assertThat(drain(ch, lost)).containsExactly("matched nothing");
        ch.exchangeUnbind("back", "front", "orders.*");
        ch.basicPublish("front", "orders.new", null, utf8("after unbind"));
        assertThat(drain(ch, orders)).isEmpty();
        assertThat(drain(ch, lost)).containsExactly("after unbind");
    }

    @Test
    void anUnroutableMandatoryMessageIsReturned() throws Exception {
        Channel ch = connection.createChannel();
        BlockingQueue<String> returned = new LinkedBlockingQueue<>();
        ch.addReturnListener(r -> returned.add(r.getReplyCode() + " " + r.getReplyText() + " " + r.getRoutingKey() + " "
            + new String(r.getBody(), StandardCharsets.UTF_8)));
        ch.basicPublish("amq.direct", "nobody", true, null, utf8("hello?"));
        assertThat(returned.poll(10, TimeUnit.SECONDS)).isEqualTo("312 NO_ROUTE nobody hello?");
        ch.basicPublish("amq.direct", "nobody", false, null, utf8("dropped quietly"));
        ch.queueDeclare("mandatory.ok", false, false, true, null);
        ch.basicPublish("", "mandatory.ok", true, null, utf8("routed"));
        assertThat(drain(ch, "mandatory.ok")).containsExactly("routed");
        assertThat(returned).isEmpty();
    }

    @Test
    void transactionsHoldPublishesAndAcksUntilCommit() throws Exception {
        Channel ch = connection.createChannel();
        ch.queueDeclare("tx.q", false, false, false, null);
        Channel tx = connection.createChannel();
        tx.txSelect();
        tx.basicPublish("", "tx.q", null, utf8("rolled back"));
        tx.txRollback();
        tx.basicPublish("", "tx.q", null, utf8("committed"));
        assertThat(ch.queueDeclarePassive("tx.q").getMessageCount()).isZero();
        tx.txCommit();
        assertThat(ch.queueDeclarePassive("tx.q").getMessageCount()).isEqualTo(1);
        GetResponse r = tx.basicGet("tx.q", false);
        assertThat(new String(r.getBody(), StandardCharsets.UTF_8)).isEqualTo("committed");
        tx.basicAck(r.getEnvelope().getDeliveryTag(), false);
        tx.txRollback(); // the ack is undone: the message stays unacknowledged with the channel
        tx.close();
        GetResponse again = ch.basicGet("tx.q", true);
        assertThat(again).isNotNull();
        assertThat(again.getEnvelope().isRedeliver()).isTrue();
    }

    @Test
    void exchangeDeclarationRulesFollowRabbitMq() throws Exception {
        Channel ch = connection.createChannel();
        ch.exchangeDeclare("rules", "direct", true);
        ch.exchangeDeclare("rules", "direct", true); // equivalent: fine
        ch.exchangeDeclarePassive("amq.topic");
        ch.exchangeDeclare("amq.fanout", "fanout", true); // redeclaring a standard exchange as it is
        Map<String, Integer> codes = new HashMap<>();
        codes.put("type", closeCode(c -> c.exchangeDeclare("rules", "fanout", true)));
        codes.put("reserved", closeCode(c -> c.exchangeDeclare("amq.custom", "direct")));
        codes.put("passive", closeCode(c -> c.exchangeDeclarePassive("nope")));
        codes.put("inUse", closeCode(c -> {
            c.queueDeclare("rules.q", false, false, true, null);
            c.queueBind("rules.q", "rules", "k");
            c.exchangeDelete("rules", true);
        }));
        assertThat(codes).containsEntry("type", 406).containsEntry("reserved", 403).containsEntry("passive", 404)
            .containsEntry("inUse", 406);
        // Deleting a missing exchange is no error, as in RabbitMQ.
        ch.exchangeDelete("never-was");
    }

    private static int closeCode(AmqpClientSupport.ChannelAction action) throws Exception {
        return AmqpClientSupport.channelClose(connection, action).getReplyCode();
    }
}
