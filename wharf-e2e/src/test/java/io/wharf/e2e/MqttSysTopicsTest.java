package io.wharf.e2e;

import static io.wharf.e2e.MqttClientSupport.closeQuietly;
import static io.wharf.e2e.MqttClientSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.e2e.MqttClientSupport.Got;
import io.wharf.e2e.MqttClientSupport.Inbox;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker's {@code $SYS/broker/...} status topics, with Mosquitto's names, as a monitoring client reads them. */
class MqttSysTopicsTest {
    private static final List<String> TOPICS = List.of("$SYS/broker/version", "$SYS/broker/uptime",
        "$SYS/broker/clients/connected", "$SYS/broker/messages/received", "$SYS/broker/messages/sent",
        "$SYS/broker/bytes/received", "$SYS/broker/bytes/sent", "$SYS/broker/retained messages/count");

    /** Takes messages until every $SYS topic was seen at least once; returns the latest payload of each. */
    private static Map<String, String> oneRound(Inbox inbox) throws InterruptedException {
        Map<String, String> latest = new HashMap<>();
        while (!latest.keySet().containsAll(TOPICS)) {
            Got g = inbox.take();
            latest.put(g.topic(), g.payload());
        }
        return latest;
    }

    @Test
    void aSubscriberToSysGetsTheRetainedStatusAtOnceAndFreshValuesEveryInterval(@TempDir Path dir) throws Exception {
        try (WharfTestBroker broker = WharfTestBroker.start(dir, "mqtt.sys.interval.seconds", "1")) {
            MqttClient monitor = MqttClientSupport.v3(broker, "sys-monitor");
            MqttClient other = MqttClientSupport.v3(broker, "sys-other");
            try {
                Inbox inbox = new Inbox();
                monitor.subscribe("$SYS/#", 0, inbox);
                Got first = inbox.take();
                assertThat(first.retained()).as("the latest round is retained").isTrue();
                Map<String, String> status = oneRound(inbox);
                assertThat(status.get("$SYS/broker/version")).matches("wharf version \\d+\\.\\d+\\.\\d+.*");
                assertThat(status.get("$SYS/broker/uptime")).matches("\\d+ seconds");
                for (String counter : TOPICS.subList(2, TOPICS.size())) {
                    assertThat(status.get(counter)).as(counter).matches("\\d+");
                }

                // Counters move: wait for a round that sees both clients and the bytes this test sent.
                other.publish("sys/t", utf8("x".repeat(1000)), 1, true);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                long bytesBefore = Long.parseLong(status.get("$SYS/broker/bytes/received"));
                while (true) {
                    status = oneRound(inbox);
                    if (status.get("$SYS/broker/clients/connected").equals("2")
                        && Long.parseLong(status.get("$SYS/broker/bytes/received")) >= bytesBefore + 1000
                        // The 8 $SYS topics are retained messages too, as in Mosquitto.
                        && status.get("$SYS/broker/retained messages/count").equals("9")) {
                        break;
                    }
                    assertThat(System.nanoTime()).as("a round with the new counts, last: " + status).isLessThan(deadline);
                }
                assertThat(Long.parseLong(status.get("$SYS/broker/messages/received"))).isGreaterThanOrEqualTo(4);
                assertThat(Long.parseLong(status.get("$SYS/broker/messages/sent"))).isGreaterThanOrEqualTo(4);
                assertThat(Long.parseLong(status.get("$SYS/broker/bytes/sent"))).isPositive();

                closeQuietly(other);
                deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                while (!oneRound(inbox).get("$SYS/broker/clients/connected").equals("1")) {
                    assertThat(System.nanoTime()).as("clients/connected back to 1").isLessThan(deadline);
                }
            } finally {
                closeQuietly(monitor, other);
            }
        }
    }

    @Test
    void aHashSubscriberNeverGetsSysTopics(@TempDir Path dir) throws Exception {
        try (WharfTestBroker broker = WharfTestBroker.start(dir, "mqtt.sys.interval.seconds", "1")) {
            MqttClient all = MqttClientSupport.v3(broker, "sys-hash");
            MqttClient monitor = MqttClientSupport.v3(broker, "sys-monitor-2");
            try {
                Inbox everything = new Inbox();
                all.subscribe("#", 0, everything);
                Inbox sys = new Inbox();
                monitor.subscribe("$SYS/broker/uptime", 0, sys);
                assertThat(sys.take().retained()).isTrue();
                // A live round: published while '#' was subscribed.
                assertThat(sys.take().retained()).isFalse();
                monitor.publish("after/sys", utf8("marker"), 0, false);
                assertThat(everything.take().topic()).isEqualTo("after/sys");
                everything.assertEmpty();
            } finally {
                closeQuietly(all, monitor);
            }
        }
    }

    @Test
    void intervalZeroPublishesNothing(@TempDir Path dir) throws Exception {
        try (WharfTestBroker broker = WharfTestBroker.start(dir, "mqtt.sys.interval.seconds", "0")) {
            MqttClient monitor = MqttClientSupport.v3(broker, "sys-off");
            try {
                Inbox inbox = new Inbox();
                monitor.subscribe("$SYS/#", 0, inbox);
                monitor.publish("$SYS/marker", utf8("marker"), 0, false);
                assertThat(inbox.take().topic()).isEqualTo("$SYS/marker");
            } finally {
                closeQuietly(monitor);
            }
        }
    }
}
