package io.wharf.broker.security;

import org.junit.jupiter.api.Test;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class LoopbackUsersTest {

    @Test
    void guestMayConnectOnlyOverLoopbackByDefault() throws Exception {
        LoopbackUsers loopback = LoopbackUsers.DEFAULT;
        assertThat(loopback.mayConnect("guest", InetAddress.getByName("127.0.0.1"))).isTrue();
        assertThat(loopback.mayConnect("guest", InetAddress.getByName("127.1.2.3"))).isTrue();
        assertThat(loopback.mayConnect("guest", InetAddress.getByName("::1"))).isTrue();
        assertThat(loopback.mayConnect("guest", InetAddress.getByName("10.0.0.7"))).isFalse();
        assertThat(loopback.mayConnect("guest", InetAddress.getByName("fe80::1"))).isFalse();
        assertThat(loopback.mayConnect("alice", InetAddress.getByName("10.0.0.7"))).isTrue();
    }

    @Test
    void anIpv4MappedLoopbackAddressIsLoopback() throws Exception {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1};
        byte[] mappedRemote = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 0, 0, 1};
        assertThat(LoopbackUsers.isLoopback(Inet6Address.getByAddress(null, mapped, -1))).isTrue();
        assertThat(LoopbackUsers.isLoopback(Inet6Address.getByAddress(null, mappedRemote, -1))).isFalse();
    }

    @Test
    void theListIsConfigurable() throws Exception {
        InetAddress remote = InetAddress.getByName("192.168.1.5");
        assertThat(LoopbackUsers.NONE.mayConnect("guest", remote)).isTrue();
        LoopbackUsers custom = new LoopbackUsers(Set.of("ops"));
        assertThat(custom.mayConnect("ops", remote)).isFalse();
        assertThat(custom.mayConnect("guest", remote)).isTrue();
        assertThat(custom.users()).containsExactly("ops");
    }
}
