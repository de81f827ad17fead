package io.wharf.broker.exchange;

import java.util.Locale;
import java.util.Optional;

/** The four exchange types of AMQP 0-9-1, by the names clients declare them with. */
public enum ExchangeType {
    DIRECT, FANOUT, TOPIC, HEADERS;

    /** The type's name on the wire: {@code direct}, {@code fanout}, {@code topic}, {@code headers}. */
    public String wireName() { return name().toLowerCase(Locale.ROOT); }

    public static Optional<ExchangeType> fromWireName(String name) {
        for (ExchangeType t : values()) if (t.wireName().equals(name)) return Optional.of(t);
        return Optional.empty();
    }
}
