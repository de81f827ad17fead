package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DeliverCallback;
import com.rabbitmq.client.GetResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
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
 * RabbitMQ's six tutorials, each as a test, with RabbitMQ's own Java client against a Wharf broker: hello
 * world, work queues (fair dispatch with prefetch 1), publish/subscribe, routing, topics and RPC.
 */
class AmqpTutorialPatternsTest {
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
    void helloWorldQueueDeliversToConsumerAndGet() throws Exception {
        Channel ch = connection.createChannel();
        AMQP.Queue.DeclareOk ok = ch.queueDeclare("hello", false, false, false, null);
        assertThat(ok.getQueue()).isEqualTo("hello");
        ch.basicPublish("", "hello", null, utf8("Hello World!"));
        ch.basicPublish("", "hello", null, utf8("second"));
        GetResponse got = ch.basicGet("hello", true);
        assertThat(text(got.getBody())).isEqualTo("Hello World!");
        assertThat(got.getEnvelope().getRoutingKey()).isEqualTo("hello");
        assertThat(got.getMessageCount()).isEqualTo(1);

        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        ch.basicConsume("hello", true, (tag, d) -> received.add(text(d.getBody())), tag -> { });
        assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("second");
        ch.basicPublish("", "hello", null, utf8("third"));
        assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("third");
        assertThat(ch.basicGet("hello", true)).isNull();
        ch.close();
    }

