package io.wharf.mqtt.limits;

import java.util.HashMap;
import java.util.Map;

/**
 * The topic aliases the server uses towards a client that allows them (its CONNECT's Topic Alias Maximum,
 * MQTT 5 §3.3.2.3.4): the first topics sent get aliases 1 to the maximum, for the connection's life; the
 * first PUBLISH with an alias carries the topic as well, later ones only the alias. Topics beyond the
 * maximum go out in full (no alias is rebound, so a long-lived mapping is never invalidated).
 *
 * <p>Confined to the connection's event loop.
 */
public final class OutboundTopicAliases {
    /** How to send one topic: the alias (0: none) and whether the topic name must go too. */
    public record Form(int alias, boolean withTopic) {
        static final Form FULL = new Form(0, true);
    }

    private final int maximum;
    private final Map<String, Integer> aliases = new HashMap<>();

    public OutboundTopicAliases(int maximum) {
        this.maximum = maximum;
    }

    /** How {@code topic} would go out now; nothing changes until {@link #sent}. */
    public Form formFor(String topic) {
        Integer alias = aliases.get(topic);
        if (alias != null) return new Form(alias, false);
        if (aliases.size() < maximum) return new Form(aliases.size() + 1, true);
        return Form.FULL;
    }

    /** A PUBLISH went out in {@code form}: from now on the client knows its alias. */
    public void sent(String topic, Form form) {
        if (form.alias() != 0 && form.withTopic()) aliases.put(topic, form.alias());
    }
}
