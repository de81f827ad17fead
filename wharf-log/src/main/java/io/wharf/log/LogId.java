package io.wharf.log;

/**
 * Names a log: a stream name (a Kafka topic, an AMQP queue's backing topic, ...) and a partition number.
 * The log's directory is {@code <name>-<partition>}; the log itself attaches no other meaning to it.
 */
public record LogId(String name, int partition) implements Comparable<LogId> {
    public LogId {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("A log name must not be empty");
        if (partition < 0) throw new IllegalArgumentException("Partition must not be negative: " + partition);
    }

    public String dirName() { return name + "-" + partition; }

    /** Parses a directory name; empty if it is not {@code <name>-<partition>}. */
    public static java.util.Optional<LogId> parseDirName(String dirName) {
        int dash = dirName.lastIndexOf('-');
        if (dash <= 0 || dash == dirName.length() - 1) return java.util.Optional.empty();
        try {
            int partition = Integer.parseInt(dirName.substring(dash + 1));
            return partition < 0 ? java.util.Optional.empty()
                : java.util.Optional.of(new LogId(dirName.substring(0, dash), partition));
        } catch (NumberFormatException e) {
            return java.util.Optional.empty();
        }
    }

    @Override
    public int compareTo(LogId o) {
        int c = name.compareTo(o.name);
        return c != 0 ? c : Integer.compare(partition, o.partition);
    }

    @Override
    public String toString() { return dirName(); }
}