    @Test
    void workQueueWithPrefetchOneDispatchesFairly() throws Exception {
        Channel setup = connection.createChannel();
        setup.queueDeclare("task_queue", true, false, false, null);
        Channel busy = connection.createChannel();
        Channel idle = connection.createChannel();
        busy.basicQos(1);
        idle.basicQos(1);
        // The busy worker takes one task and sits on it; with prefetch 1 every other task must go to the idle one.
        BlockingQueue<Long> busyTags = new LinkedBlockingQueue<>();
        List<String> busyGot = Collections.synchronizedList(new ArrayList<>());
        busy.basicConsume("task_queue", false, (tag, d) -> {
            busyGot.add(text(d.getBody()));
            busyTags.add(d.getEnvelope().getDeliveryTag());
        }, tag -> { });
        int tasks = 20;
        CountDownLatch idleDone = new CountDownLatch(tasks - 1);
        List<String> idleGot = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < tasks; i++) {
            setup.basicPublish("", "task_queue", com.rabbitmq.client.MessageProperties.PERSISTENT_TEXT_PLAIN, utf8("task " + i));
        }
        Long held = busyTags.poll(10, TimeUnit.SECONDS);
        assertThat(held).isNotNull();
        idle.basicConsume("task_queue", false, (tag, d) -> {
            idleGot.add(text(d.getBody()));
            idle.basicAck(d.getEnvelope().getDeliveryTag(), false);
            idleDone.countDown();
        }, tag -> { });
        assertThat(idleDone.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(busyGot).hasSize(1);
        assertThat(idleGot).hasSize(tasks - 1);
        List<String> all = new ArrayList<>(busyGot);
        all.addAll(idleGot);
        assertThat(all).containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.range(0, tasks)
            .mapToObj(i -> "task " + i).toList());
        busy.basicAck(held, false);
        busy.close();
        idle.close();
        setup.queueDelete("task_queue");
        setup.close();
    }

    @Test
    void publishSubscribeFanoutReachesEveryBoundQueue() throws Exception {
        Channel ch = connection.createChannel();
        ch.exchangeDeclare("logs", BuiltinExchangeType.FANOUT);
        String q1 = ch.queueDeclare().getQueue();
        String q2 = ch.queueDeclare().getQueue();
        assertThat(q1).startsWith("amq.gen-").isNotEqualTo(q2);
        ch.queueBind(q1, "logs", "");
        ch.queueBind(q2, "logs", "ignored-key");
        for (int i = 0; i < 5; i++) ch.basicPublish("logs", "", null, utf8("log " + i));
        for (String q : List.of(q1, q2)) {
            List<String> got = new ArrayList<>();
            GetResponse r;
            while ((r = ch.basicGet(q, true)) != null) got.add(text(r.getBody()));
            assertThat(got).containsExactly("log 0", "log 1", "log 2", "log 3", "log 4");
        }
        ch.close();
    }

    @Test
    void routingDirectExchangeSelectsBySeverity() throws Exception {
        Channel ch = connection.createChannel();
        ch.exchangeDeclare("direct_logs", BuiltinExchangeType.DIRECT);
        String errors = ch.queueDeclare().getQueue();
        String all = ch.queueDeclare().getQueue();
        ch.queueBind(errors, "direct_logs", "error");
        for (String sev : List.of("info", "warning", "error")) ch.queueBind(all, "direct_logs", sev);
        for (String sev : List.of("info", "error", "warning", "debug", "error")) {
            ch.basicPublish("direct_logs", sev, null, utf8(sev));
        }
        assertThat(drain(ch, errors)).containsExactly("error", "error");
        assertThat(drain(ch, all)).containsExactly("info", "error", "warning", "error");
        ch.close();
    }

    @Test
    void topicsExchangeMatchesStarAndHash() throws Exception {
        Channel ch = connection.createChannel();
        ch.exchangeDeclare("topic_logs", BuiltinExchangeType.TOPIC);
        String q1 = ch.queueDeclare().getQueue();
        String q2 = ch.queueDeclare().getQueue();
        ch.queueBind(q1, "topic_logs", "*.orange.*");
        ch.queueBind(q2, "topic_logs", "*.*.rabbit");
        ch.queueBind(q2, "topic_logs", "lazy.#");
        for (String key : List.of("quick.orange.rabbit", "lazy.orange.elephant", "quick.orange.fox", "lazy.brown.fox",
            "quick.brown.fox", "orange", "quick.orange.male.rabbit", "lazy.orange.male.rabbit", "lazy")) {
            ch.basicPublish("topic_logs", key, null, utf8(key));
        }
        assertThat(drain(ch, q1)).containsExactly("quick.orange.rabbit", "lazy.orange.elephant", "quick.orange.fox");
        // A message matching two bindings of the same queue is delivered to it once.
        assertThat(drain(ch, q2)).containsExactly("quick.orange.rabbit", "lazy.orange.elephant", "lazy.brown.fox",
            "lazy.orange.male.rabbit", "lazy");
        ch.close();
    }

    @Test
    void rpcRepliesThroughReplyToWithCorrelationId() throws Exception {
        Channel server = connection.createChannel();
        server.queueDeclare("rpc_queue", false, false, false, null);
        server.basicQos(1);
        DeliverCallback serve = (tag, d) -> {
            int n = Integer.parseInt(text(d.getBody()));
            AMQP.BasicProperties reply = new AMQP.BasicProperties.Builder()
                .correlationId(d.getProperties().getCorrelationId()).build();
            server.basicPublish("", d.getProperties().getReplyTo(), reply, utf8(Integer.toString(fib(n))));
            server.basicAck(d.getEnvelope().getDeliveryTag(), false);
        };
        server.basicConsume("rpc_queue", false, serve, tag -> { });

        Channel client = connection.createChannel();
        String replyQueue = client.queueDeclare().getQueue();
        BlockingQueue<String[]> replies = new LinkedBlockingQueue<>();
        client.basicConsume(replyQueue, true, (tag, d) -> replies.add(new String[] {d.getProperties().getCorrelationId(),
            text(d.getBody())}), tag -> { });
        for (int n : new int[] {10, 20}) {
            String id = UUID.randomUUID().toString();
            client.basicPublish("", "rpc_queue", new AMQP.BasicProperties.Builder().correlationId(id).replyTo(replyQueue)
                .build(), utf8(Integer.toString(n)));
            String[] reply = replies.poll(10, TimeUnit.SECONDS);
            assertThat(reply).isNotNull();
            assertThat(reply[0]).isEqualTo(id);
            assertThat(reply[1]).isEqualTo(Integer.toString(fib(n)));
        }
        client.close();
        server.close();
    }

    private static int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

}
