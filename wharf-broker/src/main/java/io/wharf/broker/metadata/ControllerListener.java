package io.wharf.broker.metadata;

/**
 * Told by a {@link ControllerElection} when this broker gains or loses the controller role. Calls come one
 * at a time, in order, on the election's own thread; a long-running reaction should hand off to another
 * thread so that the next election event is not delayed.
 */
public interface ControllerListener {

    /** This broker is now the controller, with the given (new, higher) controller epoch. */
    default void onBecomeController(int controllerEpoch) {
    }

    /** This broker is no longer the controller (it closed, or its ZooKeeper session was lost). */
    default void onResign() {
    }
}
