package io.wharf.broker.exchange;

/** Where a binding leads: a queue, or another exchange (exchange-to-exchange bindings). */
public record Destination(Kind kind, String name) {
    public enum Kind { QUEUE, EXCHANGE }

    public static Destination queue(String name) { return new Destination(Kind.QUEUE, name); }

    public static Destination exchange(String name) { return new Destination(Kind.EXCHANGE, name); }
}
