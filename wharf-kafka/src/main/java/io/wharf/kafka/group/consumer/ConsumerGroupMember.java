package io.wharf.kafka.group.consumer;

import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ScheduledFuture;
import java.util.regex.Pattern;

/**
 * One member of a consumer group (KIP-848): what it subscribes to, as its heartbeats last said, and where it
 * is in reaching its target assignment.
 *
 * <p>Thread-safety: not thread-safe; accessed only under its group's monitor.
 */
public final class ConsumerGroupMember {
    /** The epoch a static member leaves with when it means to come back (and keep its partitions meanwhile). */
    public static final int LEAVE_STATIC_EPOCH = -2;
    public static final int LEAVE_EPOCH = -1;

    private final String memberId;
    private final String instanceId;
    private String rackId;
    private String clientId;
    private String clientHost;
    private int rebalanceTimeoutMs;
    private Set<String> subscribedTopicNames = Set.of();
    private Pattern subscribedTopicRegex;
    private String serverAssignor;
    private int previousEpoch = -1;
    private Reconciliation.Position position = new Reconciliation.Position(0, MemberState.STABLE, Assignment.EMPTY,
        Assignment.EMPTY);
    /** A static member that left with epoch -2 and has not come back yet. */
    private boolean temporarilyLeft;
    /** Set for a member of the classic protocol (during a migration between the protocols); null otherwise. */
    private ClassicMembership classic;

    /** Fences the member when no heartbeat comes within the session timeout. */
    public ScheduledFuture<?> sessionTimer;
    /** Fences the member when it has not revoked its partitions within its rebalance timeout. */
    public ScheduledFuture<?> revocationTimer;

    public ConsumerGroupMember(String memberId, String instanceId) {
        this.memberId = memberId;
        this.instanceId = instanceId;
    }

    public String memberId() { return memberId; }

    public String instanceId() { return instanceId; }

    public String rackId() { return rackId; }

    public String clientId() { return clientId; }

    public String clientHost() { return clientHost; }

    public int rebalanceTimeoutMs() { return rebalanceTimeoutMs; }

    public Set<String> subscribedTopicNames() { return subscribedTopicNames; }

    public Pattern subscribedTopicRegex() { return subscribedTopicRegex; }

    public String serverAssignor() { return serverAssignor; }

    public int epoch() { return position.epoch(); }

    public int previousEpoch() { return previousEpoch; }

    public MemberState state() { return position.state(); }

    public Assignment assigned() { return position.assigned(); }

    public Assignment pendingRevocation() { return position.pendingRevocation(); }

    public Reconciliation.Position position() { return position; }

    public boolean temporarilyLeft() { return temporarilyLeft; }

    /** What the member said in its JoinGroup, if it speaks the classic protocol; null if it heartbeats as KIP-848 says. */
    public ClassicMembership classic() { return classic; }

    public boolean usesClassicProtocol() { return classic != null; }

    public void setClassic(ClassicMembership classic) { this.classic = classic; }

    public void setTemporarilyLeft(boolean left) { this.temporarilyLeft = left; }

    public void setClient(String clientId, String clientHost) {
        this.clientId = clientId;
        this.clientHost = clientHost;
    }

    public void setRackId(String rackId) { this.rackId = rackId; }

    public void setRebalanceTimeoutMs(int ms) { this.rebalanceTimeoutMs = ms; }

    public void setServerAssignor(String assignor) { this.serverAssignor = assignor; }

    /** Sets the topic names subscribed to; returns whether they changed. */
    public boolean subscribeTopicNames(Set<String> names) {
        Set<String> sorted = Set.copyOf(new TreeSet<>(names));
        if (sorted.equals(subscribedTopicNames)) return false;
        subscribedTopicNames = sorted;
        return true;
    }

    /** Sets the topic pattern subscribed to (null for none); returns whether it changed. */
    public boolean subscribeTopicRegex(Pattern regex) {
        String before = subscribedTopicRegex == null ? null : subscribedTopicRegex.pattern();
        String after = regex == null ? null : regex.pattern();
        subscribedTopicRegex = regex;
        return before == null ? after != null : !before.equals(after);
    }

    /** Whether the member subscribes to {@code topic}, by name or by its pattern. */
    public boolean subscribesTo(String topic) {
        return subscribedTopicNames.contains(topic) || (subscribedTopicRegex != null && subscribedTopicRegex.matcher(topic).matches());
    }

    public void moveTo(Reconciliation.Position next) {
        if (next.epoch() != position.epoch()) previousEpoch = position.epoch();
        position = next;
    }

    /** Takes over the subscription and assignment of the static member this one replaces. */
    public void inherit(ConsumerGroupMember old) {
        rackId = old.rackId;
        rebalanceTimeoutMs = old.rebalanceTimeoutMs;
        subscribedTopicNames = old.subscribedTopicNames;
        subscribedTopicRegex = old.subscribedTopicRegex;
        serverAssignor = old.serverAssignor;
        previousEpoch = old.previousEpoch;
        position = old.position;
    }

    @Override
    public String toString() {
        return "ConsumerGroupMember(" + memberId + (instanceId == null ? "" : ", instance " + instanceId)
            + ", epoch " + epoch() + ", " + state() + ", " + assigned() + ")";
    }
}
