package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
import static io.wharf.e2e.AmqpClientSupport.text;
import static io.wharf.e2e.AmqpClientSupport.utf8;

/**
 * Queue arguments as RabbitMQ users declare them: message TTL (per queue and per message) with
 * dead-lettering and its {@code x-death} history, length limits with drop-head and reject-publish,
 * {@code x-expires}, and single active consumer.
 */
class AmqpQueuePoliciesTest {
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

    /** Polls basic.get until a message comes or the deadline passes. */
    private static GetResponse awaitMessage(Channel ch, String queue, long seconds) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            GetResponse r = ch.basicGet(queue, true);
            if (r != null) return r;
            Thread.onSpinWait();
        }
        return null;
    }

    @Test
    void expiredMessagesAreDeadLetteredWithoutAnyConsumer() throws Exception {
        Channel ch = connection.createChannel();
        ch.exchangeDeclare("retry.dlx", "direct");
        ch.queueDeclare("retry.later", false, false, false, null);
        ch.queueBind("retry.later", "retry.dlx", "work");
        ch.queueDeclare("retry.wait", false, false, false, Map.of("x-message-ttl", 200,
            "x-dead-letter-exchange", "retry.dlx", "x-dead-letter-routing-key", "work"));
        long sent = System.currentTimeMillis();
        ch.basicPublish("", "retry.wait", null, utf8("try again"));
        GetResponse r = awaitMessage(ch, "retry.later", 10);
        assertThat(r).isNotNull();
        assertThat(System.currentTimeMillis() - sent).isGreaterThanOrEqualTo(200);
        assertThat(text(r.getBody())).isEqualTo("try again");
        assertThat(r.getEnvelope().getRoutingKey()).isEqualTo("work");
        Map<String, Object> h = r.getProps().getHeaders();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> deaths = (List<Map<String, Object>>) h.get("x-death");
        assertThat(deaths).hasSize(1);
        assertThat(deaths.get(0).get("reason")).hasToString("expired");
        assertThat(deaths.get(0).get("queue")).hasToString("retry.wait");
        assertThat(deaths.get(0).get("count")).isEqualTo(1L);
        assertThat(deaths.get(0).get("exchange")).hasToString("");
        assertThat(((List<?>) deaths.get(0).get("routing-keys")).get(0)).hasToString("retry.wait");
        assertThat(h.get("x-first-death-reason")).hasToString("expired");
        assertThat(ch.queueDeclarePassive("retry.wait").getMessageCount()).isZero();
    }

    @Test
    void aPerMessageExpirationDropsTheMessageAtTheHeadAndKeepsTheRest() throws Exception {
        Channel ch = connection.createChannel();
        ch.queueDeclare("short.lived", false, false, false, null);
        ch.basicPublish("", "short.lived", new AMQP.BasicProperties.Builder().expiration("50").build(), utf8("gone"));
        ch.basicPublish("", "short.lived", null, utf8("kept"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ch.queueDeclarePassive("short.lived").getMessageCount() > 1 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(text(ch.basicGet("short.lived", true).getBody())).isEqualTo("kept");
        assertThat(ch.basicGet("short.lived", true)).isNull();
    }

    @Test
    void rejectedMessagesAreDeadLetteredAndNackRequeueIsNot() throws Exception {
        Channel ch = connection.createChannel();
        ch.exchangeDeclare("rejects", "fanout");
        ch.queueDeclare("rejects.parked", false, false, false, null);
        ch.queueBind("rejects.parked", "rejects", "");
        ch.queueDeclare("rejects.work", false, false, false, Map.of("x-dead-letter-exchange", "rejects"));
        ch.basicPublish("", "rejects.work", null, utf8("bad"));
        ch.basicPublish("", "rejects.work", null, utf8("retry"));
        GetResponse bad = ch.basicGet("rejects.work", false);
        GetResponse retry = ch.basicGet("rejects.work", false);
        ch.basicReject(bad.getEnvelope().getDeliveryTag(), false);
        ch.basicNack(retry.getEnvelope().getDeliveryTag(), false, true);
        GetResponse parked = awaitMessage(ch, "rejects.parked", 10);
        assertThat(text(parked.getBody())).isEqualTo("bad");
        assertThat(parked.getProps().getHeaders().get("x-first-death-reason")).hasToString("rejected");
        GetResponse again = ch.basicGet("rejects.work", true);
        assertThat(text(again.getBody())).isEqualTo("retry");
        assertThat(again.getEnvelope().isRedeliver()).isTrue();
    }

    @Test
    void maxLengthDropsTheOldestIntoTheDeadLetterExchange() throws Exception {
        Channel ch = connection.createChannel();
        ch.exchangeDeclare("overflow.dlx", "fanout");
        ch.queueDeclare("overflow.dropped", false, false, false, null);
        ch.queueBind("overflow.dropped", "overflow.dlx", "");
        ch.queueDeclare("bounded", false, false, false, Map.of("x-max-length", 3, "x-dead-letter-exchange", "overflow.dlx"));
        for (int i = 0; i < 5; i++) ch.basicPublish("", "bounded", null, utf8("m" + i));
        assertThat(drain(ch, "bounded")).containsExactly("m2", "m3", "m4");
        assertThat(drain(ch, "overflow.dropped")).containsExactly("m0", "m1");
    }

    @Test
    void rejectPublishRefusesNewcomersAndNacksThemUnderConfirms() throws Exception {
        Channel ch = connection.createChannel();
        ch.queueDeclare("full", false, false, false, Map.of("x-max-length-bytes", 10, "x-overflow", "reject-publish"));
        ch.confirmSelect();
        List<Long> nacks = new ArrayList<>();
        List<Long> acks = new ArrayList<>();
        ch.addConfirmListener((tag, multiple) -> acks.add(tag), (tag, multiple) -> nacks.add(tag));
        ch.basicPublish("", "full", null, utf8("12345"));
        ch.basicPublish("", "full", null, utf8("67890"));
        ch.basicPublish("", "full", null, utf8("x"));
        assertThat(ch.waitForConfirms(10_000)).as("one publish was nacked").isFalse();
        assertThat(nacks).containsExactly(3L);
        assertThat(drain(ch, "full")).containsExactly("12345", "67890");
        // Room again: accepted.
        ch.basicPublish("", "full", null, utf8("x"));
        assertThat(ch.waitForConfirms(10_000)).isTrue();
        assertThat(drain(ch, "full")).containsExactly("x");
    }

    @Test
    void anUnusedQueueWithExpiresIsDeleted() throws Exception {
        Channel ch = connection.createChannel();
        ch.queueDeclare("ephemeral", false, false, false, Map.of("x-expires", 300));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (broker.server().broker().vhosts().get("/").orElseThrow().queue("ephemeral") != null
            && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(broker.server().broker().vhosts().get("/").orElseThrow().queue("ephemeral")).isNull();
    }

    @Test
    void singleActiveConsumerGetsEverythingUntilItLeaves() throws Exception {
        Channel setup = connection.createChannel();
        setup.queueDeclare("sac", false, false, false, Map.of("x-single-active-consumer", true));
        Channel first = connection.createChannel();
        Channel second = connection.createChannel();
        BlockingQueue<String> toFirst = new LinkedBlockingQueue<>();
        BlockingQueue<String> toSecond = new LinkedBlockingQueue<>();
        String tag = first.basicConsume("sac", true, (t, d) -> toFirst.add(text(d.getBody())), t -> { });
        second.basicConsume("sac", true, (t, d) -> toSecond.add(text(d.getBody())), t -> { });
        for (int i = 0; i < 4; i++) setup.basicPublish("", "sac", null, utf8("s" + i));
        for (int i = 0; i < 4; i++) assertThat(toFirst.poll(10, TimeUnit.SECONDS)).isEqualTo("s" + i);
        first.basicCancel(tag);
        setup.basicPublish("", "sac", null, utf8("after"));
        assertThat(toSecond.poll(10, TimeUnit.SECONDS)).isEqualTo("after");
        assertThat(toSecond).isEmpty();
        assertThat(toFirst).isEmpty();
    }

    @Test
    void aPriorityQueueHandsOutTheHighestPriorityFirstAndEachPriorityInOrder() throws Exception {
        Channel ch = connection.createChannel();
        ch.queueDeclare("prio", true, false, false, Map.of("x-max-priority", 10));
        Integer[] priorities = {1, 5, null, 10, 5, 3, 200};
        for (int i = 0; i < priorities.length; i++) {
            AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().priority(priorities[i]).deliveryMode(2).build();
            ch.basicPublish("", "prio", props, utf8("m" + i + "-p" + priorities[i]));
        }
        assertThat(ch.queueDeclarePassive("prio").getMessageCount()).isEqualTo(priorities.length);
        // 200 is above x-max-priority: it counts as 10. No priority counts as 0.
        assertThat(drain(ch, "prio")).containsExactly("m3-p10", "m6-p200", "m1-p5", "m4-p5", "m5-p3", "m0-p1", "m2-pnull");
        ch.queueDelete("prio");
    }

    @Test
    void anXMaxPriorityAbove255IsRefused() throws Exception {
        AMQP.Channel.Close close = AmqpClientSupport.channelClose(connection,
            ch -> ch.queueDeclare("prio-bad", false, false, false, Map.of("x-max-priority", 300)));
        assertThat(close.getReplyCode()).isEqualTo(406);
    }

    @Test
    void aHighPriorityConsumerGetsMessagesFirstAndALowerOneWhatItCannotTake() throws Exception {
        Channel setup = connection.createChannel();
        setup.queueDeclare("consumer-prio", false, false, false, null);
        Channel highChannel = connection.createChannel();
        Channel lowChannel = connection.createChannel();
        highChannel.basicQos(1);
        BlockingQueue<com.rabbitmq.client.Delivery> toHigh = new LinkedBlockingQueue<>();
        BlockingQueue<String> toLow = new LinkedBlockingQueue<>();
        lowChannel.basicConsume("consumer-prio", true, Map.of("x-priority", 0), (t, d) -> toLow.add(text(d.getBody())), t -> { });
        highChannel.basicConsume("consumer-prio", false, Map.of("x-priority", 10), (t, d) -> toHigh.add(d), t -> { });
        for (int i = 0; i < 3; i++) setup.basicPublish("", "consumer-prio", null, utf8("c" + i));
        com.rabbitmq.client.Delivery first = toHigh.poll(10, TimeUnit.SECONDS);
        assertThat(first).isNotNull();
        assertThat(text(first.getBody())).isEqualTo("c0");
        // The high priority consumer is full (prefetch 1, unacknowledged): the rest goes to the low one.
        assertThat(toLow.poll(10, TimeUnit.SECONDS)).isEqualTo("c1");
        assertThat(toLow.poll(10, TimeUnit.SECONDS)).isEqualTo("c2");
        highChannel.basicAck(first.getEnvelope().getDeliveryTag(), false);
        setup.basicPublish("", "consumer-prio", null, utf8("c3"));
        com.rabbitmq.client.Delivery next = toHigh.poll(10, TimeUnit.SECONDS);
        assertThat(next).isNotNull();
        assertThat(text(next.getBody())).isEqualTo("c3");
        assertThat(toLow).isEmpty();
    }

    @Test
    void aConsumerPriorityThatIsNotAnIntegerIsRefused() throws Exception {
        AMQP.Channel.Close close = AmqpClientSupport.channelClose(connection, ch -> {
            ch.queueDeclare("consumer-prio-bad", false, false, false, null);
            ch.basicConsume("consumer-prio-bad", true, Map.of("x-priority", "high"), (t, d) -> { }, t -> { });
        });
        assertThat(close.getReplyCode()).isEqualTo(406);
        assertThat(close.getReplyText()).contains("x-priority");
    }
}
