package io.wharf.kafka.group.consumer;

import java.util.List;

/**
 * What a member that speaks the classic protocol (JoinGroup, SyncGroup, Heartbeat) told its consumer group
 * in its last JoinGroup: its session timeout, and its protocols (client-side assignors, most preferred first)
 * with their metadata. Such members are in a consumer group while it moves between the protocols (KIP-848's
 * online migration); the group assigns their partitions as it does for the others.
 */
public record ClassicMembership(int sessionTimeoutMs, List<Protocol> protocols) {
    /** One protocol of a JoinGroup: its name and its metadata (a serialized ConsumerProtocolSubscription). */
    public record Protocol(String name, byte[] metadata) {
    }

    public ClassicMembership {
        protocols = List.copyOf(protocols);
        if (protocols.isEmpty()) throw new IllegalArgumentException("A classic member has at least one protocol");
    }

    /** The protocol the member prefers, which the coordinator names in its answers. */
    public String preferredProtocol() { return protocols.get(0).name(); }

    /** Whether the member offers the protocol {@code name}. */
    public boolean supports(String name) {
        for (Protocol p : protocols) if (p.name().equals(name)) return true;
        return false;
    }
}
