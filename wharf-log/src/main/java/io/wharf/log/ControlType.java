package io.wharf.log;

/** The control records a transaction coordinator writes to end a transaction (Kafka's key type 0 and 1). */
public enum ControlType {
    ABORT((short) 0), COMMIT((short) 1);

    private final short id;

    ControlType(short id) { this.id = id; }

    /** The type field of the control record key. */
    public short id() { return id; }
}
