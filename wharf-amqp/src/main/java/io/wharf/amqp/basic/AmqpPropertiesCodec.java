package io.wharf.amqp.basic;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.LongString;
import io.wharf.broker.message.MessageAttributes;
import io.wharf.broker.message.PropertiesCodec;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The broker core's view of AMQP basic properties: the headers table, every property as a plain value
 * ({@link BasicProperties#attributes}), and the properties of a
 * dead-lettered copy with RabbitMQ's {@code x-death} bookkeeping — one table per (queue, reason), newest
 * first, each with {@code count}, {@code reason}, {@code queue}, {@code time}, {@code exchange},
 * {@code routing-keys} and, when the message had one, {@code original-expiration}; plus
 * {@code x-first-death-*} (set once) and {@code x-last-death-*}. The expiration property is removed.
 */
public final class AmqpPropertiesCodec implements PropertiesCodec {
    /** Class id, weight and body size that precede the properties in a content header. */
    private static final int HEADER_PREFIX = 12;

    @Override
    public Map<String, Object> headers(byte[] properties) {
        return BasicProperties.headers(properties);
    }

    @Override
    public MessageAttributes attributes(byte[] properties) {
        return BasicProperties.attributes(properties);
    }

    @Override
    public byte[] deadLettered(byte[] properties, Death death) {
        AMQP.BasicProperties p = parse(properties);
        Map<String, Object> headers = new LinkedHashMap<>(p.getHeaders() == null ? Map.of() : p.getHeaders());
        List<Object> deaths = new ArrayList<>();
        Object old = headers.get("x-death");
        if (old instanceof List<?> list) deaths.addAll(list);
        long count = 1;
        for (int i = 0; i < deaths.size(); i++) {
            if (deaths.get(i) instanceof Map<?, ?> entry && death.queue().equals(text(entry.get("queue")))
                && death.reason().equals(text(entry.get("reason")))) {
                if (entry.get("count") instanceof Number n) count = n.longValue() + 1;
                deaths.remove(i);
                break;
            }
        }
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("count", count);
        entry.put("reason", death.reason());
        entry.put("queue", death.queue());
        entry.put("time", new Date(death.timeMs() / 1000 * 1000));
        entry.put("exchange", death.exchange());
        entry.put("routing-keys", new ArrayList<Object>(death.routingKeys()));
        if (p.getExpiration() != null) entry.put("original-expiration", p.getExpiration());
        deaths.add(0, entry);
        headers.put("x-death", deaths);
        headers.putIfAbsent("x-first-death-reason", death.reason());
        headers.putIfAbsent("x-first-death-queue", death.queue());
        headers.putIfAbsent("x-first-death-exchange", death.exchange());
        headers.put("x-last-death-reason", death.reason());
        headers.put("x-last-death-queue", death.queue());
        headers.put("x-last-death-exchange", death.exchange());
        return encode(p.builder().headers(headers).expiration(null).build());
    }

    private static String text(Object o) {
        return o instanceof LongString || o instanceof String ? o.toString() : null;
    }

    private static AMQP.BasicProperties parse(byte[] properties) {
        if (properties.length < 2) return new AMQP.BasicProperties();
        try {
            return new AMQP.BasicProperties(new DataInputStream(new SequenceInputStream(
                new ByteArrayInputStream(new byte[10]), new ByteArrayInputStream(properties))));
        } catch (IOException e) {
            return new AMQP.BasicProperties();
        }
    }

    private static byte[] encode(AMQP.BasicProperties p) {
        try {
            byte[] payload = p.toFrame(0, 0).getPayload();
            return Arrays.copyOfRange(payload, HEADER_PREFIX, payload.length);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot encode dead-lettered properties", e);
        }
    }
}
