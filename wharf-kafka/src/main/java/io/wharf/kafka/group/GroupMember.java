package io.wharf.kafka.group;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * One member of a classic group: who it is, the protocols it supports in its order of preference (with their
 * opaque metadata), its timeouts, its current assignment, and the JoinGroup or SyncGroup response it is
 * waiting for, if any.
 *
 * <p>Thread-safety: guarded by the lock of the {@link ClassicGroup} it belongs to. The member id changes
 * when a static member is replaced by a new instance of itself.
 */
final class GroupMember {
    private static final byte[] EMPTY = new byte[0];

    /** A supported protocol: its name and the member's metadata for it. */
    record Protocol(String name, byte[] metadata) {
        boolean sameAs(Protocol o) { return name.equals(o.name) && Arrays.equals(metadata, o.metadata); }
    }

    private String memberId;
    final String groupInstanceId;
    final String clientId;
    final String clientHost;
    int sessionTimeoutMs;
    int rebalanceTimeoutMs;
    final String protocolType;
    private List<Protocol> protocols;
    byte[] assignment = EMPTY;
    CompletableFuture<JoinResult> awaitingJoin;
    CompletableFuture<SyncResult> awaitingSync;
    long lastHeartbeatNanos = System.nanoTime();
    ScheduledFuture<?> expiry;

    GroupMember(String memberId, String groupInstanceId, String clientId, String clientHost, int sessionTimeoutMs,
                int rebalanceTimeoutMs, String protocolType, List<Protocol> protocols) {
        this.memberId = memberId;
        this.groupInstanceId = groupInstanceId;
        this.clientId = clientId;
        this.clientHost = clientHost;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.rebalanceTimeoutMs = rebalanceTimeoutMs;
        this.protocolType = protocolType;
        this.protocols = List.copyOf(protocols);
    }

    String memberId() { return memberId; }

    void memberId(String newId) { this.memberId = newId; }

    boolean isStatic() { return groupInstanceId != null; }

    List<Protocol> protocols() { return protocols; }

    void protocols(List<Protocol> protocols) { this.protocols = List.copyOf(protocols); }

    /** The metadata for {@code protocol}, empty if this member does not support it. */
    byte[] metadata(String protocol) {
        for (Protocol p : protocols) if (p.name.equals(protocol)) return p.metadata;
        return EMPTY;
    }

    boolean supports(String protocol) {
        for (Protocol p : protocols) if (p.name.equals(protocol)) return true;
        return false;
    }

    /** Same protocols with the same metadata in the same order: a rejoin that changes nothing. */
    boolean matches(List<Protocol> other) {
        if (other.size() != protocols.size()) return false;
        for (int i = 0; i < other.size(); i++) if (!protocols.get(i).sameAs(other.get(i))) return false;
        return true;
    }

    /** This member's most preferred protocol among {@code candidates}. */
    String vote(java.util.Set<String> candidates) {
        for (Protocol p : protocols) if (candidates.contains(p.name)) return p.name;
        throw new IllegalStateException("Member " + memberId + " supports none of " + candidates);
    }

    /** Records a sign of life (heartbeat, join, sync, commit): the session timeout counts from now. */
    void heartbeat() { lastHeartbeatNanos = System.nanoTime(); }

    boolean isAwaitingJoin() { return awaitingJoin != null; }

    boolean isAwaitingSync() { return awaitingSync != null; }

    /** Completes the pending JoinGroup response, if any; returns whether there was one. */
    boolean completeJoin(JoinResult result) {
        CompletableFuture<JoinResult> f = awaitingJoin;
        awaitingJoin = null;
        if (f == null) return false;
        f.complete(result);
        return true;
    }

    /** Completes the pending SyncGroup response, if any; returns whether there was one. */
    boolean completeSync(SyncResult result) {
        CompletableFuture<SyncResult> f = awaitingSync;
        awaitingSync = null;
        if (f == null) return false;
        f.complete(result);
        return true;
    }

    @Override
    public String toString() {
        return "GroupMember(" + memberId + (groupInstanceId == null ? "" : ", instance " + groupInstanceId)
            + ", client " + clientId + "@" + clientHost + ")";
    }
}
