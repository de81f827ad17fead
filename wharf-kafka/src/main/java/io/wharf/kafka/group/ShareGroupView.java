package io.wharf.kafka.group;

import java.util.Map;
import org.apache.kafka.common.protocol.Errors;

/** What the group administration (ListGroups, DeleteGroups) sees of share groups, which live in their own package. */
public interface ShareGroupView {
    /** Each share group and its state (Empty, Stable). */
    Map<String, String> list();

    /** Deletes an empty share group; null if {@code groupId} is not one, NON_EMPTY_GROUP if it has members. */
    Errors delete(String groupId);
}
