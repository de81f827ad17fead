package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.amqp.AmqpRejectAndDontRequeueException;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.ExchangeBuilder;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.core.QueueInformation;
import org.springframework.amqp.core.ReturnedMessage;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.annotation.EnableRabbit;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.amqp.rabbit.config.SimpleRabbitListenerContainerFactory;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareMessageListener;
import org.springframework.amqp.support.AmqpHeaders;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.handler.annotation.Header;

/**
 * Spring AMQP (spring-rabbit) against Wharf as a Spring application uses it: a context whose
 * {@link RabbitAdmin} declares the topology from {@link Declarables} beans, a {@link RabbitTemplate}, a
 * {@code @RabbitListener} RPC server, listener containers with manual acks and prefetch, a rejecting listener
 * and its dead-letter queue, publisher confirms and returns, and every message property.
 */
class SpringAmqpTest {
    private static final long TIMEOUT_MS = 10_000;
    static final String ORDERS = "spring.orders";
    static final String EVENTS = "spring.events";
    static final String RPC = "spring.rpc";

    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perClass();

    static AnnotationConfigApplicationContext app;
    static RabbitTemplate template;
    static RabbitAdmin admin;

    /** The application: one connection factory, its admin, the topology, a template and an RPC server. */
    @Configuration(proxyBeanMethods = false)
    @EnableRabbit
    static class App {
        @Bean
        CachingConnectionFactory connectionFactory(WharfTestBroker broker) {
            return factory(broker);
        }

        @Bean
        RabbitAdmin rabbitAdmin(ConnectionFactory cf) { return new RabbitAdmin(cf); }

        @Bean
        Declarables topology() {
            Queue orders = QueueBuilder.durable(ORDERS).build();
            TopicExchange events = ExchangeBuilder.topicExchange(EVENTS).durable(true).build();
            return new Declarables(orders, events, BindingBuilder.bind(orders).to(events).with("orders.#"),
                QueueBuilder.nonDurable(RPC).build());
        }

        @Bean
        RabbitTemplate rabbitTemplate(ConnectionFactory cf) { return new RabbitTemplate(cf); }

        @Bean
        SimpleRabbitListenerContainerFactory rabbitListenerContainerFactory(ConnectionFactory cf) {
            SimpleRabbitListenerContainerFactory f = new SimpleRabbitListenerContainerFactory();
            f.setConnectionFactory(cf);
            return f;
        }

        @Bean
        RpcServer rpcServer() { return new RpcServer(); }
    }

    /** Answers each request upper-cased, and remembers where each reply went. */
    static class RpcServer {
        final BlockingQueue<String> replyTos = new LinkedBlockingQueue<>();

        @RabbitListener(queues = RPC)
        String upper(String request, @Header(AmqpHeaders.REPLY_TO) String replyTo) {
            replyTos.add(replyTo);
            return request.toUpperCase();
        }
    }

    static CachingConnectionFactory factory(WharfTestBroker broker) {
        CachingConnectionFactory cf = new CachingConnectionFactory("127.0.0.1", broker.amqpPort());
        cf.setUsername("guest");
        cf.setPassword("guest");
        return cf;
    }

    @BeforeAll
    static void start() {
        app = new AnnotationConfigApplicationContext();
        app.getBeanFactory().registerSingleton("broker", broker.get());
        app.register(App.class);
        app.refresh();
        template = app.getBean(RabbitTemplate.class);
        admin = app.getBean(RabbitAdmin.class);
    }

