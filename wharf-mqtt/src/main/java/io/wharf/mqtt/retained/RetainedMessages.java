package io.wharf.mqtt.retained;

import io.wharf.broker.message.Message;
import io.wharf.broker.queue.MessageQueue;
import io.wharf.broker.retained.RetainedStore;
import io.wharf.mqtt.message.MqttMessages;
import io.wharf.mqtt.subscribe.Subscription;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Retained messages as MQTT uses them (MQTT 5 §3.3.1.3), on the broker's {@link RetainedStore}, keyed by MQTT topic:
 * <ul>
 *   <li>a PUBLISH with RETAIN replaces the topic's retained message, one with an empty payload clears it; either is
 *       also routed to the current subscribers like any publish (the publish path does both, and a Last Will with
 *       the retain flag goes the same way);
 *   <li>a new subscription gets the retained message of every topic its filter matches — unless Retain Handling
 *       says otherwise (1: only if the subscription is new; 2: never) or it is a shared subscription
 *       [MQTT-3.8.4-4]. Each is put in the session's queue as a copy marked for that subscription
 *       ({@link MqttMessages#retainedFor}), so it goes out through the session's usual flow: with RETAIN set, at
 *       {@code min(retained QoS, granted QoS)}, in the window, redelivered if the connection dies;
 *   <li>a retained message with a Message Expiry Interval stops being sent once it expired.
 * </ul>
 * The store is durable (a compacted log) and loaded into memory at start; the broker's own {@code $SYS} status is
 * retained in memory only.
 *
 * <p>Thread-safe.
 */
public final class RetainedMessages {
    private final RetainedStore store;

    public RetainedMessages(RetainedStore store) {
        this.store = store;
    }

    /**
     * A PUBLISH with RETAIN for {@code topic}: keeps {@code message} as the topic's retained message, or clears it if
     * its payload is empty. Completes once that is as safe as the message asks (on disk for QoS 1 and 2).
     */
    public CompletableFuture<Void> published(String topic, Message message) {
        return store.retain(topic, message);
    }

    /** Retains {@code message} in memory only, for what the broker republishes itself ({@code $SYS}). */
    public void retainInMemory(String topic, Message message) {
        store.retainInMemory(topic, message);
    }

    /**
     * Sends the retained messages {@code subscription} should get on SUBSCRIBE by putting them in {@code queue}, the
     * session's; returns how many.
     *
     * @param existed whether the session had a subscription with that filter already (Retain Handling 1)
     */
    public int subscribed(Subscription subscription, boolean existed, MessageQueue queue, long now) {
        int handling = subscription.retainHandling();
        if (handling == Subscription.DO_NOT_SEND_RETAINED) return 0;
        if (handling == Subscription.SEND_RETAINED_IF_NEW && existed) return 0;
        List<RetainedStore.Retained> found = store.matching(subscription.filter(), now);
        for (RetainedStore.Retained r : found) queue.enqueue(MqttMessages.retainedFor(r.message(), subscription.filter()));
        return found.size();
    }

    /** Topics with a retained message. */
    public int count() { return store.size(); }
}
