package io.wharf.log;

import io.wharf.log.record.Compression;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Kafka's {@code compression.type} of a topic: the codec the log stores every producer batch in, or
 * {@link #PRODUCER} to store each batch in whatever codec its producer chose. {@code uncompressed} is
 * Kafka's name for storing without compression.
 */
public enum TopicCompression {
    UNCOMPRESSED("uncompressed", Compression.NONE),
    ZSTD("zstd", Compression.ZSTD),
    LZ4("lz4", Compression.LZ4),
    SNAPPY("snappy", Compression.SNAPPY),
    GZIP("gzip", Compression.GZIP),
    PRODUCER("producer", null);

    private final String configName;
    private final Compression codec;

    TopicCompression(String configName, Compression codec) {
        this.configName = configName;
        this.codec = codec;
    }

    public String configName() { return configName; }

    /** The codec batches are stored in; empty for {@link #PRODUCER} (each batch keeps its own). */
    public Optional<Compression> codec() { return Optional.ofNullable(codec); }

    /** The value named as in Kafka's {@code compression.type} (case-insensitive). */
    public static TopicCompression forName(String name) {
        if (name != null) {
            String lower = name.trim().toLowerCase(Locale.ROOT);
            for (TopicCompression c : values()) if (c.configName.equals(lower)) return c;
        }
        throw new IllegalArgumentException("Invalid value '" + name + "' for " + LogConfig.COMPRESSION_TYPE
            + ": expected one of " + Arrays.stream(values()).map(TopicCompression::configName)
                .collect(Collectors.joining(", ")));
    }
}
