package io.wharf.broker.security;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** RabbitMQ's semantics: {@code re:run} is an unanchored search, and "" means "^$". */
class PermissionTest {

    @Test
    void aRegexMatchesAnywhereInTheNameUnlessAnchored() {
        Permission p = new Permission("/", "alice", "foo", "^foo", "^foo$");
        assertThat(p.canConfigure("a-foo-b")).isTrue();
        assertThat(p.canConfigure("bar")).isFalse();
        assertThat(p.canWrite("foo-b")).isTrue();
        assertThat(p.canWrite("a-foo")).isFalse();
        assertThat(p.canRead("foo")).isTrue();
        assertThat(p.canRead("foo-b")).isFalse();
    }

    @Test
    void emptyAndCaretDollarGrantNothingAndDotStarGrantsEverything() {
        Permission none = new Permission("/", "alice", "", "^$", "");
        for (String name : new String[] {"q", "amq.default", "amq.gen-abc", " "}) {
            assertThat(none.canConfigure(name)).as(name).isFalse();
            assertThat(none.canWrite(name)).as(name).isFalse();
            assertThat(none.canRead(name)).as(name).isFalse();
        }
        Permission all = Permission.all("/", "alice");
        assertThat(all.canConfigure("anything")).isTrue();
        assertThat(all.canWrite("amq.default")).isTrue();
        assertThat(all.canRead("日本語")).isTrue();
    }

    @Test
    void serverNamedQueuesGetNoSpecialCase() {
        Permission p = new Permission("/", "alice", "^orders-.*", ".*", ".*");
        assertThat(p.canConfigure("amq.gen-JzTY20BRgKO-HjmUJj0wLg")).isFalse();
        assertThat(new Permission("/", "alice", "^amq\\.gen-.*", "", "").canConfigure("amq.gen-x")).isTrue();
    }

    @Test
    void theDefaultExchangeIsCheckedAsAmqDefault() {
        assertThat(Permission.exchangeResource("")).isEqualTo("amq.default");
        assertThat(Permission.exchangeResource("amq.topic")).isEqualTo("amq.topic");
        Permission p = new Permission("/", "alice", "", "^amq\\.default$", "");
        assertThat(p.canWrite(Permission.exchangeResource(""))).isTrue();
        assertThat(p.canWrite(Permission.exchangeResource("logs"))).isFalse();
    }

    @Test
    void anInvalidRegexIsRefusedNamingWhichOne() {
        assertThatThrownBy(() -> new Permission("/", "alice", ".*", "([", ".*"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Invalid write regular expression '(['");
    }

    @Test
    void equalityIsOnTheStrings() {
        assertThat(new Permission("/", "a", "x", "y", "z")).isEqualTo(new Permission("/", "a", "x", "y", "z"))
                .hasSameHashCodeAs(new Permission("/", "a", "x", "y", "z"))
                .isNotEqualTo(new Permission("/", "a", "x", "y", "zz"))
                .isNotEqualTo(new Permission("/v", "a", "x", "y", "z"));
    }
}
