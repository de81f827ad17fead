package io.wharf.mqtt.subscribe;

import io.wharf.broker.routing.TopicSyntax;

/**
 * A shared subscription's filter, {@code $share/<ShareName>/<filter>} (MQTT 5 §4.8.2; Wharf accepts it from 3.1.1
 * clients too, as Mosquitto and HiveMQ do): the messages matching {@code filter} go to one member of the group
 * each. Every member's subscription feeds from one queue per group and filter in the vhost, named
 * {@code mqtt-shared-<ShareName>/<filter>} (the share name has no {@code /}, so the name is unambiguous), whose
 * consumers are the members' connections.
 */
public record SharedFilter(String group, String filter) {
    public static final String PREFIX = "$share/";
    public static final String QUEUE_PREFIX = "mqtt-shared-";

    /**
     * The shared filter {@code subscribed} names, or null if it is an ordinary filter.
     *
     * @throws IllegalArgumentException if it starts with {@code $share/} but is not a valid shared filter
     *     [MQTT-4.8.2-1], [MQTT-4.8.2-2]
     */
    public static SharedFilter parse(String subscribed) {
        if (!subscribed.startsWith(PREFIX)) return null;
        int slash = subscribed.indexOf('/', PREFIX.length());
        if (slash < 0) {
            throw new IllegalArgumentException("Invalid shared subscription '" + subscribed + "': no topic filter after the"
                + " share name [MQTT-4.8.2-2]");
        }
        String group = subscribed.substring(PREFIX.length(), slash);
        if (group.isEmpty() || group.indexOf('+') >= 0 || group.indexOf('#') >= 0) {
            throw new IllegalArgumentException("Invalid shared subscription '" + subscribed + "': the share name must be "
                + "at least one character without '+' or '#' [MQTT-4.8.2-1]");
        }
        String filter = subscribed.substring(slash + 1);
        TopicSyntax.MQTT.validateFilter(filter);
        return new SharedFilter(group, filter);
    }

    /** The subscribed form, {@code $share/group/filter}. */
    public String subscribed() { return PREFIX + group + "/" + filter; }

    /** The name of the group's queue. */
    public String queueName() { return QUEUE_PREFIX + group + "/" + filter; }
}
