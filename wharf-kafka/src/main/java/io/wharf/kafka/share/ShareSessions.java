package io.wharf.kafka.share;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;

/**
 * Share sessions (KIP-932): the partitions a member fetches from, kept by the broker so that the member's
 * requests need only name what changed. A ShareFetch with epoch 0 opens a session (replacing the member's
 * previous one), every later ShareFetch or ShareAcknowledge carries the next epoch, and epoch -1 closes it.
 * Unlike fetch sessions, a broker cannot decline them: the client sends incremental requests regardless.
 *
 * <p>Thread-safety: thread-safe; every method holds this object's monitor briefly.
 */
final class ShareSessions {
    static final int INITIAL_EPOCH = 0;
    static final int FINAL_EPOCH = -1;

    /** A partition of a session, named as the protocol names it. */
    record SessionPartition(Uuid topicId, int partition) {
    }

    /** A request's standing in its session: an error, or the partitions the session now holds. */
    record Standing(Errors error, String message, Set<SessionPartition> partitions) {
        static Standing failed(Errors error, String message) { return new Standing(error, message, Set.of()); }
    }

    private record Key(String groupId, String memberId) {
    }

    private static final class Session {
        int nextEpoch = 1;
        final Set<SessionPartition> partitions = new LinkedHashSet<>();
    }

    private final Map<Key, Session> sessions = new HashMap<>();

    /**
     * Applies a ShareFetch to its member's session: opens one at epoch 0, checks and advances the epoch
     * otherwise, and adds and forgets the partitions named. At epoch -1 the session closes after this request.
     */
    synchronized Standing fetch(String groupId, String memberId, int epoch, List<SessionPartition> added,
                                List<SessionPartition> forgotten) {
        Key key = new Key(groupId, memberId);
        if (epoch == INITIAL_EPOCH) {
            Session session = new Session();
            session.partitions.addAll(added);
            sessions.put(key, session);
            return new Standing(Errors.NONE, null, Set.copyOf(session.partitions));
        }
        Standing standing = advance(key, epoch);
        if (standing != null) return standing;
        Session session = sessions.get(key);
        forgotten.forEach(session.partitions::remove);
        session.partitions.addAll(added);
        Set<SessionPartition> now = new LinkedHashSet<>(session.partitions);
        if (epoch == FINAL_EPOCH) sessions.remove(key);
        return new Standing(Errors.NONE, null, now);
    }

    /** Applies a ShareAcknowledge to its member's session: the epoch must be the next one, or -1 to close. */
    synchronized Standing acknowledge(String groupId, String memberId, int epoch) {
        Key key = new Key(groupId, memberId);
        if (epoch == INITIAL_EPOCH) {
            return Standing.failed(Errors.INVALID_SHARE_SESSION_EPOCH, "A share session cannot be opened by ShareAcknowledge.");
        }
        Standing standing = advance(key, epoch);
        if (standing != null) return standing;
        Set<SessionPartition> now = new LinkedHashSet<>(sessions.get(key).partitions);
        if (epoch == FINAL_EPOCH) sessions.remove(key);
        return new Standing(Errors.NONE, null, now);
    }

    /** Checks the epoch of a request in an existing session and moves it on; null when it is in order. */
    private Standing advance(Key key, int epoch) {
        Session session = sessions.get(key);
        if (session == null) {
            return Standing.failed(Errors.SHARE_SESSION_NOT_FOUND, "No share session for member " + key.memberId()
                + " of group " + key.groupId() + ".");
        }
        if (epoch == FINAL_EPOCH) return null;
        if (epoch != session.nextEpoch) {
            return Standing.failed(Errors.INVALID_SHARE_SESSION_EPOCH, "Share session epoch " + epoch + " of member "
                + key.memberId() + " is out of order; expected " + session.nextEpoch + ".");
        }
        session.nextEpoch = epoch == Integer.MAX_VALUE ? 1 : epoch + 1;
        return null;
    }

    /** Closes a member's session (it left its group). */
    synchronized void close(String groupId, String memberId) {
        sessions.remove(new Key(groupId, memberId));
    }

    /** Whether the member has an open session. */
    synchronized boolean isOpen(String groupId, String memberId) {
        return sessions.containsKey(new Key(groupId, memberId));
    }
}
