package io.wharf.broker.security;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class AccessSnapshotTest {

    private static final User ALICE = new User("alice", Optional.empty(), Set.of());
    private static final User BOB = new User("bob", Optional.empty(), Set.of());

    private static AccessSnapshot.Key key(String vhost, String user) {
        return new AccessSnapshot.Key(vhost, user);
    }

    @Test
    void orphanPermissionsAreKeptButNeverVisible() {
        AccessSnapshot s = new AccessSnapshot(Set.of("/"), Map.of("alice", ALICE), Map.of(
                key("/", "alice"), Permission.all("/", "alice"),
                key("/gone", "alice"), Permission.all("/gone", "alice"),
                key("/", "ghost"), Permission.all("/", "ghost")));
        assertThat(s.permissions()).containsExactly(Permission.all("/", "alice"));
        assertThat(s.permission("/gone", "alice")).isEmpty();
        // the vhost section catching up makes the stored permission valid
        assertThat(s.withVhosts(List.of("/", "/gone")).permission("/gone", "alice")).isPresent();
    }

    @Test
    void permissionsAreListedByVhostThenUser() {
        AccessSnapshot s = new AccessSnapshot(Set.of("/", "/b"), Map.of("alice", ALICE, "bob", BOB), Map.of(
                key("/b", "alice"), Permission.all("/b", "alice"),
                key("/", "bob"), Permission.all("/", "bob"),
                key("/", "alice"), Permission.all("/", "alice")));
        assertThat(s.permissions()).extracting(p -> p.vhost() + " " + p.user())
                .containsExactly("/ alice", "/ bob", "/b alice");
    }

    @Test
    void changesNameDeletionsAndPermissionChangesButNotPermissionsThatWentWithThem() {
        AccessSnapshot before = new AccessSnapshot(Set.of("/", "/shop"), Map.of("alice", ALICE, "bob", BOB), Map.of(
                key("/", "alice"), Permission.all("/", "alice"),
                key("/shop", "alice"), Permission.all("/shop", "alice"),
                key("/", "bob"), Permission.all("/", "bob")));
        AccessSnapshot after = before.withoutVhost("/shop").withoutUser("bob")
                .withPermission(new Permission("/", "alice", "^$", ".*", ".*"));
        assertThat(AccessSnapshot.changes(before, after)).containsExactly(
                new AccessSnapshot.Change("/shop", null, null),
                new AccessSnapshot.Change(null, "bob", null),
                new AccessSnapshot.Change(null, null, key("/", "alice")));
        assertThat(AccessSnapshot.changes(after, after)).isEmpty();
    }

    @Test
    void aNewUserOrVhostStartsWithoutTheOrphansOfAnEarlierOne() {
        AccessSnapshot s = new AccessSnapshot(Set.of("/"), Map.of(), Map.of(key("/", "alice"), Permission.all("/", "alice")));
        assertThat(s.withUser(ALICE, true).permission("/", "alice")).isEmpty();
        assertThat(s.withUser(ALICE, false).permission("/", "alice")).isPresent();
        AccessSnapshot noVhost = new AccessSnapshot(Set.of(), Map.of("alice", ALICE),
                Map.of(key("/", "alice"), Permission.all("/", "alice")));
        assertThat(noVhost.withVhost("/").permission("/", "alice")).isEmpty();
    }
}
