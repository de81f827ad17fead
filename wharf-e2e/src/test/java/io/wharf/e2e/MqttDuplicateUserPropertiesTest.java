package io.wharf.e2e;

import static io.wharf.e2e.MqttClientSupport.closeQuietly;
import static io.wharf.e2e.MqttClientSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.e2e.MqttClientSupport.Inbox;
import java.util.List;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** MQTT 5 §3.3.2.3.7: "The same name is allowed to appear more than once"; the broker keeps only the first. */
class MqttDuplicateUserPropertiesTest {
    @RegisterExtension
    static final WharfBrokerExtension broker = WharfBrokerExtension.perTest();

    @Test
    void aUserPropertyNameThatAppearsTwiceReachesTheSubscriberTwiceInOrder() throws Exception {
        var sub = MqttClientSupport.v5(broker.get(), "dup-sub");
        var pub = MqttClientSupport.v5(broker.get(), "dup-pub");
        try {
            Inbox inbox = new Inbox();
            sub.subscribe(new MqttSubscription[] {new MqttSubscription("dup/t", 1)}, new IMqttMessageListener[] {inbox});
            MqttMessage m = new MqttMessage(utf8("x"));
            m.setQos(1);
            MqttProperties p = new MqttProperties();
            p.setUserProperties(List.of(new UserProperty("tag", "a"), new UserProperty("tag", "b"),
                new UserProperty("site", "k1")));
            m.setProperties(p);
            pub.publish("dup/t", m);
            assertThat(inbox.take().v5().getUserProperties()).extracting(u -> u.getKey() + "=" + u.getValue())
                .containsExactly("tag=a", "tag=b", "site=k1");
        } finally {
            closeQuietly(sub, pub);
        }
    }
}