    @AfterAll
    static void stop() {
        if (app != null) app.close();
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    private static String declareQueue(String name) {
        admin.declareQueue(QueueBuilder.nonDurable(name).build());
        return name;
    }

    private static QueueInformation info(String queue) {
        QueueInformation info = admin.getQueueInfo(queue);
        assertThat(info).as("queue %s exists", queue).isNotNull();
        return info;
    }

    @Test
    void theAdminDeclaresTheDeclarablesAndTheTemplateRoutesThroughTheTopicBinding() {
        // Declared when the context's first connection opened, by the admin, from the Declarables bean.
        assertThat(info(ORDERS).getMessageCount()).isZero();
        assertThat(info(RPC).getConsumerCount()).isEqualTo(1);

        template.convertAndSend(EVENTS, "orders.created.eu", "order 1");
        template.convertAndSend(EVENTS, "invoices.created", "not an order");
        template.convertAndSend(EVENTS, "orders", "order 2");
        assertThat(template.receiveAndConvert(ORDERS, TIMEOUT_MS)).isEqualTo("order 1");
        assertThat(template.receiveAndConvert(ORDERS, TIMEOUT_MS)).isEqualTo("order 2");
        assertThat(template.receiveAndConvert(ORDERS)).isNull();

        // A raw client sees the same topology: the exchange exists and the durable queue holds what is routed.
        template.execute(ch -> {
            ch.exchangeDeclarePassive(EVENTS);
            ch.basicPublish(EVENTS, "orders.x", null, "raw".getBytes(StandardCharsets.UTF_8));
            return null;
        });
        // No content type on the raw message: Spring hands over the bytes.
        assertThat(template.receiveAndConvert(ORDERS, TIMEOUT_MS)).isEqualTo("raw".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void convertAndSendAndReceiveAndConvertRoundTripTextAndBytes() {
        String q = declareQueue("spring.convert");
        template.convertAndSend(q, "héllo wörld");
        template.convertAndSend(q, new byte[] {0, 1, 2, (byte) 0xff});
        assertThat(template.receiveAndConvert(q, TIMEOUT_MS)).isEqualTo("héllo wörld");
        Message bytes = template.receive(q, TIMEOUT_MS);
        assertThat(bytes.getBody()).containsExactly(0, 1, 2, 0xff);
        assertThat(bytes.getMessageProperties().getContentType()).isEqualTo(MessageProperties.CONTENT_TYPE_BYTES);
        assertThat(template.receiveAndConvert(q)).isNull();
    }

    @Test
    void aManualAckContainerConsumesEveryMessageOnceInOrder() {
        String q = declareQueue("spring.manual-ack");
        int n = 500;
        for (int i = 0; i < n; i++) template.convertAndSend(q, "m" + i);
        List<String> got = new CopyOnWriteArrayList<>();
        CachingConnectionFactory cf = factory(broker.get());
        SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(cf);
        container.setQueueNames(q);
        container.setAcknowledgeMode(AcknowledgeMode.MANUAL);
        container.setPrefetchCount(10);
        container.setReceiveTimeout(100);
        container.setMessageListener((ChannelAwareMessageListener) (message, channel) -> {
            got.add(new String(message.getBody(), StandardCharsets.UTF_8));
            channel.basicAck(message.getMessageProperties().getDeliveryTag(), false);
        });
        try {
            container.start();
            await(n + " messages", () -> got.size() >= n);
        } finally {
            container.stop();
            cf.destroy();
        }
        assertThat(got).containsExactlyElementsOf(IntStream.range(0, n).mapToObj(i -> "m" + i).toList());
        // Closing the connection would have requeued anything not acknowledged: nothing is left.
        assertThat(info(q).getMessageCount()).isZero();
    }

    @Test
    void aContainerWithPrefetchThreeHoldsAtMostThreeUnackedMessages() throws Exception {
        String q = declareQueue("spring.prefetch");
        int n = 12;
        int prefetch = 3;
        for (int i = 0; i < n; i++) template.convertAndSend(q, "p" + i);
        List<Message> held = new CopyOnWriteArrayList<>();
        List<com.rabbitmq.client.Channel> channels = new CopyOnWriteArrayList<>();
        CachingConnectionFactory cf = factory(broker.get());
        SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(cf);
        container.setQueueNames(q);
        container.setAcknowledgeMode(AcknowledgeMode.MANUAL);
        container.setPrefetchCount(prefetch);
        container.setReceiveTimeout(100);
        container.setMessageListener((ChannelAwareMessageListener) (message, channel) -> {
            channels.add(channel);
            held.add(message);
        });
        try {
            container.start();
            for (int round = 1; round <= n / prefetch; round++) {
                int expected = round * prefetch;
                await(expected + " deliveries", () -> held.size() >= expected);
                // The broker gave out exactly the prefetch window and holds the rest back.
                assertThat(held).hasSize(expected);
                assertThat(info(q).getMessageCount()).isEqualTo(n - expected);
                Message last = held.get(expected - 1);
                channels.get(expected - 1).basicAck(last.getMessageProperties().getDeliveryTag(), true);
            }
        } finally {
            container.stop();
            cf.destroy();
        }
        assertThat(held).extracting(m -> new String(m.getBody(), StandardCharsets.UTF_8))
            .containsExactlyElementsOf(IntStream.range(0, n).mapToObj(i -> "p" + i).toList());
        assertThat(info(q).getMessageCount()).isZero();
    }

    @Test
    void aListenerThatRejectsSendsTheMessageToTheDeadLetterQueue() {
        String dlq = declareQueue("spring.dlq");
        String q = "spring.with-dlx";
        admin.declareQueue(QueueBuilder.nonDurable(q).deadLetterExchange("").deadLetterRoutingKey(dlq).build());
        List<String> attempts = new CopyOnWriteArrayList<>();
        CachingConnectionFactory cf = factory(broker.get());
        SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(cf);
        container.setQueueNames(q);
        container.setReceiveTimeout(100);
        container.setMessageListener(message -> {
            attempts.add(new String(message.getBody(), StandardCharsets.UTF_8));
            throw new AmqpRejectAndDontRequeueException("poison");
        });
        try {
            container.start();
            template.convertAndSend(q, "poison pill");
            Message dead = template.receive(dlq, TIMEOUT_MS);
            assertThat(dead).as("dead-lettered message").isNotNull();
            assertThat(new String(dead.getBody(), StandardCharsets.UTF_8)).isEqualTo("poison pill");
            List<Map<String, ?>> xDeath = dead.getMessageProperties().getXDeathHeader();
            assertThat(xDeath).hasSize(1);
            assertThat(xDeath.get(0).get("queue")).isEqualTo(q);
            assertThat(xDeath.get(0).get("reason")).isEqualTo("rejected");
        } finally {
            container.stop();
            cf.destroy();
        }
        assertThat(attempts).containsExactly("poison pill");
        assertThat(info(q).getMessageCount()).isZero();
    }

    @Test
    void publisherConfirmsAckEveryMessageAndNackOneARejectPublishQueueRefuses() throws Exception {
        CachingConnectionFactory cf = factory(broker.get());
        cf.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
        RabbitTemplate confirming = new RabbitTemplate(cf);
        try {
            String q = declareQueue("spring.confirms");
            List<CorrelationData> sent = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                CorrelationData cd = new CorrelationData("c" + i);
                confirming.convertAndSend("", q, "confirmed " + i, cd);
                sent.add(cd);
            }
            for (CorrelationData cd : sent) {
                assertThat(cd.getFuture().get(TIMEOUT_MS, TimeUnit.MILLISECONDS).ack()).as(cd.getId()).isTrue();
            }
            assertThat(info(q).getMessageCount()).isEqualTo(100);

            admin.declareQueue(QueueBuilder.nonDurable("spring.full").maxLength(1).overflow(QueueBuilder.Overflow.rejectPublish).build());
            CorrelationData first = new CorrelationData("first");
            CorrelationData refused = new CorrelationData("refused");
            confirming.convertAndSend("", "spring.full", "fits", first);
            confirming.convertAndSend("", "spring.full", "does not fit", refused);
            assertThat(first.getFuture().get(TIMEOUT_MS, TimeUnit.MILLISECONDS).ack()).isTrue();
            assertThat(refused.getFuture().get(TIMEOUT_MS, TimeUnit.MILLISECONDS).ack()).isFalse();
            assertThat(template.receiveAndConvert("spring.full", TIMEOUT_MS)).isEqualTo("fits");
        } finally {
            cf.destroy();
        }
    }

    @Test
    void aMandatoryUnroutableMessageIsReturnedAndThenConfirmed() throws Exception {
        CachingConnectionFactory cf = factory(broker.get());
        cf.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
        cf.setPublisherReturns(true);
        RabbitTemplate returning = new RabbitTemplate(cf);
        BlockingQueue<ReturnedMessage> returned = new LinkedBlockingQueue<>();
        returning.setMandatory(true);
        returning.setReturnsCallback(returned::add);
        try {
            CorrelationData cd = new CorrelationData("lost");
            returning.convertAndSend(EVENTS, "nobody.listens", "unroutable", cd);
            ReturnedMessage r = returned.poll(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            assertThat(r).as("basic.return").isNotNull();
            assertThat(r.getReplyCode()).isEqualTo(312);
            assertThat(r.getReplyText()).isEqualTo("NO_ROUTE");
            assertThat(r.getExchange()).isEqualTo(EVENTS);
            assertThat(r.getRoutingKey()).isEqualTo("nobody.listens");
            assertThat(new String(r.getMessage().getBody(), StandardCharsets.UTF_8)).isEqualTo("unroutable");
            // RabbitMQ confirms a returned message with an ack, after the return.
            assertThat(cd.getFuture().get(TIMEOUT_MS, TimeUnit.MILLISECONDS).ack()).isTrue();
            assertThat(cd.getReturned()).isNotNull();

            CorrelationData routed = new CorrelationData("routed");
            returning.convertAndSend(EVENTS, "orders.kept", "routable", routed);
            assertThat(routed.getFuture().get(TIMEOUT_MS, TimeUnit.MILLISECONDS).ack()).isTrue();
            assertThat(routed.getReturned()).isNull();
            assertThat(returned).isEmpty();
            assertThat(template.receiveAndConvert(ORDERS, TIMEOUT_MS)).isEqualTo("routable");
        } finally {
            cf.destroy();
        }
    }

    @Test
    void convertSendAndReceiveWithTemporaryReplyQueuesGetsTheListenersReply() {
        RpcServer server = app.getBean(RpcServer.class);
        server.replyTos.clear();
        RabbitTemplate rpc = new RabbitTemplate(app.getBean(ConnectionFactory.class));
        rpc.setUseTemporaryReplyQueues(true);
        rpc.setReplyTimeout(TIMEOUT_MS);
        for (int i = 0; i < 5; i++) assertThat(rpc.convertSendAndReceive("", RPC, "ping " + i)).isEqualTo("PING " + i);
        assertThat(server.replyTos).hasSize(5).allSatisfy(r -> assertThat(r).startsWith("amq.gen-"));
    }

    @Test
    void convertSendAndReceiveWithTheDefaultTemplateGetsTheListenersReply() {
        // Spring's default is direct reply-to; where the broker refuses amq.rabbitmq.reply-to, Spring falls
        // back to a temporary queue per request. Either way the application gets its reply.
        RabbitTemplate rpc = new RabbitTemplate(app.getBean(ConnectionFactory.class));
        rpc.setReplyTimeout(TIMEOUT_MS);
        assertThat(rpc.convertSendAndReceive("", RPC, "default")).isEqualTo("DEFAULT");
    }

    @Test
    void convertSendAndReceiveUsesDirectReplyToByDefault() {
        // What Spring asks first: a passive declare of the pseudo-queue, which RabbitMQ answers with declare-ok.
        template.execute(ch -> ch.queueDeclarePassive("amq.rabbitmq.reply-to"));
        RpcServer server = app.getBean(RpcServer.class);
        server.replyTos.clear();
        RabbitTemplate rpc = new RabbitTemplate(app.getBean(ConnectionFactory.class));
        rpc.setReplyTimeout(TIMEOUT_MS);
        for (int i = 0; i < 3; i++) assertThat(rpc.convertSendAndReceive("", RPC, "direct " + i)).isEqualTo("DIRECT " + i);
        // RabbitMQ rewrites the reply-to of a request sent on the consuming channel to amq.rabbitmq.reply-to.<token>.
        assertThat(server.replyTos).hasSize(3).allSatisfy(r -> assertThat(r).startsWith("amq.rabbitmq.reply-to."));
    }

    @Test
    void everyMessagePropertyRoundTrips() {
        String q = declareQueue("spring.properties");
        MessageProperties props = new MessageProperties();
        props.setContentType("application/json");
        props.setContentEncoding("utf-8");
        props.setCorrelationId("corr-42");
        props.setMessageId("msg-7");
        props.setReplyTo("replies");
        props.setPriority(7);
        props.setExpiration("60000");
        props.setType("order.created");
        props.setAppId("spring-test");
        props.setUserId("guest");
        props.setTimestamp(new Date(1_700_000_000_000L));
        props.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
        props.setHeader("string", "text");
        props.setHeader("int", 42);
        props.setHeader("long", 1L << 40);
        props.setHeader("bool", true);
        props.setHeader("double", 2.5);
        props.setHeader("list", List.of("a", "b"));
        props.setHeader("map", Map.of("nested", "yes"));
        byte[] body = "{\"id\":1}".getBytes(StandardCharsets.UTF_8);
        template.send("", q, new Message(body, props));

        Message got = template.receive(q, TIMEOUT_MS);
        assertThat(got).isNotNull();
        assertThat(got.getBody()).isEqualTo(body);
        MessageProperties p = got.getMessageProperties();
        assertThat(p.getContentType()).isEqualTo("application/json");
        assertThat(p.getContentEncoding()).isEqualTo("utf-8");
        assertThat(p.getCorrelationId()).isEqualTo("corr-42");
        assertThat(p.getMessageId()).isEqualTo("msg-7");
        assertThat(p.getReplyTo()).isEqualTo("replies");
        assertThat(p.getPriority()).isEqualTo(7);
        assertThat(p.getExpiration()).isEqualTo("60000");
        assertThat(p.getType()).isEqualTo("order.created");
        assertThat(p.getAppId()).isEqualTo("spring-test");
        assertThat(p.getReceivedUserId()).isEqualTo("guest");
        assertThat(p.getTimestamp()).isEqualTo(new Date(1_700_000_000_000L));
        assertThat(p.getReceivedDeliveryMode()).isEqualTo(MessageDeliveryMode.PERSISTENT);
        assertThat(p.getReceivedRoutingKey()).isEqualTo(q);
        assertThat(p.getRedelivered()).isFalse();
        assertThat(p.<Object>getHeader("string")).isEqualTo("text");
        assertThat(p.<Object>getHeader("int")).isEqualTo(42);
        assertThat(p.<Object>getHeader("long")).isEqualTo(1L << 40);
        assertThat(p.<Object>getHeader("bool")).isEqualTo(true);
        assertThat(p.<Object>getHeader("double")).isEqualTo(2.5);
        assertThat(p.<Object>getHeader("list")).isEqualTo(List.of("a", "b"));
        assertThat(p.<Object>getHeader("map")).isEqualTo(Map.of("nested", "yes"));
    }
}
