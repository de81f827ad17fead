package io.wharf.broker.alarm;

/** A resource running short, for which publishers are held back (RabbitMQ's memory and disk alarms). */
public enum ResourceAlarm {
    MEMORY("low on memory"),
    DISK("low on disk");

    private final String reason;

    ResourceAlarm(String reason) {
        this.reason = reason;
    }

    /** The reason a protocol gives its clients (AMQP's Connection.Blocked), RabbitMQ's wording. */
    public String reason() { return reason; }
}
