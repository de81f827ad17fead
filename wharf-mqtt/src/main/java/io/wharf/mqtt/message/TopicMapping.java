package io.wharf.mqtt.message;

/**
 * MQTT topic names and filters as AMQP routing and binding keys, the mapping of RabbitMQ's MQTT plugin
 * ({@code rabbit_mqtt_util:mqtt_to_amqp/1}): the level separator {@code /} becomes the word separator
 * {@code .}, a {@code .} inside an MQTT level becomes {@code /}, and the wildcards {@code +} and {@code #}
 * become {@code *} and {@code #}. The mapping is its own inverse on topics, so {@code sensors/k1.a/temp}
 * is published as {@code sensors.k1/a.temp} and an AMQP publish with that routing key reaches MQTT
 * subscribers as {@code sensors/k1.a/temp}.
 *
 * <p>An MQTT level that is literally {@code *} binds as an AMQP wildcard; the session filters such deliveries
 * again with MQTT's own rules (see {@code SessionSubscriptions}), so it never receives what its filter does
 * not match.
 */
public final class TopicMapping {
    private TopicMapping() {
    }

    /** The AMQP routing key of an MQTT topic name. */
    public static String toRoutingKey(String topic) {
        return swapSeparators(topic);
    }

    /** The MQTT topic name of an AMQP routing key. */
    public static String toTopic(String routingKey) {
        return swapSeparators(routingKey);
    }

    /** The AMQP binding key of an MQTT topic filter ({@code +} → {@code *}, {@code #} stays). */
    public static String toBindingKey(String filter) {
        StringBuilder out = new StringBuilder(filter.length());
        for (int i = 0; i < filter.length(); i++) {
            char c = filter.charAt(i);
            out.append(switch (c) {
                case '/' -> '.';
                case '.' -> '/';
                case '+' -> '*';
                default -> c;
            });
        }
        return out.toString();
    }

    /**
     * The MQTT topic filter of a binding key made by {@link #toBindingKey}: the inverse, except that an MQTT
     * level that was literally {@code *} comes back as {@code +} (as in RabbitMQ, which rebuilds subscriptions
     * from bindings the same way).
     */
    public static String toFilter(String bindingKey) {
        StringBuilder out = new StringBuilder(bindingKey.length());
        for (int i = 0; i < bindingKey.length(); i++) {
            char c = bindingKey.charAt(i);
            out.append(switch (c) {
                case '.' -> '/';
                case '/' -> '.';
                case '*' -> '+';
                default -> c;
            });
        }
        return out.toString();
    }

    private static String swapSeparators(String s) {
        if (s.indexOf('/') < 0 && s.indexOf('.') < 0) return s;
        char[] chars = s.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            if (chars[i] == '/') chars[i] = '.';
            else if (chars[i] == '.') chars[i] = '/';
        }
        return new String(chars);
    }
}
