package io.wharf.mqtt.subscribe;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One subscription of a session: its filter and the options granted (MQTT 5 §3.8.3.1; a 3.x subscription has
 * only the QoS), and its Subscription Identifier (§3.8.2.1.2; 0 for none). Stored as the arguments of the session
 * queue's binding on {@code amq.topic}, so that the bindings alone describe the session's subscriptions (a
 * persistent session can be rebuilt from them).
 *
 * @param filter the topic filter as subscribed; for a shared subscription, the whole {@code $share/group/filter}
 */
public record Subscription(String filter, int qos, boolean noLocal, boolean retainAsPublished, int retainHandling,
                           int subscriptionId) {
    public static final String QOS = "x-mqtt-qos";
    public static final String NO_LOCAL = "x-mqtt-no-local";
    public static final String RETAIN_AS_PUBLISHED = "x-mqtt-retain-as-published";
    public static final String RETAIN_HANDLING = "x-mqtt-retain-handling";
    public static final String SUBSCRIPTION_ID = "x-mqtt-subscription-id";
    /** Retain Handling 0: send retained messages at subscribe. */
    public static final int SEND_RETAINED = 0;
    /** Retain Handling 1: send retained messages only if the subscription did not exist yet. */
    public static final int SEND_RETAINED_IF_NEW = 1;
    /** Retain Handling 2: do not send retained messages at subscribe. */
    public static final int DO_NOT_SEND_RETAINED = 2;

    public Subscription(String filter, int qos, boolean noLocal, boolean retainAsPublished, int retainHandling) {
        this(filter, qos, noLocal, retainAsPublished, retainHandling, 0);
    }

    /**
     * The subscription a binding of the session queue records ({@link #bindingArguments}), or null if the
     * binding was not made by a SUBSCRIBE (no {@value #QOS} argument): how a persistent session's subscriptions
     * are rebuilt from its bindings.
     */
    public static Subscription fromBinding(String filter, Map<String, Object> args) {
        if (!(args.get(QOS) instanceof Number qos)) return null;
        return new Subscription(filter, qos.intValue(), Boolean.TRUE.equals(args.get(NO_LOCAL)),
            Boolean.TRUE.equals(args.get(RETAIN_AS_PUBLISHED)),
            args.get(RETAIN_HANDLING) instanceof Number n ? n.intValue() : 0,
            args.get(SUBSCRIPTION_ID) instanceof Number id ? id.intValue() : 0);
    }

    /** The binding arguments that record this subscription. */
    public Map<String, Object> bindingArguments() {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put(QOS, qos);
        args.put(NO_LOCAL, noLocal);
        args.put(RETAIN_AS_PUBLISHED, retainAsPublished);
        args.put(RETAIN_HANDLING, retainHandling);
        if (subscriptionId != 0) args.put(SUBSCRIPTION_ID, subscriptionId);
        return args;
    }
}
