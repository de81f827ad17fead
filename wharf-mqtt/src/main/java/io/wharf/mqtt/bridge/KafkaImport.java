package io.wharf.mqtt.bridge;

import io.wharf.broker.bridge.TopicFeed;
import io.wharf.broker.exchange.Exchange;
import io.wharf.broker.message.Message;
import io.wharf.broker.queue.QueueDeletedException;
import io.wharf.broker.queue.QueueFullException;
import io.wharf.broker.routing.TopicSyntax;
import io.wharf.broker.topic.PartitionId;
import io.wharf.broker.vhost.VirtualHost;
import io.wharf.broker.vhost.VirtualHosts;
import io.wharf.log.record.Record;
import io.wharf.mqtt.message.MqttMessages;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka to MQTT ({@code mqtt.kafka.import}): every record committed to the Kafka topic is published to MQTT's
 * exchange with the record key as the MQTT topic, so MQTT clients subscribed to a matching filter receive it (and
 * AMQP queues bound to {@code amq.topic} with the mapped key). It goes out at QoS 1 (a subscription's lower QoS
 * wins), not retained, with the properties {@link BridgeRecords} reads from its headers, and is not exported to
 * Kafka again (a topic both exported to and imported from would otherwise loop).
 *
 * <p>A record whose key is not an MQTT topic name — none, empty, not UTF-8, with a wildcard or U+0000 — and a
 * tombstone (no value) are skipped, counted and logged; so is a record a queue refuses by its own limits
 * ({@code x-max-length} with reject-publish, a queue deleted meanwhile), as a publish would be. Anything else that
 * stops the message being stored makes the feed hand the record on again ({@link TopicFeed}: at least once).
 */
public final class KafkaImport implements TopicFeed.RecordSink {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaImport.class);
    private static final CompletableFuture<Void> SKIPPED = CompletableFuture.completedFuture(null);

    private final VirtualHosts vhosts;
    private final String vhost;
    private final String exchange;
    private final AtomicLong skipped = new AtomicLong();

    /** Publishes to {@code exchange} of {@code vhost}, looked up per record (either may be deleted and made again). */
    public KafkaImport(VirtualHosts vhosts, String vhost, String exchange) {
        this.vhosts = vhosts;
        this.vhost = vhost;
        this.exchange = exchange;
    }

    /** Records left out so far (see the class comment). */
    public long skipped() { return skipped.get(); }

    @Override
    public CompletableFuture<?> accept(PartitionId partition, Record record) {
        String topic = topic(record);
        if (topic == null || !record.hasValue()) {
            skip(partition, record, topic == null ? "its key is not an MQTT topic name" : "it is a tombstone");
            return SKIPPED;
        }
        VirtualHost v = vhosts.get(vhost).orElse(null);
        Exchange x = v == null ? null : v.exchange(exchange);
        if (x == null) {
            skip(partition, record, "there is no exchange '" + exchange + "' in vhost '" + vhost + "'");
            return SKIPPED;
        }
        byte[] payload = bytes(record.value());
        Message message = MqttMessages.fromPublish(exchange, topic, 1, payload,
            BridgeRecords.properties(record.headers()), System.currentTimeMillis());
        return v.publish(x, message).exceptionally(e -> {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof QueueFullException || cause instanceof QueueDeletedException) {
                skip(partition, record, cause.getMessage());
                return 0;
            }
            throw e instanceof CompletionException c ? c : new CompletionException(cause);
        });
    }

    private static String topic(Record record) {
        if (!record.hasKey()) return null;
        String topic = MqttMessages.strictUtf8(record.key());
        if (topic == null) return null;
        try {
            TopicSyntax.MQTT.validateTopic(topic);
        } catch (IllegalArgumentException e) {
            return null;
        }
        return record.keySize() > 65535 ? null : topic; // an MQTT string's length is 16 bits
    }

    private void skip(PartitionId partition, Record record, String why) {
        long n = skipped.incrementAndGet();
        // The first, then one in a thousand: a topic full of unkeyed records must not flood the log.
        if (n == 1 || n % 1000 == 0) {
            LOG.warn("mqtt.kafka.import: record {} of {} not published to MQTT: {} ({} skipped so far)",
                record.offset(), partition, why, n);
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
