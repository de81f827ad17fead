package io.wharf.broker.vhost;

import io.wharf.broker.queue.QueueSettings;
import io.wharf.broker.queue.QueueSettings.Overflow;
import java.util.Map;

/**
 * Reads a queue's {@code x-} arguments into its {@link QueueSettings}, refusing bad values as RabbitMQ does
 * (PRECONDITION_FAILED, "invalid arg 'x-max-length' for queue 'q' in vhost '/': ..."). Unknown arguments
 * are kept and ignored, as in RabbitMQ.
 */
final class QueueArguments {
    private QueueArguments() {
    }

    static QueueSettings settings(String vhost, QueueDefinition def) {
        Map<String, Object> a = def.arguments();
        long ttl = nonNegative(vhost, def, "x-message-ttl");
        long expires = positive(vhost, def, "x-expires");
        long maxLength = nonNegative(vhost, def, "x-max-length");
        long maxBytes = nonNegative(vhost, def, "x-max-length-bytes");
        Overflow overflow = Overflow.DROP_HEAD;
        Object o = a.get("x-overflow");
        if (o != null) {
            overflow = switch (o.toString()) {
                case "drop-head" -> Overflow.DROP_HEAD;
                case "reject-publish" -> Overflow.REJECT_PUBLISH;
                case "reject-publish-dlx" -> Overflow.REJECT_PUBLISH_DLX;
                default -> throw invalid(vhost, def, "x-overflow", "'" + o + "' is not one of drop-head, reject-publish, reject-publish-dlx");
            };
        }
        String dlx = string(vhost, def, "x-dead-letter-exchange");
        String dlrk = string(vhost, def, "x-dead-letter-routing-key");
        if (dlrk != null && dlx == null) {
            throw invalid(vhost, def, "x-dead-letter-routing-key", "x-dead-letter-exchange must be set as well");
        }
        long maxPriority = nonNegative(vhost, def, "x-max-priority");
        if (maxPriority > 255) throw invalid(vhost, def, "x-max-priority", maxPriority + " is above 255");
        Object sac = a.get("x-single-active-consumer");
        if (sac != null && !(sac instanceof Boolean)) {
            throw invalid(vhost, def, "x-single-active-consumer", "expected a boolean, got " + sac);
        }
        return new QueueSettings(def.durable(), def.autoDelete(), ttl, expires, maxLength, maxBytes, overflow, dlx, dlrk,
            (int) maxPriority, Boolean.TRUE.equals(sac));
    }

    private static long nonNegative(String vhost, QueueDefinition def, String key) {
        long v = integer(vhost, def, key);
        if (v < -1 || (v == -1 && def.arguments().containsKey(key))) throw invalid(vhost, def, key, "must not be negative");
        return v;
    }

    private static long positive(String vhost, QueueDefinition def, String key) {
        long v = integer(vhost, def, key);
        if (v == 0 || (v < 0 && def.arguments().containsKey(key))) throw invalid(vhost, def, key, "must be positive");
        return v;
    }

    private static long integer(String vhost, QueueDefinition def, String key) {
        Object v = def.arguments().get(key);
        if (v == null) return -1;
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) return ((Number) v).longValue();
        throw invalid(vhost, def, key, "expected an integer, got " + v);
    }

    private static String string(String vhost, QueueDefinition def, String key) {
        Object v = def.arguments().get(key);
        if (v == null) return null;
        if (v instanceof String s) return s;
        throw invalid(vhost, def, key, "expected a string, got " + v);
    }

    private static VhostException invalid(String vhost, QueueDefinition def, String key, String why) {
        return new VhostException(VhostException.Reason.PRECONDITION_FAILED, "invalid arg '" + key + "' for queue '"
            + def.name() + "' in vhost '" + vhost + "': " + why);
    }
}
