package io.wharf.mqtt.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SessionExpiryTest {
    @Test
    void v3GetsNothingWithACleanSessionAndTheMaximumWithout() {
        assertThat(SessionExpiry.grant(false, true, 0, 86_400)).isZero();
        assertThat(SessionExpiry.grant(false, false, 0, 86_400)).isEqualTo(86_400);
        assertThat(SessionExpiry.grant(false, false, 0, SessionExpiry.NEVER)).isEqualTo(SessionExpiry.NEVER);
    }

    @Test
    void v5GetsWhatItAsksUpToTheMaximumWhateverItsCleanStart() {
        assertThat(SessionExpiry.grant(true, false, 0, 86_400)).isZero();
        assertThat(SessionExpiry.grant(true, true, 60, 86_400)).isEqualTo(60);
        assertThat(SessionExpiry.grant(true, false, SessionExpiry.NEVER, 86_400)).isEqualTo(86_400);
        assertThat(SessionExpiry.grant(true, false, SessionExpiry.NEVER, SessionExpiry.NEVER)).isEqualTo(SessionExpiry.NEVER);
        assertThat(SessionExpiry.grant(true, false, 60, 0)).as("maximum 0: every session ends with its connection").isZero();
    }

    @Test
    void theQueueExpiresInMillisecondsAndNeverMeansNoExpiry() {
        assertThat(SessionExpiry.queueArguments(90)).containsExactly(java.util.Map.entry("x-expires", 90_000L));
        assertThat(SessionExpiry.queueArguments(SessionExpiry.NEVER)).isEmpty();
        assertThat(SessionExpiry.expiresMs(SessionExpiry.NEVER)).isEqualTo(-1);
    }
}
