package io.wharf.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ListenerTest {

    @Test
    void parsesNameHostAndPort() {
        assertThat(Listener.parse("PLAINTEXT://127.0.0.1:9092"))
                .isEqualTo(new Listener("PLAINTEXT", "127.0.0.1", 9092));
        assertThat(Listener.parse("AMQP://broker-1.example.com:5672"))
                .isEqualTo(new Listener("AMQP", "broker-1.example.com", 5672));
    }

    @Test
    void emptyHostMeansAllInterfaces() {
        Listener listener = Listener.parse("MQTT://:1883");
        assertThat(listener.host()).isEqualTo("0.0.0.0");
        assertThat(listener.bindsAllInterfaces()).isTrue();
        assertThat(listener).hasToString("MQTT://0.0.0.0:1883");
    }

    @Test
    void ipv6HostIsWrittenInBracketsAndKeptWithout() {
        Listener loopback = Listener.parse("PLAINTEXT://[::1]:9092");
        assertThat(loopback.host()).isEqualTo("::1");
        assertThat(loopback.bindsAllInterfaces()).isFalse();
        assertThat(loopback).hasToString("PLAINTEXT://[::1]:9092");
        assertThat(Listener.parse("PLAINTEXT://[::]:9092").bindsAllInterfaces()).isTrue();
        assertThat(Listener.parse("HTTP://[fe80::1%eth0]:15672").host()).isEqualTo("fe80::1%eth0");
    }

    @Test
    void portZeroMeansEphemeralAndPortsUpTo65535AreAccepted() {
        assertThat(Listener.parse("PLAINTEXT://127.0.0.1:0").port()).isZero();
        assertThat(Listener.parse("PLAINTEXT://127.0.0.1:65535").port()).isEqualTo(65535);
    }

    @Test
    void namesAreCaseInsensitiveAndKeptInUpperCase() {
        assertThat(Listener.parse("plaintext://localhost:9092").name()).isEqualTo("PLAINTEXT");
        assertThat(Listener.parse("Internal_Replication://localhost:9093").name()).isEqualTo("INTERNAL_REPLICATION");
    }

    @Test
    void toStringParsesBackToTheSameListener() {
        for (String text : new String[] {"PLAINTEXT://127.0.0.1:9092", "AMQP://[::1]:5672", "X-1://host:0"}) {
            Listener listener = Listener.parse(text);
            assertThat(Listener.parse(listener.toString())).isEqualTo(listener);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "127.0.0.1:9092                 | expected NAME://host:port",
        "PLAINTEXT://127.0.0.1          | no port",
        "PLAINTEXT://127.0.0.1:         | port '' is not a number from 0 to 65535",
        "PLAINTEXT://127.0.0.1:65536    | port '65536' is not a number from 0 to 65535",
        "PLAINTEXT://127.0.0.1:-1       | port '-1' is not a number from 0 to 65535",
        "PLAINTEXT://127.0.0.1:http     | port 'http' is not a number",
        "PLAINTEXT://127.0.0.1:9092/x   | port '9092/x' is not a number",
        "://127.0.0.1:9092              | listener name '' must start with a letter",
        "9PLAIN://127.0.0.1:9092        | listener name '9PLAIN' must start with a letter",
        "PLAIN TEXT://127.0.0.1:9092    | listener name 'PLAIN TEXT' must start with a letter",
        "PLAINTEXT://::1:9092           | an IPv6 address must be in brackets",
        "PLAINTEXT://[::1:9092          | no closing ']'",
        "PLAINTEXT://[::1]9092          | expected ':port' after the IPv6 address",
        "PLAINTEXT://[localhost]:9092   | 'localhost' in brackets is not an IPv6 address",
        "PLAINTEXT://host name:9092     | 'host name' is not a host name or IP address",
        "PLAINTEXT://user@host:9092     | 'user@host' is not a host name or IP address",
    })
    void rejectsMalformedListenersSayingWhatIsWrong(String text, String problem) {
        assertThatThrownBy(() -> Listener.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(problem);
    }

    @Test
    void constructorNormalisesAndChecksItsArguments() {
        assertThatThrownBy(() -> new Listener("PLAINTEXT", "localhost", 70000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("port 70000");
        assertThatThrownBy(() -> new Listener("PLAINTEXT", "[::1]", 9092))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("without brackets");
        assertThat(new Listener("plaintext", "", 9092)).isEqualTo(new Listener("PLAINTEXT", "0.0.0.0", 9092));
    }
}
