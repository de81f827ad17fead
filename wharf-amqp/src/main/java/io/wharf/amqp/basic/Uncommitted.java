package io.wharf.amqp.basic;

import java.util.ArrayList;
import java.util.List;

/**
 * What a channel in tx mode (Tx.Select) holds back until Tx.Commit: publishes and settlements, applied in
 * the order they came, or dropped by Tx.Rollback. Confined to the connection's event loop.
 */
final class Uncommitted {
    private final List<Runnable> held = new ArrayList<>();
    private boolean active;

    boolean active() { return active; }

    void select() { active = true; }

    /** Runs {@code action} now outside tx mode, at the next commit inside it. */
    void run(Runnable action) {
        if (active) held.add(action);
        else action.run();
    }

    void commit() {
        List<Runnable> batch = List.copyOf(held);
        held.clear();
        batch.forEach(Runnable::run);
    }

    void rollback() { held.clear(); }
}
