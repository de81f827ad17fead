package io.wharf.broker.security;

import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PasswordHashTest {

    /** The worked example of RabbitMQ's passwords guide: salt 908DC60A, password "test12". */
    private static final String RABBITMQ_EXAMPLE = "kI3GCqW5JLMJa4iX1lo7X4D6XbYqlLgxIs30+P6tENUV2POR";

    @Test
    void verifiesAHashRabbitMqComputed() {
        PasswordHash hash = PasswordHash.fromBase64(RABBITMQ_EXAMPLE);
        assertThat(hash.verify("test12")).isTrue();
        assertThat(hash.verify("test13")).isFalse();
        assertThat(hash.verify("")).isFalse();
    }

    @Test
    void computesTheSameHashAsRabbitMqForTheSameSalt() {
        byte[] salt = HexFormat.of().parseHex("908DC60A");
        assertThat(PasswordHash.withSalt(salt, "test12").toBase64()).isEqualTo(RABBITMQ_EXAMPLE);
        // UTF-8, as RabbitMQ hashes the binary it was given (checked with Python's hashlib)
        assertThat(PasswordHash.withSalt(HexFormat.of().parseHex("01020304"), "pässwörd").toBase64())
                .isEqualTo("AQIDBPwtq5ZIwNBPpzi5rjcenzm3jkMbdjQ9/km2mOuj20ER");
    }

    @Test
    void aNewHashHasAFreshSaltAndRoundTripsThroughBase64() {
        PasswordHash one = PasswordHash.create("s3cret");
        PasswordHash two = PasswordHash.create("s3cret");
        assertThat(one).isNotEqualTo(two);
        assertThat(Base64.getDecoder().decode(one.toBase64())).hasSize(36);
        PasswordHash back = PasswordHash.fromBase64(one.toBase64());
        assertThat(back).isEqualTo(one).hasSameHashCodeAs(one);
        assertThat(back.verify("s3cret")).isTrue();
        assertThat(back.verify("s3cret ")).isFalse();
    }

    @Test
    void malformedHashesAreRefused() {
        assertThatThrownBy(() -> PasswordHash.fromBase64("not base64!")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not base64");
        assertThatThrownBy(() -> PasswordHash.fromBase64(Base64.getEncoder().encodeToString(new byte[20])))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("36 bytes").hasMessageContaining("20");
        assertThatThrownBy(() -> PasswordHash.withSalt(new byte[3], "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void toStringDoesNotLeakTheHash() {
        PasswordHash hash = PasswordHash.fromBase64(RABBITMQ_EXAMPLE);
        assertThat(hash.toString()).doesNotContain(RABBITMQ_EXAMPLE).contains("rabbit_password_hashing_sha256");
    }
}
