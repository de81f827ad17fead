package io.wharf.broker.routing;

import java.util.HashMap;
import java.util.Map;

/**
 * The destinations bound with one filter: the set a trie node reports when a topic matches that filter. Readers
 * iterate a plain array with no lock and no allocation; writers add and remove in amortised constant time, so a
 * filter that a hundred thousand MQTT clients share costs no more per subscribe than a private one.
 *
 * <p>Layout: the published {@link Slots} holds an array and how many of its slots are in use. A writer appends by
 * filling the next free slot and then publishing a new {@code Slots} with one more in use; it removes by nulling the
 * destination's slot (a hole) and republishing. A destination that stays bound never moves within a published array,
 * so a reader walking an array sees it; when holes outnumber live destinations, or the array is full, the writer
 * copies the live destinations into a fresh array and publishes that, never reordering an array a reader may hold.
 *
 * <p>Invariants: a destination occupies at most one slot of the current array, and {@code positions} maps exactly the
 * live destinations to their slots. A reader may see a destination removed during its walk, or miss one added
 * during it, but never sees one twice.
 *
 * <p>Thread-safety: {@link #slots()} is lock-free and may run concurrently with anything; {@link #add},
 * {@link #remove} and {@link #isEmpty} must be serialised by the caller (the owning trie's write lock).
 */
final class FilterBindings<D> {
    private static final int MIN_SLOTS = 2;

    /** One published view for readers: {@code array[0, used)}, null slots being holes. */
    static final class Slots {
        static final Slots EMPTY = new Slots(new Object[0], 0);

        final Object[] array;
        final int used;

        Slots(Object[] array, int used) {
            this.array = array;
            this.used = used;
        }
    }

    private final String filter;
    private volatile Slots slots = Slots.EMPTY;
    private final Map<D, Integer> positions = new HashMap<>();
    private int holes;

    FilterBindings(String filter) {
        this.filter = filter;
    }

    String filter() { return filter; }

    /** The current view; a reader walks {@code array[0, used)} and skips nulls. */
    Slots slots() { return slots; }

    boolean isEmpty() { return positions.isEmpty(); }

    int size() { return positions.size(); }

    /** Binds {@code destination}; false if it already was. Writers only. */
    boolean add(D destination) {
        if (positions.containsKey(destination)) {
            return false;
        }
        Slots current = slots;
        Object[] array = current.array;
        int used = current.used;
        if (used == array.length) {
            array = repacked(current, Math.max(MIN_SLOTS, positions.size() * 2));
            used = positions.size();
        }
        array[used] = destination;
        positions.put(destination, used);
        // The volatile write publishes the filled slot to every reader that reads the new view.
        slots = new Slots(array, used + 1);
        return true;
    }

    /** Unbinds {@code destination}; false if it was not bound. Writers only. */
    boolean remove(D destination) {
        Integer position = positions.remove(destination);
        if (position == null) {
            return false;
        }
        Slots current = slots;
        if (positions.isEmpty()) {
            holes = 0;
            slots = Slots.EMPTY;
            return true;
        }
        current.array[position] = null;
        holes++;
        if (holes > positions.size()) {
            Object[] array = repacked(current, Math.max(MIN_SLOTS, positions.size() * 2));
            slots = new Slots(array, positions.size());
        } else {
            // Republishing the same view orders the hole before any later reader's read of it.
            slots = current;
        }
        return true;
    }

    /** Copies the live destinations of {@code from} to the front of a new array; resets holes and positions. */
    private Object[] repacked(Slots from, int capacity) {
        Object[] array = new Object[capacity];
        int next = 0;
        for (int i = 0; i < from.used; i++) {
            Object destination = from.array[i];
            if (destination != null) {
                array[next] = destination;
                positions.put(cast(destination), next);
                next++;
            }
        }
        holes = 0;
        return array;
    }

    @SuppressWarnings("unchecked")
    private D cast(Object destination) {
        return (D) destination;
    }
}
